// Matrix products and convolutions as register-tiled GEMMs: a 16x16 work-group computes a 64x64 tile of C, each
// work-item 4x4 outputs strided by 16 (so that neighbours store neighbouring columns), over K in steps of 16 staged
// in local memory. Operands are read through strides, so transposed and batched operands need no copy.

#define TM 64
#define TN 64
#define TK 16

// One staged step of K: each work-item adds the products of its 4 rows of A and 4 columns of B.
inline void tile_products(__local float As[TK][TM], __local float Bs[TK][TN], float acc[4][4], int tx, int ty) {
    for (int kk = 0; kk < TK; kk++) {
        float a[4], b[4];
        for (int i = 0; i < 4; i++) a[i] = As[kk][ty + 16 * i];
        for (int j = 0; j < 4; j++) b[j] = Bs[kk][tx + 16 * j];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
    }
}

// The batch offsets of operand `which` (0 A, 1 B, 2 C, 3 bias) for batch index z: meta holds, per batch axis, the
// dim and then the four operands' strides (5 longs per axis, outermost first).
inline long batch_offset(__constant const long* meta, int axes, long z, int which) {
    long off = 0;
    for (int d = axes - 1; d >= 0; d--) {
        long dim = meta[5 * d];
        long c = z % dim;
        z /= dim;
        off += c * meta[5 * d + 1 + which];
    }
    return off;
}

// C = act(alpha * A.B + beta * bias + R): A [M,K], B [K,N] through strides; bias through its own strides (0 along a
// broadcast axis); R (the residual) in C's layout.
__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void gemm(__global const float* A, ulong ao, long sam, long sak,
          __global const float* B, ulong bo, long sbk, long sbn,
          __global float* C, ulong co, long scm, long scn,
          int M, int N, int K, float alpha,
          __global const float* bias, ulong biaso, long sbias_m, long sbias_n, int has_bias, float beta,
          __global const float* R, ulong ro, int has_res,
          __constant const long* meta, int axes, int act, float p0, float p1) {
    __local float As[TK][TM];
    __local float Bs[TK][TN];
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    const long z = get_global_id(2);
    const long a_base = ao + batch_offset(meta, axes, z, 0);
    const long b_base = bo + batch_offset(meta, axes, z, 1);
    const long c_base = co + batch_offset(meta, axes, z, 2);
    const int l = ty * 16 + tx;
    float acc[4][4] = {{0.0f}};
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int e = 0; e < 4; e++) {
            int idx = l + 256 * e;
            int mm = idx / TK, kk = idx % TK;
            int m = m0 + mm, k = k0 + kk;
            As[kk][mm] = (m < M && k < K) ? A[a_base + m * sam + k * sak] : 0.0f;
            int kb = idx / TN, nn = idx % TN;
            int n = n0 + nn, k2 = k0 + kb;
            Bs[kb][nn] = (n < N && k2 < K) ? B[b_base + k2 * sbk + n * sbn] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        tile_products(As, Bs, acc, tx, ty);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const long bias_base = biaso + (has_bias ? batch_offset(meta, axes, z, 3) : 0);
    for (int i = 0; i < 4; i++) {
        int m = m0 + ty + 16 * i;
        if (m >= M) continue;
        for (int j = 0; j < 4; j++) {
            int n = n0 + tx + 16 * j;
            if (n >= N) continue;
            float v = alpha * acc[i][j];
            if (has_bias) v += beta * bias[bias_base + m * sbias_m + n * sbias_n];
            long c = c_base + m * scm + n * scn;
            if (has_res) v += R[ro + (c - co)];
            C[c] = activate(v, act, p0, p1);
        }
    }
}

// A 2-D convolution as an implicit GEMM per group: M = output channels of the group, N = batch x output pixels,
// K = input channels of the group x kernel window; B's columns are gathered from X on the fly (zero in the padding).
// geo: N, C, H, W, OC, OH, OW, KH, KW, stride h/w, pad top/left, dilation h/w, groups.
__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void conv2d(__global const float* X, ulong xo, __global const float* Wt, ulong wo,
            __global float* Y, ulong yo, __global const float* bias, ulong bo, int has_bias,
            __global const float* R, ulong ro, int has_res,
            __constant const int* geo, int act, float p0, float p1) {
    __local float As[TK][TM];
    __local float Bs[TK][TN];
    const int C = geo[1], H = geo[2], W = geo[3], OC = geo[4], OH = geo[5], OW = geo[6];
    const int KH = geo[7], KW = geo[8], SH = geo[9], SW = geo[10], PT = geo[11], PL = geo[12];
    const int DH = geo[13], DW = geo[14], G = geo[15];
    const int ICG = C / G, OCG = OC / G;
    const int M = OCG, K = ICG * KH * KW, P = OH * OW, NP = geo[0] * P;
    const int g = get_global_id(2);
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    const int l = ty * 16 + tx;
    const int KK = KH * KW;
    float acc[4][4] = {{0.0f}};
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int e = 0; e < 4; e++) {
            int idx = l + 256 * e;
            int mm = idx / TK, kk = idx % TK;
            int m = m0 + mm, k = k0 + kk;
            As[kk][mm] = (m < M && k < K) ? Wt[wo + (long) (g * OCG + m) * K + k] : 0.0f;
            int kb = idx / TN, nn = idx % TN;
            int col = n0 + nn, k2 = k0 + kb;
            float v = 0.0f;
            if (col < NP && k2 < K) {
                int b = col / P, p = col % P;
                int oh = p / OW, ow = p % OW;
                int ic = k2 / KK, r = k2 % KK;
                int kh = r / KW, kw = r % KW;
                int ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
                if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
                    v = X[xo + (((long) b * C + g * ICG + ic) * H + ih) * W + iw];
                }
            }
            Bs[kb][nn] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        tile_products(As, Bs, acc, tx, ty);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < 4; i++) {
        int m = m0 + ty + 16 * i;
        if (m >= M) continue;
        int oc = g * OCG + m;
        for (int j = 0; j < 4; j++) {
            int col = n0 + tx + 16 * j;
            if (col >= NP) continue;
            int b = col / P, p = col % P;
            long y = ((long) b * OC + oc) * P + p;
            float v = acc[i][j];
            if (has_bias) v += bias[bo + oc];
            if (has_res) v += R[ro + y];
            Y[yo + y] = activate(v, act, p0, p1);
        }
    }
}

