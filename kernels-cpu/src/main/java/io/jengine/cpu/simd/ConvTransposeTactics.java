package io.jengine.cpu.simd;

import io.jengine.ir.FusedOpSpec;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import java.util.List;
import java.util.Map;

/**
 * ConvTranspose and FusedConvTranspose, 2-D float32 with constant weights [C, M/group, kH, kW] and bias: a GEMM per
 * (image, group) and a col2im ({@link ConvTransposeGemm}). The geometry (strides, pads, dilations, output_padding,
 * output_shape, auto_pad) is resolved as the reference kernel resolves it; anything it would reject is left to it.
 */
final class ConvTransposeTactics {
    private ConvTransposeTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("ConvTranspose", ConvTransposeTactics::tactics);
        m.put(FusedOpSpec.FUSED_CONV_TRANSPOSE, ConvTransposeTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        ConvTransposeNode c = ConvTransposeNode.of(ctx);
        if (c == null) return List.of();
        ConvTransposeShape s = c.shape();
        long[] x = c.inDims(), out = c.outDims();
        // the columns and the output plane are indexed with ints
        if ((long) s.outCPerGroup() * s.taps() * s.inH() * s.inW() > Integer.MAX_VALUE / 2
                || (long) s.outH() * s.outW() > Integer.MAX_VALUE / 2) {
            return List.of();
        }
        Activation act;
        try {
            act = Activation.of(c.activation().name(), c.activation().params());
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        float[] weights = c.weights(), bias = c.bias();
        String name = s.tiles() ? "convtranspose.gemm-tiles" : "convtranspose.gemm";
        return List.of(new Tactic(backend, name, () -> {
            ConvTransposeGemm conv = new ConvTransposeGemm(s, weights, bias, act);
            return (Kernel) k -> conv.run(PlannedShapes.input(k, 0, DType.FLOAT32, x).data(),
                    k.output(0, DType.FLOAT32, out).data(), k.threads());
        }));
    }
}
