package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.ChainCodes;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code jengine.ElementwiseChain}: runs the optimizer's straight-line elementwise program once per output element,
 * reading each (broadcast) input once. The program format is documented with its builder in the optimizer
 * (ops / args / params attributes, operand r >= 0 an input, r < 0 step -r-1).
 */
final class ElementwiseChainKernel {
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow");

    private ElementwiseChainKernel() {}

    static void register(KernelRegistry r) {
        r.add(FusedKernels.DOMAIN, "ElementwiseChain", 1, Set.of(), n -> {
            Node node = n.node();
            List<String> ops = node.attrStrings("ops", List.of());
            long[] args = node.attrInts("args", new long[0]);
            float[] params = node.attrFloats("params", new float[0]);
            if (ops.isEmpty() || args.length != 2 * ops.size() || params.length != 2 * ops.size()) {
                throw new IllegalArgumentException("ElementwiseChain needs ops, and two args and two params per op; got "
                        + ops.size() + " ops, " + args.length + " args, " + params.length + " params");
            }
            for (long a : args) {
                if (a >= node.inputs().size()) throw new IllegalArgumentException("operand " + a + " names no input");
            }
            ChainCodes codes = ChainCodes.of(node);
            // Unary steps are compiled once to the shared activation functions; binary steps stay a small switch.
            DoubleUnaryOperator[] unary = new DoubleUnaryOperator[ops.size()];
            for (int k = 0; k < unary.length; k++) {
                if (!BINARY.contains(ops.get(k))) {
                    unary[k] = Activation.of(ops.get(k), new float[] {params[2 * k], params[2 * k + 1]});
                }
            }
            return (ctx, in) -> {
                Tensor[] xs = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) {
                    xs[i] = tensor(in, i);
                    DType want = codes.inputTypes()[i];
                    if (want != null && xs[i].dtype() != want) {
                        throw new IllegalArgumentException("ElementwiseChain " + node.name() + ": input " + i + " should"
                                + " hold " + want + " codes, got " + xs[i].dtype());
                    }
                }
                double[] regs = new double[ops.size()];
                DType outType = codes.any() ? codes.outputType(DType.FLOAT32) : xs[0].dtype();
                return new Value[] {Broadcasting.map(outType, (out, e, idx) -> {
                    for (int k = 0; k < regs.length; k++) {
                        double x = operand(args[2 * k], xs, idx, regs, codes);
                        regs[k] = unary[k] != null ? unary[k].applyAsDouble(x)
                                : binary(ops.get(k), x, operand(args[2 * k + 1], xs, idx, regs, codes));
                    }
                    double y = regs[regs.length - 1];
                    if (codes.outputType() == null) {
                        out.setDouble(e, y);
                    } else {
                        // the float32 value the chain would write, quantized as QuantizeLinear quantizes it
                        out.setLong(e, QuantizationKernels.saturate(Math.rint(QuantizationKernels.quotient((float) y,
                                codes.outputScale(), DType.FLOAT32)) + codes.outputZero(), codes.outputType()));
                    }
                }, xs)};
            };
        });
    }

    /** A step's operand; an input of codes is dequantized to float32 as DequantizeLinear computes it. */
    private static double operand(long ref, Tensor[] xs, long[] idx, double[] regs, ChainCodes codes) {
        if (ref < 0) return regs[(int) (-ref - 1)];
        int j = (int) ref;
        double v = xs[j].getDouble(idx[j]);
        return codes.inputTypes()[j] == null ? v : (float) ((v - codes.inputZeros()[j]) * codes.inputScales()[j]);
    }

    private static double binary(String op, double x, double y) {
        return switch (op) {
            case "Add" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" -> x / y;
            case "Pow" -> Math.pow(x, y);
            default -> throw new IllegalArgumentException("ElementwiseChain cannot run op '" + op + "'");
        };
    }
}
