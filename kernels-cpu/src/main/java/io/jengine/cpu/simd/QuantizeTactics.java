package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.LinearQuantize;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * QuantizeLinear and DequantizeLinear with a constant per-tensor scale and zero point, float32 against uint8 or int8
 * ({@link LinearQuantize}); per-axis and blocked scales, and other types, stay with the reference.
 */
final class QuantizeTactics {
    private QuantizeTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("QuantizeLinear", (ctx, backend) -> tactics(ctx, backend, true));
        m.put("DequantizeLinear", (ctx, backend) -> tactics(ctx, backend, false));
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend, boolean quantize) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() || n.attrInt("block_size", 0) != 0 || n.attrInt("output_dtype", 0) != 0) {
            return List.of();
        }
        Tensor scale = ctx.constant(1), zero = n.hasInput(2) ? ctx.constant(2) : null;
        if (scale == null || scale.size() != 1 || scale.dtype() != DType.FLOAT32) return List.of();
        if (n.hasInput(2) && (zero == null || zero.size() != 1)) return List.of();
        DType quantized = zero != null ? zero.dtype() : quantize ? DType.UINT8 : null;
        if (quantized != DType.UINT8 && quantized != DType.INT8) return List.of();
        DType in = quantize ? DType.FLOAT32 : quantized, out = quantize ? quantized : DType.FLOAT32;
        long[] dims = PlannedShapes.inputDims(ctx, 0, in);
        if (dims == null || !PlannedShapes.outputIs(ctx, 0, out, dims)) return List.of();
        float s = scale.getFloat(0);
        int z = zero == null ? 0 : (int) zero.getLong(0);
        boolean unsigned = quantized == DType.UINT8;
        long size = io.jengine.tensor.Shapes.size(dims);
        return List.of(new Tactic(backend, quantize ? "quantize-linear" : "dequantize-linear", () -> kc -> {
            Tensor x = PlannedShapes.input(kc, 0, in, dims);
            Tensor y = kc.output(0, out, dims);
            if (quantize) LinearQuantize.quantize(x.data(), y.data(), size, s, z, unsigned, kc.threads());
            else LinearQuantize.dequantize(x.data(), y.data(), size, s, z, unsigned, kc.threads());
        }));
    }
}
