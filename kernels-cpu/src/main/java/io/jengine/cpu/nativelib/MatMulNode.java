package io.jengine.cpu.nativelib;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.lang.foreign.MemorySegment;

/**
 * A MatMul, FusedMatMul, Gemm or FusedGemm as one product {@code [m, k] x [k, n]} against constant float32 weights,
 * the form oneDNN's matmul takes: MatMul's A may have leading dims (folded into m) and its B must be 2-D; Gemm's A
 * is not transposed, alpha is 1, and C (times beta) is a per-column bias or a single value. {@link #of} returns null
 * for anything else, which other backends run.
 *
 * @param aDims input A's planned dims
 * @param outDims the output's dims
 * @param weightsTensor the constant B as the graph holds it ({@code [k, n]}, or {@code [n, k]} when transposed)
 * @param bias n values (beta and a broadcast C applied), or null
 */
record MatMulNode(long[] aDims, long[] outDims, int m, int k, int n, Tensor weightsTensor, boolean weightsTransposed,
                  float[] bias, FusedOpSpec.Activation activation) {

    static boolean handles(Node node) {
        boolean onnx = node.domain().isEmpty();
        return onnx && (node.opType().equals("MatMul") || node.opType().equals("Gemm"))
                || FusedOpSpec.is(node, FusedOpSpec.FUSED_MATMUL) || FusedOpSpec.is(node, FusedOpSpec.FUSED_GEMM);
    }

    /** B's floats as {@link NativeBackend#weights} hands them over: the tensor's own memory, not a copy. */
    MemorySegment weights() { return NativeBackend.weights(weightsTensor); }

    static MatMulNode of(NodeContext ctx) {
        Node node = ctx.node();
        long[] a = ctx.inputDims(0);
        Tensor w = ctx.constant(1);
        if (a == null || a.length < 2 || w == null || w.rank() != 2 || w.dtype() != DType.FLOAT32) return null;
        if (!(ctx.inputType(0) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return null;
        FusedOpSpec.Activation act = node.domain().equals(FusedOpSpec.DOMAIN) ? FusedOpSpec.Activation.of(node)
                : FusedOpSpec.Activation.NONE;
        boolean gemm = node.opType().endsWith("Gemm");
        long k = a[a.length - 1], n;
        boolean transposed = false;
        float[] bias = null;
        if (gemm) {
            if (a.length != 2 || node.attrInt("transA", 0) != 0 || node.attrFloat("alpha", 1f) != 1f) return null;
            transposed = node.attrInt("transB", 0) != 0;
            if ((transposed ? w.dim(1) : w.dim(0)) != k) return null;
            n = transposed ? w.dim(0) : w.dim(1);
            if (node.hasInput(2)) {
                Tensor c = ctx.constant(2);
                if (c == null || c.dtype() != DType.FLOAT32) return null;
                long[] cs = c.shape();
                if (!(c.size() == 1 || c.size() == n && (cs.length == 1 || cs[0] == 1))) return null;
                float beta = node.attrFloat("beta", 1f);
                bias = new float[(int) n];
                for (int j = 0; j < n; j++) bias[j] = beta * c.getFloat(c.size() == 1 ? 0 : j);
            }
        } else {
            if (w.dim(0) != k) return null;
            n = w.dim(1);
            if (FusedOpSpec.is(node, FusedOpSpec.FUSED_MATMUL) && node.hasInput(FusedOpSpec.MATMUL_BIAS)) {
                Tensor b = ctx.constant(FusedOpSpec.MATMUL_BIAS);
                if (b == null || b.dtype() != DType.FLOAT32 || b.size() != n) return null;
                bias = b.toFloatArray();
            }
        }
        long m = Shapes.size(a) / Math.max(1, k);
        if (k < 1 || n < 1 || m < 1 || m > Integer.MAX_VALUE || k > Integer.MAX_VALUE || n > Integer.MAX_VALUE) return null;
        long[] out = a.clone();
        out[out.length - 1] = n;
        return new MatMulNode(a, out, (int) m, (int) k, (int) n, w, transposed, bias, act);
    }
}
