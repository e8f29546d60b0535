// Elementwise ops. meta holds, for rank r: the output's dims [r], then each operand's element strides [r] (0 along a
// broadcast axis).

__kernel void unary(__global const float* x, ulong xo, __global float* y, ulong yo, ulong n,
                    int act, float p0, float p1) {
    ulong i = get_global_id(0);
    if (i < n) y[yo + i] = activate(x[xo + i], act, p0, p1);
}

inline float binary_op(float a, float b, int op) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return pow(a, b);
        case 5: return (a != a || b != b) ? a + b : (a > b ? a : b);   // Max: NaN wins
        case 6: return (a != a || b != b) ? a + b : (a < b ? a : b);   // Min
        case 7: return a < 0.0f ? b * a : a;                           // PRelu (b: the slope)
        default: return a;
    }
}

// y = act(a op b), broadcast over meta's strides.
__kernel void binary(__global const float* a, ulong ao, __global const float* b, ulong bo,
                     __global float* y, ulong yo, ulong n, __constant const long* meta, int rank,
                     int op, int act, float p0, float p1) {
    ulong i = get_global_id(0);
    if (i >= n) return;
    long rem = (long) i, ia = 0, ib = 0;
    for (int d = rank - 1; d >= 0; d--) {
        long dim = meta[d];
        long c = rem % dim;
        rem /= dim;
        ia += c * meta[rank + d];
        ib += c * meta[2 * rank + d];
    }
    y[yo + i] = activate(binary_op(a[ao + ia], b[bo + ib], op), act, p0, p1);
}

// y = a op b where both have y's shape: no index arithmetic.
__kernel void binary_same(__global const float* a, ulong ao, __global const float* b, ulong bo,
                          __global float* y, ulong yo, ulong n, int op, int act, float p0, float p1) {
    ulong i = get_global_id(0);
    if (i < n) y[yo + i] = activate(binary_op(a[ao + i], b[bo + i], op), act, p0, p1);
}

// Broadcast index of operand `which` (0, 1, 2) for output element i: meta holds the output's dims [r] and then each
// operand's element strides [r].
inline long operand_index(__constant const long* meta, int rank, long i, int which) {
    long rem = i, ix = 0;
    for (int d = rank - 1; d >= 0; d--) {
        long dim = meta[d];
        ix += (rem % dim) * meta[rank * (which + 1) + d];
        rem /= dim;
    }
    return ix;
}

// Where(cond, x, y) over 4-byte elements (float32, int32).
__kernel void where_b4(__global const uchar* c, ulong co, __global const uint* x, ulong xo, __global const uint* y,
                       ulong yo, __global uint* z, ulong zo, ulong n, __constant const long* meta, int rank) {
    ulong i = get_global_id(0);
    if (i >= n) return;
    z[zo + i] = c[co + operand_index(meta, rank, i, 0)] ? x[xo + operand_index(meta, rank, i, 1)]
                                                        : y[yo + operand_index(meta, rank, i, 2)];
}

// And (0), Or (1), Xor (2) of booleans.
__kernel void logical(__global const uchar* a, ulong ao, __global const uchar* b, ulong bo, __global uchar* z,
                      ulong zo, ulong n, __constant const long* meta, int rank, int op) {
    ulong i = get_global_id(0);
    if (i >= n) return;
    bool p = a[ao + operand_index(meta, rank, i, 0)] != 0, q = b[bo + operand_index(meta, rank, i, 1)] != 0;
    z[zo + i] = op == 0 ? (p && q) : op == 1 ? (p || q) : (p != q);
}

// Cast between float32, int32, int64 and bool: C's conversions (toward zero from float; nonzero to true).
#define CAST(NAME, FROM, TO, EXPR) \
__kernel void NAME(__global const FROM* x, ulong xo, __global TO* y, ulong yo, ulong n) { \
    ulong i = get_global_id(0); \
    if (i < n) { FROM v = x[xo + i]; y[yo + i] = EXPR; } \
}
CAST(cast_f32_i64, float, long, (long) v)
CAST(cast_f32_i32, float, int, (int) v)
CAST(cast_f32_bool, float, uchar, v != 0.0f ? 1 : 0)
CAST(cast_i64_f32, long, float, (float) v)
CAST(cast_i64_i32, long, int, (int) v)
CAST(cast_i64_bool, long, uchar, v != 0 ? 1 : 0)
CAST(cast_i32_f32, int, float, (float) v)
CAST(cast_i32_i64, int, long, (long) v)
CAST(cast_i32_bool, int, uchar, v != 0 ? 1 : 0)
CAST(cast_bool_f32, uchar, float, v ? 1.0f : 0.0f)
CAST(cast_bool_i64, uchar, long, v ? 1 : 0)
CAST(cast_bool_i32, uchar, int, v ? 1 : 0)
