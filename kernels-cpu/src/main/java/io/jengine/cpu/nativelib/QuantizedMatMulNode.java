package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.DnnlQuantization.codeType;
import static io.jengine.cpu.nativelib.DnnlQuantization.single;
import static io.jengine.ir.FusedOpSpec.QM_A;
import static io.jengine.ir.FusedOpSpec.QM_A_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_A_ZERO;
import static io.jengine.ir.FusedOpSpec.QM_B;
import static io.jengine.ir.FusedOpSpec.QM_BIAS;
import static io.jengine.ir.FusedOpSpec.QM_B_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_Y_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_Y_ZERO;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;

/**
 * A {@code jengine::QuantizedMatMul} node as oneDNN's integer matmul runs it exactly: concrete shapes, every
 * quantization parameter, B and the bias constant, a u8 or s8 A with its zero point, int8 B this CPU multiplies
 * exactly ({@link Int8Dot}), finite positive scales, and an activation oneDNN can apply without changing the result
 * ({@link QuantizedConvActivation}, whose rules are the same for a product without residual). A's leading axes are
 * rows: the product is {@code [m, k] x [k, n]}.
 *
 * @param aDims      A's dims
 * @param outDims    the output's dims
 * @param quant      types, int8 B and quantization parameters, as the primitive takes them (weights mask 2: one
 *                   scale per column of {@code [k, n]})
 * @param bias       the float bias, or null
 * @param activation the post-ops and what runs after the primitive
 */
record QuantizedMatMulNode(long[] aDims, long[] outDims, int m, int k, int n, DnnlQuantization quant, float[] bias,
                           QuantizedConvActivation activation) {

    /**
     * The node as oneDNN runs it exactly, or null where it cannot (cpu-simd's {@code quantized-matmul.float} then
     * computes it in float, or the reference kernel runs it).
     */
    static QuantizedMatMulNode of(NodeContext ctx) {
        Node node = ctx.node();
        if (!FusedOpSpec.is(node, FusedOpSpec.QUANTIZED_MATMUL)) return null;
        long[] a = ctx.inputDims(QM_A);
        if (!(ctx.inputType(QM_A) instanceof ValueType.TensorType at)) return null;
        int srcType = codeType(at.elementType());
        Tensor aScale = ctx.constant(QM_A_SCALE), aZero = ctx.constant(QM_A_ZERO), b = ctx.constant(QM_B);
        Tensor bScale = ctx.constant(QM_B_SCALE);
        if (a == null || a.length < 1 || srcType < 0 || b == null || b.rank() != 2 || b.dtype() != DType.INT8
                || !single(aScale, DType.FLOAT32) || !single(aZero, at.elementType()) || bScale == null
                || bScale.dtype() != DType.FLOAT32) {
            return null;
        }
        long k = b.dim(0), n = b.dim(1);
        if (a[a.length - 1] != k || bScale.size() != 1 && bScale.size() != n) return null;
        long m = k == 0 ? 0 : Shapes.size(a) / k;
        if (k < 1 || n < 1 || m < 1 || m > Integer.MAX_VALUE || k > Integer.MAX_VALUE || n > Integer.MAX_VALUE) return null;
        boolean quantizedDst = node.hasInput(QM_Y_SCALE) || node.hasInput(QM_Y_ZERO);
        Tensor yScale = ctx.constant(QM_Y_SCALE), yZero = ctx.constant(QM_Y_ZERO);
        int dstType = quantizedDst ? (yZero == null ? -1 : codeType(yZero.dtype())) : Dnnl.dnnl_f32;
        if (dstType < 0 || quantizedDst && (!single(yScale, DType.FLOAT32) || yZero.size() != 1)) return null;
        Tensor bias = ctx.constant(QM_BIAS);
        if (node.hasInput(QM_BIAS) && (bias == null || bias.dtype() != DType.FLOAT32 || bias.size() != n)) return null;
        QuantizedConvActivation act = QuantizedConvActivation.of(FusedOpSpec.Activation.of(node), null, quantizedDst);
        if (act == null) return null;

        float[] biasValues = bias == null ? null : bias.toFloatArray();
        DnnlQuantization q = DnnlQuantization.exact(srcType, dstType, b, aScale.getFloat(0), bScale, 2, yScale, yZero,
                (int) aZero.getLong(0), biasValues);
        if (q == null) return null;
        long[] out = a.clone();
        out[out.length - 1] = n;
        return new QuantizedMatMulNode(a, out, (int) m, (int) k, (int) n, q, biasValues, act);
    }

    /** Multiply-adds times two. */
    double flops() { return 2.0 * m * k * n; }

    /** Bytes a run moves: A, B and the output. */
    double bytes() {
        return (double) m * k + (double) k * n + (double) m * n * DnnlQuantization.bytes(quant.dstType());
    }
}
