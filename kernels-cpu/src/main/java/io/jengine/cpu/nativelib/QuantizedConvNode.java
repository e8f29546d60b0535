package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.DnnlQuantization.codeType;
import static io.jengine.cpu.nativelib.DnnlQuantization.single;
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

import io.jengine.cpu.simd.ConvNode;
import io.jengine.cpu.simd.ConvShape;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Arrays;

/**
 * A {@code jengine::QuantizedConv} node as oneDNN's integer convolution runs it exactly: 2-D, concrete shapes, every
 * quantization parameter, the weights and the bias constant, a u8 or s8 source with its zero point, int8 weights
 * this CPU multiplies exactly ({@link Int8Dot}), finite positive scales, and an activation oneDNN can apply without
 * changing the result ({@link QuantizedConvActivation}). The contract's bias is already float, added after scaling
 * as oneDNN's f32 bias is; the residual is a sum post-op: float onto a float destination, or integer codes (with
 * their scale and zero point) onto an integer destination, whose bytes the sum reads them from.
 *
 * @param params        the convolution's geometry, on the plain NCHW view
 * @param quant         types, int8 weights and quantization parameters, as the primitive takes them
 * @param bias          the float bias, or null
 * @param activation    the post-ops and what runs after the primitive
 * @param residual      the element type of the residual input ({@link FusedOpSpec#QC_RESIDUAL}), null without one
 * @param block         the channel block of X, Z and Y (0: channels-last), or -1 for plain NCHW
 * @param blockedSource whether X is on the blocked layout (a blocked node's X may be plain, see FusedOpSpec)
 * @param inDims        X's dims
 * @param outDims       the output's dims (blocked as the node is), also the residual's
 */
record QuantizedConvNode(ConvParams params, DnnlQuantization quant, float[] bias, QuantizedConvActivation activation,
                         DType residual, int block, boolean blockedSource, long[] inDims, long[] outDims) {

    /** The node as oneDNN runs it exactly, or null where it cannot (the reference kernel then runs it). */
    static QuantizedConvNode of(NodeContext ctx) {
        Node n = ctx.node();
        if (!FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV)) return null;
        int block = n.hasAttr(FusedOpSpec.BLOCK) ? (int) n.attrInt(FusedOpSpec.BLOCK, -1) : -1;
        if (n.hasAttr(FusedOpSpec.BLOCK) && block != 0 && block != 8 && block != 16) return null;
        long[] x = ctx.inputDims(QC_X);
        boolean blockedSource = block >= 0 && x != null && x.length == 5;
        long[] plainX = block >= 0 ? ConvNode.plainDims(x, block) : x;
        if (!(ctx.inputType(QC_X) instanceof ValueType.TensorType xt)) return null;
        int srcType = codeType(xt.elementType());
        Tensor xScale = ctx.constant(QC_X_SCALE), xZero = ctx.constant(QC_X_ZERO), w = ctx.constant(QC_W);
        Tensor wScale = ctx.constant(QC_W_SCALE);
        if (plainX == null || plainX.length != 4 || srcType < 0 || w == null || w.rank() != 4
                || w.dtype() != DType.INT8 || !single(xScale, DType.FLOAT32) || !single(xZero, xt.elementType())
                || wScale == null || wScale.dtype() != DType.FLOAT32) {
            return null;
        }
        long m = w.dim(0);
        if (wScale.size() != 1 && wScale.size() != m) return null;
        boolean quantizedDst = n.hasInput(QC_Y_SCALE) || n.hasInput(QC_Y_ZERO);
        Tensor yScale = ctx.constant(QC_Y_SCALE), yZero = ctx.constant(QC_Y_ZERO);
        int dstType = quantizedDst ? (yZero == null ? -1 : codeType(yZero.dtype())) : Dnnl.dnnl_f32;
        if (dstType < 0 || quantizedDst && (!single(yScale, DType.FLOAT32) || yZero.size() != 1)) return null;
        Tensor b = ctx.constant(QC_B);
        if (n.hasInput(QC_B) && (b == null || b.dtype() != DType.FLOAT32 || b.rank() != 1 || b.size() != m)) return null;
        ConvShape shape = ConvNode.shape(n, plainX, w.shape());
        if (shape == null || block > 0 && m % block != 0) return null;
        ConvParams p = NativeBackend.params(shape);
        long[] plainOut = {plainX[0], m, p.outH(), p.outW()};
        long[] out = block < 0 ? plainOut : blockedDims(plainOut, block);
        DType residual = null;
        DnnlPostOp.Sum sum = null;
        if (n.hasInput(QC_RESIDUAL)) {
            if (!(ctx.inputTensorType(QC_RESIDUAL) instanceof ValueType.TensorType zt)
                    || !Arrays.equals(ctx.inputDims(QC_RESIDUAL), out)) {
                return null;
            }
            residual = zt.elementType();
            sum = residualSum(ctx, residual);
            if (sum == null) return null;
        }
        QuantizedConvActivation act = QuantizedConvActivation.of(FusedOpSpec.Activation.of(n), sum, quantizedDst);
        if (act == null) return null;

        float[] bias = b == null ? null : b.toFloatArray();
        DnnlQuantization q = DnnlQuantization.exact(srcType, dstType, w, xScale.getFloat(0), wScale,
                shape.group() == 1 ? 1 : 3, yScale, yZero, (int) xZero.getLong(0), bias);
        if (q == null) return null;
        return new QuantizedConvNode(p, q, bias, act, residual, block, blockedSource, x, out);
    }

    /**
     * The sum post-op that adds a residual of {@code type}: a float one as it is, integer codes dequantized by the
     * node's constant z_scale and z_zero_point; null where it cannot be computed exactly.
     */
    private static DnnlPostOp.Sum residualSum(NodeContext ctx, DType type) {
        if (type == DType.FLOAT32) return new DnnlPostOp.Sum(1f);
        int t = codeType(type);
        Tensor zScale = ctx.constant(QC_Z_SCALE), zZero = ctx.constant(QC_Z_ZERO);
        if (t < 0 || !single(zScale, DType.FLOAT32) || !single(zZero, type)) return null;
        float s = zScale.getFloat(0);
        if (!(s >= Float.MIN_NORMAL) || Float.isInfinite(s)) return null;
        return new DnnlPostOp.Sum(s, (int) zZero.getLong(0), t);
    }

    /** {@code [N, C, H, W]} on the blocked layout {@code block}: {@code [N, C/b, H, W, b]}, or {@code [N, 1, H, W, C]}. */
    private static long[] blockedDims(long[] d, int block) {
        return block == 0 ? new long[] {d[0], 1, d[2], d[3], d[1]} : new long[] {d[0], d[1] / block, d[2], d[3], block};
    }

    /** Bytes a run moves: X, the weights, the output and the residual it reads. */
    double bytes() {
        double outElements = (double) params.dstElements();
        return (double) params.srcElements() + quant.weights().length
                + outElements * DnnlQuantization.bytes(quant.dstType())
                + (residual == null ? 0 : outElements * residual.byteSize());
    }
}
