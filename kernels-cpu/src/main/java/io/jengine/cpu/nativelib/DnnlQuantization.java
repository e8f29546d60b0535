package io.jengine.cpu.nativelib;

/**
 * The integer form of a {@link DnnlPrimitive}: element types, constant int8 weights, and the quantization parameters
 * in oneDNN's model {@code x_f32 = scale_x * (x_q - zp_x)} for source, weights and destination. The primitive then
 * computes {@code dst_q = saturate(round(dst_f32 / scale_dst) + zp_dst)} with {@code dst_f32 = scale_src *
 * scale_wei[oc] * sum((src_q - zp_src) * wei_q) + bias_f32}: ONNX's QLinearConv, with its int32 bias given here in
 * float as {@code B * x_scale * w_scale[oc]}. oneDNN takes no weight zero point: weights are symmetric.
 *
 * @param srcType      {@link Dnnl#dnnl_u8} or {@link Dnnl#dnnl_s8}
 * @param dstType      {@link Dnnl#dnnl_u8}, {@link Dnnl#dnnl_s8} or {@link Dnnl#dnnl_f32} (no destination scale or zero
 *                     point then)
 * @param weights      the int8 weights, in the layout the spec's user weights tag names
 * @param srcScale     the source's scale
 * @param weightScales one scale, or one per output channel
 * @param weightsMask  the weight dims the scales vary along, as oneDNN's mask: 1 (output channels), 3 with groups
 * @param dstScale     the destination's scale (ignored for a float destination)
 * @param srcZero      the source's zero point
 * @param dstZero      the destination's zero point (ignored for a float destination)
 */
record DnnlQuantization(int srcType, int dstType, byte[] weights, float srcScale, float[] weightScales,
                        int weightsMask, float dstScale, int srcZero, int dstZero) {
    DnnlQuantization {
        if (srcType != Dnnl.dnnl_u8 && srcType != Dnnl.dnnl_s8) throw new IllegalArgumentException("source must be u8 or s8");
        if (dstType != Dnnl.dnnl_u8 && dstType != Dnnl.dnnl_s8 && dstType != Dnnl.dnnl_f32) {
            throw new IllegalArgumentException("destination must be u8, s8 or f32");
        }
        if (weights == null || weightScales == null || weightScales.length == 0) {
            throw new IllegalArgumentException("int8 weights and their scales are required");
        }
        check("source scale", srcScale);
        for (float s : weightScales) check("weight scale", s);
        if (dstType != Dnnl.dnnl_f32) check("destination scale", dstScale);
    }

    /**
     * The quantization of an integer layer whose weights are {@code w} (int8 codes) scaled by {@code wScales}, as
     * oneDNN computes it exactly here, or null where it would not: codes this CPU does not multiply exactly
     * ({@link Int8Dot}), a product of scales that float32 cannot hold (oneDNN multiplies them in float32, the
     * reference in double), a non-finite bias before an integer output (oneDNN's relu and clip would lose its NaN), or
     * a zero or non-finite scale (the reference reports what it makes of those).
     *
     * @param dstScale the output's scale, or null for a float output
     * @param dstZero  the output's zero point, or null for a float output
     */
    static DnnlQuantization exact(int srcType, int dstType, io.jengine.tensor.Tensor w, float srcScale,
                                  io.jengine.tensor.Tensor wScales, int weightsMask, io.jengine.tensor.Tensor dstScale,
                                  io.jengine.tensor.Tensor dstZero, int srcZero, float[] bias) {
        byte[] codes = Int8Dot.exactCodes(w, srcType == Dnnl.dnnl_u8);
        if (codes == null) return null; // see Int8Dot: wrong results, not slow ones
        float[] sw = new float[Math.toIntExact(wScales.size())];
        for (int i = 0; i < sw.length; i++) {
            sw[i] = wScales.getFloat(i);
            float product = srcScale * sw[i];
            if (!(product >= Float.MIN_NORMAL) || Float.isInfinite(product)) return null;
        }
        boolean quantizedDst = dstType != Dnnl.dnnl_f32;
        if (quantizedDst && bias != null) for (float v : bias) if (!Float.isFinite(v)) return null;
        try {
            return new DnnlQuantization(srcType, dstType, codes, srcScale, sw, weightsMask,
                    quantizedDst ? dstScale.getFloat(0) : 1f, srcZero, quantizedDst ? (int) dstZero.getLong(0) : 0);
        } catch (IllegalArgumentException badScale) {
            return null;
        }
    }

    private static void check(String what, float scale) {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + scale);
        }
    }

    boolean quantizedDst() { return dstType != Dnnl.dnnl_f32; }

    /** oneDNN's type for uint8 or int8 codes; -1 for any other element type. */
    static int codeType(io.jengine.tensor.DType d) {
        return d == io.jengine.tensor.DType.UINT8 ? Dnnl.dnnl_u8 : d == io.jengine.tensor.DType.INT8 ? Dnnl.dnnl_s8 : -1;
    }

    /** The engine's element type of oneDNN's {@code type} (u8, s8 or f32). */
    static io.jengine.tensor.DType elementType(int type) {
        return type == Dnnl.dnnl_u8 ? io.jengine.tensor.DType.UINT8
                : type == Dnnl.dnnl_s8 ? io.jengine.tensor.DType.INT8 : io.jengine.tensor.DType.FLOAT32;
    }

    /** The source's element type. */
    io.jengine.tensor.DType srcElementType() { return elementType(srcType); }

    /** The destination's element type. */
    io.jengine.tensor.DType dstElementType() { return elementType(dstType); }

    /** Whether {@code t} is a constant holding one value of {@code type} (a scale or a zero point). */
    static boolean single(io.jengine.tensor.Tensor t, io.jengine.tensor.DType type) {
        return t != null && t.dtype() == type && t.size() == 1;
    }

    /** Bytes per element of a tensor of {@code type}. */
    static int bytes(int type) {
        return type == Dnnl.dnnl_f32 || type == Dnnl.dnnl_s32 ? 4 : type == Dnnl.dnnl_bf16 ? 2 : 1;
    }
}
