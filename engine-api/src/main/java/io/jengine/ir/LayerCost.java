package io.jengine.ir;

import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Shapes;
import java.util.Set;

/**
 * The cost of one layer from static shapes: floating-point operations (a multiply-add counts 2), bytes read (every
 * input tensor once, weights included) and bytes written. Unknown shapes give -1 for what cannot be counted.
 */
public record LayerCost(long flops, long bytesRead, long bytesWritten) {
    private static final Set<String> CONVS = Set.of("Conv", FusedOpSpec.FUSED_CONV, FusedOpSpec.BLOCKED_CONV, "ConvInteger",
            "QLinearConv", FusedOpSpec.QUANTIZED_CONV);
    private static final Set<String> MATMULS = Set.of("MatMul", FusedOpSpec.FUSED_MATMUL, "MatMulInteger", "QLinearMatMul",
            FusedOpSpec.QUANTIZED_MATMUL);
    private static final Set<String> GEMMS = Set.of("Gemm", FusedOpSpec.FUSED_GEMM);

    /** FLOPs per byte moved; NaN when either is unknown. */
    public double intensity() {
        long bytes = bytesRead + bytesWritten;
        return flops < 0 || bytesRead < 0 || bytesWritten < 0 || bytes == 0 ? Double.NaN : (double) flops / bytes;
    }

    public static LayerCost of(Node n, Graph g) {
        long read = 0, written = 0;
        for (String in : n.inputs()) read = add(read, bytes(g.typeOf(in)));
        for (String out : n.outputs()) written = add(written, bytes(g.typeOf(out)));
        return new LayerCost(flops(n, g), read, written);
    }

    private static long add(long a, long b) { return a < 0 || b < 0 ? -1 : a + b; }

    private static long bytes(ValueType t) {
        if (t == null) return 0; // omitted optional input
        long[] dims = dims(t);
        if (dims == null || !(t instanceof ValueType.TensorType tt) || tt.elementType() == null) return -1;
        return Shapes.size(dims) * Math.max(1, tt.elementType().byteSize());
    }

    private static long[] dims(ValueType t) {
        if (!(t instanceof ValueType.TensorType tt)) return null;
        Shape s = tt.shape();
        return s == null || !s.isFullyKnown() ? null : s.toArray();
    }

    private static long flops(Node n, Graph g) {
        long[] out = n.outputs().isEmpty() ? null : dims(g.typeOf(n.outputs().getFirst()));
        if (out == null) return -1;
        long outElems = Shapes.size(out);
        String op = n.opType();
        if (CONVS.contains(op)) {
            long[] w = dims(g.typeOf(n.inputs().get(op.equals("QLinearConv") ? 3
                    : op.equals(FusedOpSpec.QUANTIZED_CONV) ? FusedOpSpec.QC_W : 1)));
            if (w == null) return -1;
            // Each output element is a dot product over C/group x kernel taps.
            return 2 * outElems * (Shapes.size(w) / w[0]);
        }
        if (op.equals("ConvTranspose") || op.equals(FusedOpSpec.FUSED_CONV_TRANSPOSE)) {
            long[] x = dims(g.typeOf(n.inputs().getFirst())), w = dims(g.typeOf(n.inputs().get(1)));
            if (x == null || w == null) return -1;
            return 2 * Shapes.size(x) * (Shapes.size(w) / w[0]);
        }
        if (op.equals("ScaledDotProductAttention")) {
            long[] kT = dims(g.typeOf(n.inputs().get(1))), q = dims(g.typeOf(n.inputs().getFirst()));
            if (kT == null || q == null) return -1;
            // Q·Kᵀ and P·V: per output row S, 2·Skv·D and 2·Skv·Dv multiply-adds; plus the softmax, ~Skv each.
            long skv = kT[kT.length - 1], d = q[q.length - 1], dv = out[out.length - 1];
            return (outElems / dv) * skv * (2 * d + 2 * dv + 1);
        }
        if (MATMULS.contains(op) || GEMMS.contains(op)) {
            long[] a = dims(g.typeOf(n.inputs().getFirst()));
            if (a == null) return -1;
            boolean transA = GEMMS.contains(op) && n.attrInt("transA", 0) != 0;
            long k = transA ? a[0] : a[a.length - 1];
            return 2 * outElems * k;
        }
        // Elementwise, normalisation, pooling and data movement: about one operation per output element.
        return outElems;
    }
}
