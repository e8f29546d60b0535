// QuantizeLinear and DequantizeLinear between float32 and uint8 / int8 codes, the scale and zero point per tensor or
// per channel of one axis (x viewed as [outer, dim, inner]; dim 1: per tensor). The quotient is the float division
// (built correctly rounded where the device can), half to even, saturated, NaN to 0; a dequantized value is
// (q - zero) * scale in float, as the reference's double product rounded to float.

#define QUANTIZE(NAME, T, LO, HI) \
__kernel void NAME(__global const float* x, ulong xo, __global T* y, ulong yo, ulong n, \
                   __global const float* scale, ulong so, __global const T* zero, ulong zo, int has_zero, \
                   long inner, long dim) { \
    ulong i = get_global_id(0); \
    if (i >= n) return; \
    long c = dim == 1 ? 0 : ((long) i / inner) % dim; \
    float q = rint(x[xo + i] / scale[so + c]) + (has_zero ? (float) zero[zo + c] : 0.0f); \
    q = isnan(q) ? 0.0f : clamp(q, LO, HI); \
    y[yo + i] = (T) q; \
}
QUANTIZE(quantize_u8, uchar, 0.0f, 255.0f)
QUANTIZE(quantize_s8, char, -128.0f, 127.0f)

#define DEQUANTIZE(NAME, T) \
__kernel void NAME(__global const T* x, ulong xo, __global float* y, ulong yo, ulong n, \
                   __global const float* scale, ulong so, __global const T* zero, ulong zo, int has_zero, \
                   long inner, long dim) { \
    ulong i = get_global_id(0); \
    if (i >= n) return; \
    long c = dim == 1 ? 0 : ((long) i / inner) % dim; \
    int z = has_zero ? (int) zero[zo + c] : 0; \
    y[yo + i] = (float) ((int) x[xo + i] - z) * scale[so + c]; \
}
DEQUANTIZE(dequantize_u8, uchar)
DEQUANTIZE(dequantize_s8, char)
