package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.UnaryActivations;
import io.jengine.cpu.simd.ops.UnaryOp;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The float32 unary activations and math ops (Relu, Sigmoid, Tanh, LeakyRelu, Clip, HardSigmoid, HardSwish, Exp, Log,
 * Neg, Abs, Sqrt, Reciprocal, Erf, Softplus, Gelu and jengine.Gelu) as {@link UnaryActivations} loops, in place where
 * the planner allows. Attributes and Clip's constant bounds are decoded once, when the node is planned.
 */
final class UnaryTactics {
    // Below this many elements one thread is faster than waking others; chunks start on 64-element boundaries so
    // that only the last one has a partial vector.

    /** The ONNX ops served, with the opset that introduced each (an older model must not get it). */
    private static final Map<String, Integer> SINCE = Map.ofEntries(
            Map.entry("Relu", 1), Map.entry("Sigmoid", 1), Map.entry("Tanh", 1), Map.entry("LeakyRelu", 1),
            Map.entry("Clip", 1), Map.entry("HardSigmoid", 1), Map.entry("HardSwish", 14), Map.entry("Exp", 1),
            Map.entry("Log", 1), Map.entry("Neg", 1), Map.entry("Abs", 1), Map.entry("Sqrt", 1),
            Map.entry("Reciprocal", 1), Map.entry("Erf", 9), Map.entry("Softplus", 1), Map.entry("Gelu", 20));

    private UnaryTactics() {}

    static void register(Map<String, TacticSource> m) {
        for (String op : SINCE.keySet()) m.put(op, UnaryTactics::tactics);
    }

    /** A decoded node: the loop to run and its parameters. */
    private record Activation(UnaryOp op, float[] params) {}

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Activation a = decode(ctx);
        long[] shape = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32);
        if (a == null || shape == null || !PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, shape)) return List.of();
        String name = "unary." + a.op().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return List.of(new Tactic(backend, name, () -> new UnaryKernel(a.op(), a.params(), shape, Shapes.size(shape))));
    }

    /** The node's op and parameters, or null for a node this family does not run. */
    private static Activation decode(NodeContext ctx) {
        Node n = ctx.node();
        if (FusedOpSpec.is(n, "Gelu")) return new Activation(UnaryOp.GELU, new float[0]);
        Integer since = SINCE.get(n.opType());
        if (!n.domain().isEmpty() || since == null || ctx.opsetVersion() < since) return null;
        return switch (n.opType()) {
            case "LeakyRelu" -> new Activation(UnaryOp.LEAKY_RELU, new float[] {n.attrFloat("alpha", 0.01f)});
            case "HardSigmoid" -> new Activation(UnaryOp.HARD_SIGMOID,
                    new float[] {n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f)});
            case "Clip" -> clip(ctx);
            case "Gelu" -> switch (n.attrString("approximate", "none")) {
                case "none" -> new Activation(UnaryOp.GELU, new float[0]);
                case "tanh" -> new Activation(UnaryOp.GELU_TANH, new float[0]);
                default -> null; // the reference reports the bad attribute
            };
            default -> new Activation(UnaryOp.named(n.opType()), new float[0]);
        };
    }

    /** Clip's bounds: attributes before opset 11, optional inputs 1 and 2 since, which must then be constants. */
    private static Activation clip(NodeContext ctx) {
        Node n = ctx.node();
        float[] bounds = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        if (ctx.opsetVersion() < 11) {
            bounds[0] = n.attrFloat("min", bounds[0]);
            bounds[1] = n.attrFloat("max", bounds[1]);
            return new Activation(UnaryOp.CLIP, bounds);
        }
        for (int i = 1; i <= 2; i++) {
            if (!n.hasInput(i)) continue;
            Tensor t = ctx.constant(i);
            if (t == null || t.dtype() != DType.FLOAT32 || t.size() != 1) return null;
            bounds[i - 1] = t.getFloat(0);
        }
        return new Activation(UnaryOp.CLIP, bounds);
    }

    private record UnaryKernel(UnaryOp op, float[] params, long[] shape, long size) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = PlannedShapes.input(ctx, 0, DType.FLOAT32, shape);
            Tensor y = ctx.output(0, DType.FLOAT32, shape);
            UnaryActivations.applyParallel(op, params, x.data(), 0, y.data(), 0, size, ctx.threads());
        }

        @Override
        public int inPlaceInput() { return 0; }
    }
}
