package io.jengine.cpu.simd;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Arrays;
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
        Node n = ctx.node();
        boolean fused = FusedOpSpec.is(n, FusedOpSpec.FUSED_CONV_TRANSPOSE);
        if (!fused && !((n.domain().isEmpty() || n.domain().equals("ai.onnx")) && n.opType().equals("ConvTranspose"))) {
            return List.of();
        }
        if (!(ctx.inputType(0) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return List.of();
        long[] x = ctx.inputDims(0);
        Tensor w = ctx.constant(1), b = ctx.constant(2);
        if (x == null || x.length != 4 || w == null || w.rank() != 4 || w.dtype() != DType.FLOAT32) return List.of();
        for (long d : x) if (d <= 0) return List.of();
        long group = n.attrInt("group", 1);
        long[] ws = w.shape();
        long c = x[1], m = ws[1] * group;
        if (group <= 0 || ws[0] != c || c % group != 0 || ws[1] <= 0 || ws[2] <= 0 || ws[3] <= 0) return List.of();
        if (n.hasInput(2) && (b == null || b.dtype() != DType.FLOAT32 || b.rank() != 1 || b.size() != m)) return List.of();
        ConvTransposeGemm.Shape s = shape(n, x, ws, group);
        if (s == null) return List.of();
        long[] out = {x[0], m, s.outH(), s.outW()};
        long[] declared = outputDims(ctx);
        if (declared != null && !Arrays.equals(declared, out)) return List.of();
        if ((long) s.outCPerGroup() * s.taps() * s.inH() * s.inW() > Integer.MAX_VALUE / 2
                || (long) s.outH() * s.outW() > Integer.MAX_VALUE / 2) {
            return List.of();
        }
        FusedOpSpec.Activation a = fused ? FusedOpSpec.Activation.of(n) : FusedOpSpec.Activation.NONE;
        Activation act;
        try {
            act = Activation.of(a.name(), a.params());
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        float[] weights = w.toFloatArray(), bias = b == null ? null : b.toFloatArray();
        String name = s.tiles() ? "convtranspose.gemm-tiles" : "convtranspose.gemm";
        return List.of(new Tactic(backend, name, () -> {
            ConvTransposeGemm conv = new ConvTransposeGemm(s, weights, bias, act);
            return (Kernel) k -> {
                Tensor in = k.tensor(0);
                if (in.dtype() != DType.FLOAT32 || !in.hasShape(x)) {
                    throw new IllegalArgumentException("input X is " + in.describe() + ", the plan was made for float32 "
                            + Shapes.format(x));
                }
                conv.run(in.data(), k.output(0, DType.FLOAT32, out).data(), k.threads());
            };
        }));
    }

    /** The reference's reading of the attributes for two spatial axes; null where it would fail. */
    private static ConvTransposeGemm.Shape shape(Node n, long[] x, long[] ws, long group) {
        long[] kernel = {ws[2], ws[3]};
        if (!Arrays.equals(n.attrInts("kernel_shape", kernel), kernel)) return null;
        long[] strides = n.attrInts("strides", new long[] {1, 1}), dil = n.attrInts("dilations", new long[] {1, 1});
        long[] outPad = n.attrInts("output_padding", new long[2]), pads = n.attrInts("pads", new long[4]);
        long[] outShape = n.attrInts("output_shape", null);
        if (strides.length != 2 || dil.length != 2 || outPad.length != 2 || pads.length != 4) return null;
        if (outShape != null && outShape.length != 2 && outShape.length != 4) return null;
        for (int i = 0; i < 2; i++) if (strides[i] <= 0 || dil[i] <= 0) return null;
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] out = new long[2], pb = new long[2];
        for (int i = 0; i < 2; i++) {
            long in = x[2 + i];
            long full = strides[i] * (in - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            if (autoPad.startsWith("SAME")) {
                out[i] = outShape != null ? outShape[outShape.length - 2 + i] : in * strides[i];
                long total = full - out[i];
                pb[i] = autoPad.equals("SAME_UPPER") ? Math.floorDiv(total, 2) : total - Math.floorDiv(total, 2);
            } else if (outShape != null) {
                out[i] = outShape[outShape.length - 2 + i];
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
            } else {
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
                long pe = autoPad.equals("VALID") ? 0 : pads[i + 2];
                out[i] = full - pb[i] - pe;
            }
            if (out[i] <= 0 || out[i] > Integer.MAX_VALUE || Math.abs(pb[i]) > Integer.MAX_VALUE / 4) return null;
            if (strides[i] > Integer.MAX_VALUE / 4 || dil[i] > Integer.MAX_VALUE / 4) return null;
        }
        return new ConvTransposeGemm.Shape(Math.toIntExact(x[0]), Math.toIntExact(x[1]), Math.toIntExact(x[2]),
                Math.toIntExact(x[3]), Math.toIntExact(ws[1] * group), (int) out[0], (int) out[1], (int) kernel[0],
                (int) kernel[1], (int) strides[0], (int) strides[1], (int) dil[0], (int) dil[1], (int) pb[0], (int) pb[1],
                (int) group);
    }

    private static long[] outputDims(NodeContext ctx) {
        if (!(ctx.outputType(0) instanceof ValueType.TensorType t) || t.shape() == null) return null;
        long[] d = new long[t.shape().rank()];
        for (int k = 0; k < d.length; k++) {
            if (!t.shape().dim(k).isKnown()) return null;
            d[k] = t.shape().dim(k).value();
        }
        return d;
    }
}
