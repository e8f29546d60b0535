package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.DnnlQuantization.codeType;

import io.jengine.cpu.simd.ConvNode;
import io.jengine.cpu.simd.ConvShape;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;

/**
 * An ONNX QLinearConv node as oneDNN's integer convolution can run it: 2-D, concrete shapes, every quantization
 * parameter and the weights constant, int8 weights without zero points (oneDNN has none for weights), u8 or s8
 * activations with per-tensor scales and zero points, and operands this CPU multiplies exactly ({@link Int8Dot}). Its int32 bias becomes the float bias oneDNN adds after
 * scaling: {@code B[oc] * x_scale * w_scale[oc]}.
 *
 * @param params   the convolution's geometry
 * @param quant    types, int8 weights and quantization parameters, as the primitive takes them
 * @param bias     the float bias, or null
 * @param outDims  the output's dims
 * @param inDims   the input's dims
 */
record QLinearConvNode(ConvParams params, DnnlQuantization quant, float[] bias, long[] inDims, long[] outDims) {
    // QLinearConv's inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B
    private static final int X = 0, X_SCALE = 1, X_ZERO = 2, W = 3, W_SCALE = 4, W_ZERO = 5, Y_SCALE = 6, Y_ZERO = 7,
            B = 8;

    /** The node as oneDNN runs it, or null where it cannot (the reference kernel then runs it). */
    static QLinearConvNode of(NodeContext ctx) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() || !n.opType().equals("QLinearConv")) return null;
        long[] x = ctx.inputDims(X);
        Tensor xScale = ctx.constant(X_SCALE), xZero = ctx.constant(X_ZERO), w = ctx.constant(W);
        Tensor wScale = ctx.constant(W_SCALE), wZero = ctx.constant(W_ZERO);
        Tensor yScale = ctx.constant(Y_SCALE), yZero = ctx.constant(Y_ZERO);
        Tensor b = n.hasInput(B) ? ctx.constant(B) : null;
        if (x == null || x.length != 4 || w == null || w.rank() != 4 || w.dtype() != DType.INT8) return null;
        if (xScale == null || xScale.size() != 1 || yScale == null || yScale.size() != 1 || wScale == null) return null;
        if (!(ctx.inputType(X) instanceof ValueType.TensorType xt)) return null;
        int srcType = codeType(xt.elementType());
        int dstType = yZero == null ? -1 : codeType(yZero.dtype());
        if (srcType < 0 || dstType < 0 || xZero == null || xZero.dtype() != xt.elementType() || xZero.size() != 1
                || yZero.size() != 1) {
            return null;
        }
        long m = w.dim(0);
        if (wScale.size() != 1 && wScale.size() != m) return null;
        if (wZero != null) {
            for (long i = 0; i < wZero.size(); i++) if (wZero.getLong(i) != 0) return null;
        }
        if (n.hasInput(B) && (b == null || b.dtype() != DType.INT32 || b.size() != m)) return null;
        ConvShape shape = ConvNode.shape(n, x, w.shape());
        if (shape == null) return null;
        ConvParams p = NativeBackend.params(shape);
        long group = shape.group();
        float sx = xScale.getFloat(0);
        float[] sw = new float[Math.toIntExact(wScale.size())];
        for (int i = 0; i < sw.length; i++) sw[i] = wScale.getFloat(i);
        byte[] codes = Int8Dot.exactCodes(w, srcType == Dnnl.dnnl_u8);
        if (codes == null) return null; // see Int8Dot: wrong results, not slow ones
        float[] bias = null;
        if (b != null) {
            bias = new float[Math.toIntExact(m)];
            // as the reference computes it: the int32 bias joins the accumulator at x_scale * w_scale
            for (int c = 0; c < bias.length; c++) bias[c] = (float) (b.getLong(c) * (double) sx * sw[sw.length == 1 ? 0 : c]);
        }
        DnnlQuantization q;
        try {
            q = new DnnlQuantization(srcType, dstType, codes, sx, sw, group == 1 ? 1 : 3, yScale.getFloat(0),
                    (int) xZero.getLong(0), (int) yZero.getLong(0));
        } catch (IllegalArgumentException badScale) {
            return null; // a zero or non-finite scale: the reference reports what it makes of it
        }
        return new QLinearConvNode(p, q, bias, x, new long[] {x[0], m, p.outH(), p.outW()});
    }

}
