// Row-wise ops over [outer, n, inner] views (the reduced axis in the middle): a work-group per (outer, inner) row,
// its work-items striding along the axis and reducing in local memory.

inline float group_sum(__local float* part, float v) {
    const int t = get_local_id(0), nt = get_local_size(0);
    part[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = nt / 2; s > 0; s >>= 1) {
        if (t < s) part[t] += part[t + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = part[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline float group_max(__local float* part, float v) {
    const int t = get_local_id(0), nt = get_local_size(0);
    part[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = nt / 2; s > 0; s >>= 1) {
        if (t < s) {
            float a = part[t], b = part[t + s];
            part[t] = (a != a || b != b) ? NAN : (a > b ? a : b);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = part[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

// Softmax (log = 0) or LogSoftmax (log = 1) along the middle axis of [outer, n, inner]; with has_nan, a NaN result
// becomes nan_value (attention's fully masked rows). In place is allowed: each item rewrites only what it read.
__kernel void softmax(__global const float* X, ulong xo, __global float* Y, ulong yo, int n, int inner, int log_,
                      int has_nan, float nan_value) {
    __local float part[256];
    const long row = get_group_id(0);
    const long base = (row / inner) * (long) n * inner + row % inner;
    const int t = get_local_id(0), nt = get_local_size(0);
    float m = -INFINITY;
    bool nan = false;
    for (int i = t; i < n; i += nt) {
        float v = X[xo + base + (long) i * inner];
        if (v != v) nan = true; else if (v > m) m = v;
    }
    m = group_max(part, nan ? NAN : m);
    float s = 0.0f;
    for (int i = t; i < n; i += nt) s += exp(X[xo + base + (long) i * inner] - m);
    s = group_sum(part, s);
    for (int i = t; i < n; i += nt) {
        float d = X[xo + base + (long) i * inner] - m;
        float p = log_ ? d - log(s) : exp(d) / s;
        Y[yo + base + (long) i * inner] = (has_nan && p != p) ? nan_value : p;
    }
}

// LayerNormalization over the last n elements of each row: y = (x - mean) / sqrt(var + eps) * scale + bias, with
// scale and bias broadcast along the rows (stride 0 where they cover only the normalized part).
__kernel void layernorm(__global const float* X, ulong xo, __global const float* S, ulong so,
                        __global const float* B, ulong bo, int has_bias, __global float* Y, ulong yo,
                        int n, float eps) {
    __local float part[256];
    const long base = get_group_id(0) * (long) n;
    const int t = get_local_id(0), nt = get_local_size(0);
    float s = 0.0f;
    for (int i = t; i < n; i += nt) s += X[xo + base + i];
    const float mean = group_sum(part, s) / n;
    float q = 0.0f;
    for (int i = t; i < n; i += nt) { float d = X[xo + base + i] - mean; q += d * d; }
    const float inv = 1.0f / sqrt(group_sum(part, q) / n + eps);
    for (int i = t; i < n; i += nt) {
        float v = (X[xo + base + i] - mean) * inv * S[so + i];
        Y[yo + base + i] = has_bias ? v + B[bo + i] : v;
    }
}