// A depthwise 2-D convolution (one input channel per group, any channel multiplier), one output per work-item.
__kernel void depthwise2d(__global const float* X, ulong xo, __global const float* Wt, ulong wo,
                          __global float* Y, ulong yo, __global const float* bias, ulong bo, int has_bias,
                          __global const float* R, ulong ro, int has_res,
                          __constant const int* geo, int act, float p0, float p1) {
    const int N = geo[0], C = geo[1], H = geo[2], W = geo[3], OC = geo[4], OH = geo[5], OW = geo[6];
    const int KH = geo[7], KW = geo[8], SH = geo[9], SW = geo[10], PT = geo[11], PL = geo[12];
    const int DH = geo[13], DW = geo[14], G = geo[15];
    const long total = (long) N * OC * OH * OW;
    const long y = get_global_id(0);
    if (y >= total) return;
    const int ow = y % OW, oh = (y / OW) % OH, oc = (y / ((long) OW * OH)) % OC, b = y / ((long) OW * OH * OC);
    const int ic = oc / (OC / G);
    float acc = 0.0f;
    for (int kh = 0; kh < KH; kh++) {
        int ih = oh * SH - PT + kh * DH;
        if (ih < 0 || ih >= H) continue;
        for (int kw = 0; kw < KW; kw++) {
            int iw = ow * SW - PL + kw * DW;
            if (iw < 0 || iw >= W) continue;
            acc = fma(X[xo + (((long) b * C + ic) * H + ih) * W + iw], Wt[wo + ((long) oc * KH + kh) * KW + kw], acc);
        }
    }
    if (has_bias) acc += bias[bo + oc];
    if (has_res) acc += R[ro + y];
    Y[yo + y] = activate(acc, act, p0, p1);
}

// A 2-D transposed convolution as an implicit GEMM per group: M = output channels of the group, N = batch x output
// pixels, K = input channels of the group x kernel window; an input pixel contributes to output (oh, ow) through
// tap (kh, kw) when oh + pad_top - kh * dil_h is a multiple of the stride. W is [C, OC / G, KH, KW].
// geo: N, C, H, W, OC, OH, OW, KH, KW, stride h/w, pad top/left, dilation h/w, groups.
__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void conv_transpose2d(__global const float* X, ulong xo, __global const float* Wt, ulong wo,
                      __global float* Y, ulong yo, __global const float* bias, ulong bo, int has_bias,
                      __constant const int* geo, int act, float p0, float p1) {
    __local float As[TK][TM];
    __local float Bs[TK][TN];
    const int C = geo[1], H = geo[2], W = geo[3], OC = geo[4], OH = geo[5], OW = geo[6];
    const int KH = geo[7], KW = geo[8], SH = geo[9], SW = geo[10], PT = geo[11], PL = geo[12];
    const int DH = geo[13], DW = geo[14], G = geo[15];
    const int ICG = C / G, OCG = OC / G;
    const int M = OCG, K = ICG * KH * KW, P = OH * OW, NP = geo[0] * P;
    const int KK = KH * KW;
    const int g = get_global_id(2);
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    const int l = ty * 16 + tx;
    float acc[4][4] = {{0.0f}};
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int e = 0; e < 4; e++) {
            int idx = l + 256 * e;
            int mm = idx / TK, kk = idx % TK;
            int m = m0 + mm, k = k0 + kk;
            float a = 0.0f;
            if (m < M && k < K) {
                int ic = k / KK, r = k % KK;
                a = Wt[wo + ((long) (g * ICG + ic) * OCG + m) * KK + r];
            }
            As[kk][mm] = a;
            int kb = idx / TN, nn = idx % TN;
            int col = n0 + nn, k2 = k0 + kb;
            float v = 0.0f;
            if (col < NP && k2 < K) {
                int b = col / P, p = col % P;
                int oh = p / OW, ow = p % OW;
                int ic = k2 / KK, r = k2 % KK;
                int kh = r / KW, kw = r % KW;
                int th = oh + PT - kh * DH, tw = ow + PL - kw * DW;
                if (th >= 0 && tw >= 0 && th % SH == 0 && tw % SW == 0) {
                    int ih = th / SH, iw = tw / SW;
                    if (ih < H && iw < W) v = X[xo + (((long) b * C + g * ICG + ic) * H + ih) * W + iw];
                }
            }
            Bs[kb][nn] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        tile_products(As, Bs, acc, tx, ty);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < 4; i++) {
        int m = m0 + ty + 16 * i;
        if (m >= M) continue;
        int oc = g * OCG + m;
        for (int j = 0; j < 4; j++) {
            int col = n0 + tx + 16 * j;
            if (col >= NP) continue;
            int b = col / P, p = col % P;
            float v = acc[i][j];
            if (has_bias) v += bias[bo + oc];
            Y[yo + ((long) b * OC + oc) * P + p] = activate(v, act, p0, p1);
        }
    }
}
