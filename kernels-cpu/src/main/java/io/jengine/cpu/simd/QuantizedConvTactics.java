package io.jengine.cpu.simd;

import static io.jengine.ir.FusedOpSpec.QC_B;
import static io.jengine.ir.FusedOpSpec.QC_RESIDUAL;
import static io.jengine.ir.FusedOpSpec.QC_W;
import static io.jengine.ir.FusedOpSpec.QC_W_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_X;
import static io.jengine.ir.FusedOpSpec.QC_X_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_X_ZERO;
import static io.jengine.ir.FusedOpSpec.QC_Y_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_Y_ZERO;
import static io.jengine.ir.FusedOpSpec.QC_Z_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_Z_ZERO;

import io.jengine.cpu.simd.ops.LinearQuantize;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * {@code jengine::QuantizedConv} computed in float, for machines whose integer kernels cannot take it exactly (a plan
 * quantized on a VNNI CPU, with 8-bit weights, loaded on one without): the codes dequantized vector-wide, the blocked
 * GEMM convolution on weights dequantized once, the output quantized again ({@link LinearQuantize}), which is the
 * arithmetic of the QDQ graph the layer stands for. Dense blocked layers only (what {@link BlockedGemmConv} runs);
 * the rest stays with the reference kernel.
 */
final class QuantizedConvTactics {
    private QuantizedConvTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put(FusedOpSpec.QUANTIZED_CONV, QuantizedConvTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV) || !n.hasAttr(FusedOpSpec.BLOCK)) return List.of();
        int block = (int) n.attrInt(FusedOpSpec.BLOCK, -1);
        long[] x = ctx.inputDims(QC_X);
        if (x == null || x.length != 5 || !(ctx.inputType(QC_X) instanceof ValueType.TensorType xt)) return List.of();
        QuantizedCodes xc = QuantizedCodes.of(xt.elementType(), ctx.constant(QC_X_SCALE), ctx.constant(QC_X_ZERO));
        Tensor w = ctx.constant(QC_W), ws = ctx.constant(QC_W_SCALE), b = ctx.constant(QC_B);
        if (xc == null || w == null || w.dtype() != DType.INT8 || w.rank() != 4 || ws == null
                || ws.dtype() != DType.FLOAT32 || ws.size() != 1 && ws.size() != w.dim(0)) {
            return List.of();
        }
        if (n.hasInput(QC_B) && (b == null || b.dtype() != DType.FLOAT32 || b.size() != w.dim(0))) return List.of();
        ConvShape s = ConvNode.shape(n, ConvNode.plainDims(x, block), w.shape());
        if (s == null || BlockedGemmConv.unsupportedReason(s, block) != null) return List.of();
        QuantizedCodes yc = null;
        if (n.hasInput(QC_Y_SCALE)) {
            Tensor yz = ctx.constant(QC_Y_ZERO);
            yc = yz == null ? null : QuantizedCodes.of(yz.dtype(), ctx.constant(QC_Y_SCALE), yz);
            if (yc == null) return List.of();
        }
        DType zType = null;
        QuantizedCodes zc = null;
        if (n.hasInput(QC_RESIDUAL)) {
            if (!(ctx.inputType(QC_RESIDUAL) instanceof ValueType.TensorType zt)) return List.of();
            zType = zt.elementType();
            if (zType != DType.FLOAT32) {
                zc = QuantizedCodes.of(zType, ctx.constant(QC_Z_SCALE), ctx.constant(QC_Z_ZERO));
                if (zc == null) return List.of();
            }
        }
        Activation act;
        try {
            FusedOpSpec.Activation a = FusedOpSpec.Activation.of(n);
            act = a.isNone() ? null : Activation.of(a.name(), a.params());
        } catch (IllegalArgumentException unknown) {
            return List.of();
        }
        long[] out = block == 0 ? new long[] {s.batch(), 1, s.outH(), s.outW(), s.outC()}
                : new long[] {s.batch(), s.outC() / block, s.outH(), s.outW(), block};
        float[] weights = dequantized(w, ws);
        float[] bias = b == null ? null : b.toFloatArray();
        DType outType = yc == null ? DType.FLOAT32 : yc.type();
        DType residualType = zType;
        QuantizedCodes zCodes = zc, yCodes = yc;
        long inSize = Shapes.size(x), outSize = Shapes.size(out);
        // cpu-native's integer kernel, where it can run the layer, comes first by its backend's priority
        return List.of(new Tactic(backend, "quantized-conv.float", () -> {
            BlockedGemmConv conv = BlockedGemmConv.prepare(s, block, weights, bias, act, Blocking.host());
            return kc -> {
                MemorySegment codesIn = PlannedShapes.input(kc, QC_X, xc.type(), x).data();
                MemorySegment in = QuantizedScratch.source(inSize);
                xc.dequantize(codesIn, in, inSize, kc.threads());
                MemorySegment residual = null;
                if (residualType != null) {
                    residual = PlannedShapes.input(kc, QC_RESIDUAL, residualType, out).data();
                    if (zCodes != null) {
                        MemorySegment dequantized = QuantizedScratch.residual(outSize);
                        zCodes.dequantize(residual, dequantized, outSize, kc.threads());
                        residual = dequantized;
                    }
                }
                Tensor y = kc.output(0, outType, out);
                MemorySegment result = yCodes == null ? y.data() : QuantizedScratch.result(outSize);
                conv.run(in, result, residual, kc.threads());
                if (yCodes != null) yCodes.quantize(result, y.data(), outSize, kc.threads());
            };
        }, true).withWorkload(ConvWorkloads.direct(s)));
    }

    /** {@code w[oc, ...] * scale[oc]} in float32, as DequantizeLinear along axis 0 gives it. */
    private static float[] dequantized(Tensor w, Tensor scales) {
        float[] out = new float[Math.toIntExact(w.size())];
        long per = w.size() / w.dim(0);
        for (int i = 0; i < out.length; i++) {
            out[i] = w.getLong(i) * scales.getFloat(scales.size() == 1 ? 0 : (int) (i / per));
        }
        return out;
    }
}
