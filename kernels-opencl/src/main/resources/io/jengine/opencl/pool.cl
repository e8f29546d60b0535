// Pooling over NCHW. geo: N, C, H, W, OH, OW, KH, KW, stride h/w, pad top/left, dilation h/w, count_include_pad.

__kernel void maxpool2d(__global const float* X, ulong xo, __global float* Y, ulong yo, __constant const int* geo) {
    const int N = geo[0], C = geo[1], H = geo[2], W = geo[3], OH = geo[4], OW = geo[5];
    const int KH = geo[6], KW = geo[7], SH = geo[8], SW = geo[9], PT = geo[10], PL = geo[11], DH = geo[12], DW = geo[13];
    const long y = get_global_id(0);
    if (y >= (long) N * C * OH * OW) return;
    const int ow = y % OW, oh = (y / OW) % OH;
    const long plane = y / ((long) OW * OH);
    float m = -INFINITY;
    bool nan = false;
    for (int kh = 0; kh < KH; kh++) {
        int ih = oh * SH - PT + kh * DH;
        if (ih < 0 || ih >= H) continue;
        for (int kw = 0; kw < KW; kw++) {
            int iw = ow * SW - PL + kw * DW;
            if (iw < 0 || iw >= W) continue;
            float v = X[xo + (plane * H + ih) * W + iw];
            if (v != v) nan = true;
            else if (v > m) m = v;
        }
    }
    Y[yo + y] = nan ? NAN : m;
}

__kernel void avgpool2d(__global const float* X, ulong xo, __global float* Y, ulong yo, __constant const int* geo) {
    const int N = geo[0], C = geo[1], H = geo[2], W = geo[3], OH = geo[4], OW = geo[5];
    const int KH = geo[6], KW = geo[7], SH = geo[8], SW = geo[9], PT = geo[10], PL = geo[11], DH = geo[12], DW = geo[13];
    const int include_pad = geo[14], PB = geo[15], PR = geo[16];
    const long y = get_global_id(0);
    if (y >= (long) N * C * OH * OW) return;
    const int ow = y % OW, oh = (y / OW) % OH;
    const long plane = y / ((long) OW * OH);
    float s = 0.0f;
    int count = 0, padded = 0;
    for (int kh = 0; kh < KH; kh++) {
        int ih = oh * SH - PT + kh * DH;
        for (int kw = 0; kw < KW; kw++) {
            int iw = ow * SW - PL + kw * DW;
            // count_include_pad counts the explicit padding, never the part of a ceil-mode window past it
            if (ih >= -PT && ih < H + PB && iw >= -PL && iw < W + PR) padded++;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            s += X[xo + (plane * H + ih) * W + iw];
            count++;
        }
    }
    Y[yo + y] = s / (float) (include_pad ? padded : count);
}

// Global average (op 0) or max (op 1) over each of `planes` planes of `size` elements: a work-group per plane.
__kernel void global_pool(__global const float* X, ulong xo, __global float* Y, ulong yo, int size, int op) {
    __local float part[256];
    const long plane = get_group_id(0);
    const int t = get_local_id(0), nt = get_local_size(0);
    float acc = op == 0 ? 0.0f : -INFINITY;
    bool nan = false;
    for (int i = t; i < size; i += nt) {
        float v = X[xo + plane * size + i];
        if (op == 0) acc += v;
        else if (v != v) nan = true;
        else if (v > acc) acc = v;
    }
    part[t] = nan ? NAN : acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = nt / 2; s > 0; s >>= 1) {
        if (t < s) {
            float a = part[t], b = part[t + s];
            part[t] = op == 0 ? a + b : ((a != a || b != b) ? NAN : (a > b ? a : b));
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) Y[yo + plane] = op == 0 ? part[0] / (float) size : part[0];
}

// Separable 2-D resampling of [planes, H, W] to [planes, OH, OW] with two taps per axis, whose input indices (already
// clamped) and weights were computed on the host: nearest has weight 0 on its second tap.
__kernel void resize2d(__global const float* X, ulong xo, __global float* Y, ulong yo, long planes, int H, int W,
                       int OH, int OW, __constant const int* hi, __constant const float* hw,
                       __constant const int* wi, __constant const float* ww) {
    const long y = get_global_id(0);
    if (y >= planes * OH * OW) return;
    const int ow = y % OW, oh = (y / OW) % OH;
    const long p = y / ((long) OW * OH);
    __global const float* x = X + xo + p * H * W;
    const int h0 = hi[2 * oh], h1 = hi[2 * oh + 1], w0 = wi[2 * ow], w1 = wi[2 * ow + 1];
    float top = ww[2 * ow] * x[h0 * W + w0];
    if (ww[2 * ow + 1] != 0.0f) top += ww[2 * ow + 1] * x[h0 * W + w1];
    float v = hw[2 * oh] * top;
    if (hw[2 * oh + 1] != 0.0f) {
        float bottom = ww[2 * ow] * x[h1 * W + w0];
        if (ww[2 * ow + 1] != 0.0f) bottom += ww[2 * ow + 1] * x[h1 * W + w1];
        v += hw[2 * oh + 1] * bottom;
    }
    Y[yo + y] = v;
}
