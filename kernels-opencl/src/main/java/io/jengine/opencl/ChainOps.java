package io.jengine.opencl;

import io.jengine.ir.ChainCodes;
import io.jengine.ir.Node;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.Locale;

/**
 * {@code jengine::ElementwiseChain} compiled into one OpenCL kernel per distinct program: each step becomes a line of
 * C over registers, each (broadcast) input is read once per output element, and the result is stored once. The
 * program format is the optimizer's (ops, two operand references per step, two parameters per step); quantized ends
 * ({@link ChainCodes}) read and write uint8 / int8 codes.
 */
final class ChainOps {
    private ChainOps() {}

    static Supplier<ClOp> chain(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        List<String> ops = node.attrStrings("ops", List.of());
        long[] refs = node.attrInts("args", new long[0]);
        float[] params = node.attrFloats("params", new float[0]);
        int k = node.inputs().size();
        long[] out = io.out()[0];
        if (ops.isEmpty() || refs.length != 2 * ops.size() || params.length != 2 * ops.size()
                || io.namedOutputs() != 1 || out == null) {
            return null;
        }
        ChainCodes codes;
        try {
            codes = ChainCodes.of(node);
        } catch (IllegalArgumentException e) {
            return null;
        }
        // each end float32, or the codes the chain's attributes say
        for (int i = 0; i < k; i++) {
            DType want = codes.inputTypes()[i] != null ? codes.inputTypes()[i] : DType.FLOAT32;
            if (io.inTypes()[i] != want) return null;
        }
        DType outType = codes.outputType(DType.FLOAT32);
        if (io.outTypes()[0] != outType) return null;
        String source = source(ops, refs, params, k, codes);
        if (source == null) return null;
        int r = out.length;
        for (int i = 0; i < k; i++) {
            long[] in = io.in()[i];
            if (in == null || !Arrays.equals(Shapes.broadcast(in, out), out)) return null;
        }
        long[] meta = ClOp.broadcastMeta(out, Arrays.copyOf(io.in(), k));
        long n = Shapes.size(out);
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem metaMem = longs(meta);
            private final ClKernel kernel = device.generatedKernel("chain", source);

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                for (int i = 0; i < k; i++) tensor(args, mem, c.tensor(i));
                tensor(args, mem, c.output(0, outType, out));
                args.add(n);
                args.add(metaMem);
                args.add(r);
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    /**
     * The kernel's C source, or null when a step is not one it knows. Quantized ends ({@link ChainCodes}) are read as
     * codes and dequantized, {@code (q - zero) * scale}, and written as {@code saturate(rint(y / scale) + zero)}, NaN
     * to 0, as DequantizeLinear and QuantizeLinear compute them.
     */
    static String source(List<String> ops, long[] refs, float[] params, int inputs, ChainCodes codes) {
        StringBuilder sb = new StringBuilder("__kernel void chain(");
        for (int i = 0; i < inputs; i++) {
            sb.append("__global const ").append(cType(codes.inputTypes()[i])).append("* x").append(i).append(", ulong o")
                    .append(i).append(", ");
        }
        sb.append("__global ").append(cType(codes.outputType())).append("* y, ulong yo, ulong n, __constant const long* meta, int rank) {\n");
        sb.append("    ulong i = get_global_id(0);\n    if (i >= n) return;\n");
        for (int i = 0; i < inputs; i++) sb.append("    long j").append(i).append(" = 0;\n");
        sb.append("    long rem = (long) i;\n    for (int d = rank - 1; d >= 0; d--) {\n");
        sb.append("        long c = rem % meta[d];\n        rem /= meta[d];\n");
        for (int i = 0; i < inputs; i++) {
            sb.append("        j").append(i).append(" += c * meta[rank * ").append(i + 1).append(" + d];\n");
        }
        sb.append("    }\n");
        for (int i = 0; i < inputs; i++) {
            String read = "x" + i + "[o" + i + " + j" + i + "]";
            if (codes.inputTypes()[i] != null) {
                read = "(float) ((int) " + read + " - " + (int) codes.inputZeros()[i] + ") * "
                        + literal(codes.inputScales()[i]);
            }
            sb.append("    const float in").append(i).append(" = ").append(read).append(";\n");
        }
        for (int s = 0; s < ops.size(); s++) {
            String a = operand(refs[2 * s], inputs, s), b = operand(refs[2 * s + 1], inputs, s);
            if (a == null) return null;
            String expr = switch (ops.get(s)) {
                case "Add" -> b == null ? null : a + " + " + b;
                case "Sub" -> b == null ? null : a + " - " + b;
                case "Mul" -> b == null ? null : a + " * " + b;
                case "Div" -> b == null ? null : a + " / " + b;
                case "Pow" -> b == null ? null : "pow(" + a + ", " + b + ")";
                default -> unary(ops.get(s), a, params[2 * s], params[2 * s + 1]);
            };
            if (expr == null) return null;
            sb.append("    const float r").append(s).append(" = ").append(expr).append(";\n");
        }
        String result = "r" + (ops.size() - 1);
        DType outCode = codes.outputType();
        if (outCode == null) {
            sb.append("    y[yo + i] = ").append(result).append(";\n}\n");
        } else {
            float lo = outCode == DType.UINT8 ? 0 : -128, hi = outCode == DType.UINT8 ? 255 : 127;
            sb.append("    float q = rint(").append(result).append(" / ").append(literal(codes.outputScale()))
                    .append(") + ").append(literal(codes.outputZero())).append(";\n");
            sb.append("    q = isnan(q) ? 0.0f : clamp(q, ").append(literal(lo)).append(", ").append(literal(hi))
                    .append(");\n");
            sb.append("    y[yo + i] = (").append(cType(outCode)).append(") q;\n}\n");
        }
        return sb.toString();
    }

    /** The C element type of a chain end: float, or its codes' type. */
    private static String cType(DType code) {
        if (code == null) return "float";
        return code == DType.UINT8 ? "uchar" : "char";
    }

    private static String operand(long ref, int inputs, int step) {
        if (ref >= 0) return ref < inputs ? "in" + ref : null;
        long s = -ref - 1;
        return s < step ? "r" + s : null;
    }

    private static String unary(String op, String x, float p0, float p1) {
        int id = ClActivation.idOf(op);
        if (id <= 0) return null;
        return "activate(" + x + ", " + id + ", " + literal(p0) + ", " + literal(p1) + ")";
    }

    /** A float literal that C reads back to the same value, infinities included. */
    private static String literal(float v) {
        if (Float.isNaN(v)) return "NAN";
        if (Float.isInfinite(v)) return v > 0 ? "INFINITY" : "-INFINITY";
        return String.format(Locale.ROOT, "%a", v).replace("0x1.0p", "0x1p") + "f";
    }
}
