package io.jengine.opt.passes;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Optional;
import java.util.Set;

/**
 * A convolution's output scaled or shifted by a constant, one value or one per output channel, folds into the
 * convolution (ONNX Runtime's ConvMulFusion / ConvAddFusion): Mul and Div scale every output channel's weights and
 * bias, Add and Sub shift its bias. Exported models write an affine after a convolution this way (PaddlePaddle's
 * learnable affine blocks, BatchNorm split into Mul and Add), and folding it is what lets the activation after it fuse
 * into the convolution too. Applies to Conv, and to FusedConv before it has an activation or a residual; the
 * convolution's output must be read by nothing else.
 */
public final class ConvAffineFolding implements GraphPass {
    @Override
    public String name() { return "conv-affine-folding"; }

    @Override
    public Set<String> targets() { return Set.of("Mul", "Div", "Add", "Sub"); }

    @Override
    public Optional<Patch> apply(Node op, GraphIndex g) {
        boolean commutes = op.opType().equals("Mul") || op.opType().equals("Add");
        for (int i = 0; i < (commutes ? 2 : 1); i++) {
            String y = op.inputs().get(i), c = op.inputs().get(1 - i);
            Tensor k = g.constant(c);
            Node conv = g.producer(y);
            if (k == null || conv == null || !foldable(conv) || !g.hasSingleUse(y) || g.isGraphOutput(y)) continue;
            Tensor w = g.constant(conv.inputs().get(1));
            Tensor b = conv.hasInput(2) ? g.constant(conv.inputs().get(2)) : null;
            if (w == null || w.rank() < 3 || (conv.hasInput(2) && b == null) || !w.dtype().isFloatingPoint()) continue;
            if (k.dtype() != w.dtype() || !(g.type(y) instanceof ValueType.TensorType t) || t.shape() == null) continue;
            long m = w.dim(0);
            if (!scalarOrPerChannel(k, t.shape(), m)) continue;
            if (g.type(op.outputs().getFirst()) instanceof ValueType.TensorType o && o.shape() != null
                    && o.shape().rank() != t.shape().rank()) {
                continue; // the constant would broadcast the output to a higher rank
            }
            return Optional.of(fold(op, conv, w, b, k, m, g));
        }
        return Optional.empty();
    }

    private static boolean foldable(Node conv) {
        if (conv.outputs().size() != 1) return false;
        if (conv.domain().isEmpty()) return conv.opType().equals("Conv");
        return FusedOpSpec.is(conv, FusedOpSpec.FUSED_CONV) && FusedOpSpec.Activation.of(conv).isNone()
                && !conv.hasInput(FusedOpSpec.CONV_RESIDUAL);
    }

    /** One value, or one per channel of axis 1: [M], [M,1,1], [1,M,1,1] for a 4-D output (right-aligned). */
    private static boolean scalarOrPerChannel(Tensor k, Shape out, long m) {
        if (k.size() == 1) return k.rank() <= out.rank();
        if (k.size() != m || k.rank() > out.rank() || k.rank() < out.rank() - 1) return false;
        long[] s = k.shape();
        int channelAxis = s.length - (out.rank() - 1);
        for (int i = 0; i < s.length; i++) if (i != channelAxis && s[i] != 1) return false;
        return channelAxis >= 0 && s[channelAxis] == m;
    }

    private static Patch fold(Node op, Node conv, Tensor w, Tensor b, Tensor k, long m, GraphIndex g) {
        String kind = op.opType();
        boolean scale = kind.equals("Mul") || kind.equals("Div");
        long perOut = w.size() / m;
        Tensor w2 = w;
        if (scale) {
            w2 = Tensor.allocate(w.dtype(), w.shape());
            for (long e = 0; e < w.size(); e++) w2.setDouble(e, w.getDouble(e) * factor(kind, k, e / perOut));
        }
        Tensor b2 = Tensor.allocate(w.dtype(), m);
        for (long c = 0; c < m; c++) {
            double bias = b == null ? 0 : b.getDouble(c);
            double v = k.getDouble(k.size() == 1 ? 0 : c);
            b2.setDouble(c, switch (kind) {
                case "Mul", "Div" -> bias * factor(kind, k, c);
                case "Add" -> bias + v;
                default -> bias - v;
            });
        }
        String out = op.outputs().getFirst();
        String wName = out + "/folded_weight", bName = out + "/folded_bias";
        Node fused = conv.toBuilder().name(FusedOps.joinNames(g, conv, op))
                .inputs(conv.inputs().getFirst(), wName, bName).outputs(out).build();
        return new Patch().remove(conv).remove(op).add(fused).initializer(wName, w2).initializer(bName, b2);
    }

    private static double factor(String kind, Tensor k, long c) {
        double v = k.getDouble(k.size() == 1 ? 0 : c);
        return kind.equals("Div") ? 1 / v : v;
    }
}
