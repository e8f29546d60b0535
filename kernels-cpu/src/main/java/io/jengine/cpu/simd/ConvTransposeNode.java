package io.jengine.cpu.simd;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Arrays;

/**
 * A ConvTranspose or FusedConvTranspose node as the fast tactics of every backend take it: 2-D, float32, constant
 * weights {@code [C, M/group, kH, kW]} and bias, its geometry resolved as the reference resolves it
 * ({@link ConvTransposeShape#resolve}). {@link #of} returns null for anything else, which the reference runs or
 * rejects with its own message.
 *
 * @param activation the fused activation ({@code None} for a plain ConvTranspose)
 * @param inDims     input X's planned dims
 * @param outDims    the output's dims
 */
public record ConvTransposeNode(ConvTransposeShape shape, Tensor weightTensor, Tensor biasTensor,
                                FusedOpSpec.Activation activation, long[] inDims, long[] outDims) {

    public float[] weights() { return weightTensor.toFloatArray(); }

    /** The bias, or null. */
    public float[] bias() { return biasTensor == null ? null : biasTensor.toFloatArray(); }

    public static ConvTransposeNode of(NodeContext ctx) {
        Node n = ctx.node();
        boolean fused = FusedOpSpec.is(n, FusedOpSpec.FUSED_CONV_TRANSPOSE);
        if (!fused && !((n.domain().isEmpty() || n.domain().equals("ai.onnx")) && n.opType().equals("ConvTranspose"))) {
            return null;
        }
        if (!(ctx.inputType(0) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return null;
        long[] x = ctx.inputDims(0);
        Tensor w = ctx.constant(1), b = ctx.constant(2);
        if (x == null || x.length != 4 || w == null || w.rank() != 4 || w.dtype() != DType.FLOAT32) return null;
        for (long d : x) if (d <= 0) return null;
        long group = n.attrInt("group", 1);
        long[] ws = w.shape();
        long c = x[1], m = ws[1] * group;
        if (group <= 0 || ws[0] != c || c % group != 0 || ws[1] <= 0 || ws[2] <= 0 || ws[3] <= 0) return null;
        if (n.hasInput(2) && (b == null || b.dtype() != DType.FLOAT32 || b.rank() != 1 || b.size() != m)) return null;
        ConvTransposeShape s = ConvTransposeShape.resolve(n, x, ws, group);
        if (s == null) return null;
        long[] out = {x[0], m, s.outH(), s.outW()};
        long[] declared = PlannedShapes.outputDims(ctx, 0);
        if (declared != null && !Arrays.equals(declared, out)) return null;
        FusedOpSpec.Activation a = fused ? FusedOpSpec.Activation.of(n) : FusedOpSpec.Activation.NONE;
        return new ConvTransposeNode(s, w, n.hasInput(2) ? b : null, a, x, out);
    }
}
