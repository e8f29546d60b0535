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
