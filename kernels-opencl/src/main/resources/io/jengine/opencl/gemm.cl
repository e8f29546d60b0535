// Matrix products and convolutions as register-tiled GEMMs. A work-group of WG_M x WG_N work-items computes a
// TM x TN tile of C, each work-item WPT_M x WPT_N outputs strided by the group's size (so that neighbours store
// neighbouring columns), over K in steps of TK staged in local memory. The tiling is chosen per layer (the tuner
// builds it as #defines before this source); the defaults are one that suits most devices. Operands are read through
// strides, so transposed and batched operands need no copy. A tiling's program holds only the kernel it was built for
// (TILED_ONLY and TILED_ONLY_<name>): a compiler such as PoCL's takes seconds per kernel.

#ifndef WG_M
#define WG_M 16
#endif
#ifndef WG_N
#define WG_N 16
#endif
#ifndef WPT_M
#define WPT_M 4
#endif
#ifndef WPT_N
#define WPT_N 4
#endif
#ifndef TK
#define TK 16
#endif
// A convolution's weights as float32, or as half floats (HALF_WEIGHTS: weights that are all exactly half floats, as an
// --fp16 plan's are, stored in half the bytes and read back unchanged).
#ifdef HALF_WEIGHTS
#define W_T half
#define LOAD_W(p, i) vload_half((i), (p))
#else
#define W_T float
#define LOAD_W(p, i) (p)[i]
#endif
#define TM (WG_M * WPT_M)
#define TN (WG_N * WPT_N)
#define WG (WG_M * WG_N)

// One staged step of K: each work-item adds the products of its WPT_M rows of A and WPT_N columns of B.
inline void tile_products(__local float At[TK][TM], __local float Bt[TK][TN], float acc[WPT_M][WPT_N], int tx, int ty) {
    for (int kk = 0; kk < TK; kk++) {
        float a[WPT_M], b[WPT_N];
        for (int i = 0; i < WPT_M; i++) a[i] = At[kk][ty + WG_M * i];
        for (int j = 0; j < WPT_N; j++) b[j] = Bt[kk][tx + WG_N * j];
        for (int i = 0; i < WPT_M; i++) for (int j = 0; j < WPT_N; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
    }
}

// The staged blocks of A and B. With DOUBLE_BUFFER (the tiling's two blocks fit the device's local memory twice) a
// kernel stages each K step in the other of two buffers, so one barrier per step suffices: a work-item that stages
// step s+1 while another still multiplies step s writes the buffer step s-1 used, which every work-item was done
// with before the barrier of step s. Without it, a second barrier per step keeps the next staging from overwriting
// the block in use. The kernels write As[k][m] / Bs[k][n] and pass As / Bs: the current buffer.
#ifdef DOUBLE_BUFFER
#define NBUF 2
#define K_STEP_DONE() (buf_ ^= 1)
#else
#define NBUF 1
#define K_STEP_DONE() barrier(CLK_LOCAL_MEM_FENCE)
#endif
#define LOCAL_TILES(T) __local T As_[NBUF][TK][TM]; __local T Bs_[NBUF][TK][TN]; int buf_ = 0
#define As As_[buf_]
#define Bs Bs_[buf_]

// Zeroes a work-item's accumulators.
#define ZERO_ACC(acc) for (int i = 0; i < WPT_M; i++) for (int j = 0; j < WPT_N; j++) acc[i][j] = 0.0f

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

#if !defined(TILED_ONLY) || defined(TILED_ONLY_gemm)
// C = act(alpha * A.B + beta * bias + R): A [M,K], B [K,N] through strides; bias through its own strides (0 along a
// broadcast axis); R (the residual) in C's layout.
__kernel __attribute__((reqd_work_group_size(WG_N, WG_M, 1)))
void gemm(__global const float* A, ulong ao, long sam, long sak,
          __global const float* B, ulong bo, long sbk, long sbn,
          __global float* C, ulong co, long scm, long scn,
          int M, int N, int K, float alpha,
          __global const float* bias, ulong biaso, long sbias_m, long sbias_n, int has_bias, float beta,
          __global const float* R, ulong ro, int has_res,
          __constant const long* meta, int axes, int act, float p0, float p1) {
    LOCAL_TILES(float);
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    const long z = get_global_id(2);
    const long a_base = ao + batch_offset(meta, axes, z, 0);
    const long b_base = bo + batch_offset(meta, axes, z, 1);
    const long c_base = co + batch_offset(meta, axes, z, 2);
    const int l = ty * WG_N + tx;
    float acc[WPT_M][WPT_N];
    ZERO_ACC(acc);
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int idx = l; idx < TK * TM; idx += WG) {
            int mm = idx / TK, kk = idx % TK;
            int m = m0 + mm, k = k0 + kk;
            As[kk][mm] = (m < M && k < K) ? A[a_base + m * sam + k * sak] : 0.0f;
        }
        for (int idx = l; idx < TK * TN; idx += WG) {
            int kb = idx / TN, nn = idx % TN;
            int n = n0 + nn, k2 = k0 + kb;
            Bs[kb][nn] = (n < N && k2 < K) ? B[b_base + k2 * sbk + n * sbn] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        tile_products(As, Bs, acc, tx, ty);
        K_STEP_DONE();
    }
    const long bias_base = biaso + (has_bias ? batch_offset(meta, axes, z, 3) : 0);
    for (int i = 0; i < WPT_M; i++) {
        int m = m0 + ty + WG_M * i;
        if (m >= M) continue;
        for (int j = 0; j < WPT_N; j++) {
            int n = n0 + tx + WG_N * j;
            if (n >= N) continue;
            float v = alpha * acc[i][j];
            if (has_bias) v += beta * bias[bias_base + m * sbias_m + n * sbias_n];
            long c = c_base + m * scm + n * scn;
            if (has_res) v += R[ro + (c - co)];
            C[c] = activate(v, act, p0, p1);
        }
    }
}
#endif

#if !defined(TILED_ONLY) || defined(TILED_ONLY_conv2d)
// A 2-D convolution as an implicit GEMM per group: M = output channels of the group, N = batch x output pixels,
// K = input channels of the group x kernel window; B's columns are gathered from X on the fly (zero in the padding).
// geo: N, C, H, W, OC, OH, OW, KH, KW, stride h/w, pad top/left, dilation h/w, groups.
__kernel __attribute__((reqd_work_group_size(WG_N, WG_M, 1)))
void conv2d(__global const float* X, ulong xo, __global const W_T* Wt, ulong wo,
            __global float* Y, ulong yo, __global const float* bias, ulong bo, int has_bias,
            __global const float* R, ulong ro, int has_res,
            __constant const int* geo, int act, float p0, float p1) {
    LOCAL_TILES(float);
    const int C = geo[1], H = geo[2], W = geo[3], OC = geo[4], OH = geo[5], OW = geo[6];
    const int KH = geo[7], KW = geo[8], SH = geo[9], SW = geo[10], PT = geo[11], PL = geo[12];
    const int DH = geo[13], DW = geo[14], G = geo[15];
    const int ICG = C / G, OCG = OC / G;
    const int M = OCG, K = ICG * KH * KW, P = OH * OW, NP = geo[0] * P;
    const int g = get_global_id(2);
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    const int l = ty * WG_N + tx;
    const int KK = KH * KW;
    float acc[WPT_M][WPT_N];
    ZERO_ACC(acc);
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int idx = l; idx < TK * TM; idx += WG) {
            int mm = idx / TK, kk = idx % TK;
            int m = m0 + mm, k = k0 + kk;
            As[kk][mm] = (m < M && k < K) ? LOAD_W(Wt, wo + (long) (g * OCG + m) * K + k) : 0.0f;
        }
        for (int idx = l; idx < TK * TN; idx += WG) {
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
        K_STEP_DONE();
    }
    for (int i = 0; i < WPT_M; i++) {
        int m = m0 + ty + WG_M * i;
        if (m >= M) continue;
        int oc = g * OCG + m;
        for (int j = 0; j < WPT_N; j++) {
            int col = n0 + tx + WG_N * j;
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
#endif

#ifndef TILED_ONLY
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
#endif

#if !defined(TILED_ONLY) || defined(TILED_ONLY_conv_transpose2d)
// A 2-D transposed convolution as an implicit GEMM per group: M = output channels of the group, N = batch x output
// pixels, K = input channels of the group x kernel window; an input pixel contributes to output (oh, ow) through
// tap (kh, kw) when oh + pad_top - kh * dil_h is a multiple of the stride. W is [C, OC / G, KH, KW].
// geo: N, C, H, W, OC, OH, OW, KH, KW, stride h/w, pad top/left, dilation h/w, groups.
__kernel __attribute__((reqd_work_group_size(WG_N, WG_M, 1)))
void conv_transpose2d(__global const float* X, ulong xo, __global const float* Wt, ulong wo,
                      __global float* Y, ulong yo, __global const float* bias, ulong bo, int has_bias,
                      __constant const int* geo, int act, float p0, float p1) {
    LOCAL_TILES(float);
    const int C = geo[1], H = geo[2], W = geo[3], OC = geo[4], OH = geo[5], OW = geo[6];
    const int KH = geo[7], KW = geo[8], SH = geo[9], SW = geo[10], PT = geo[11], PL = geo[12];
    const int DH = geo[13], DW = geo[14], G = geo[15];
    const int ICG = C / G, OCG = OC / G;
    const int M = OCG, K = ICG * KH * KW, P = OH * OW, NP = geo[0] * P;
    const int KK = KH * KW;
    const int g = get_global_id(2);
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    const int l = ty * WG_N + tx;
    float acc[WPT_M][WPT_N];
    ZERO_ACC(acc);
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int idx = l; idx < TK * TM; idx += WG) {
            int mm = idx / TK, kk = idx % TK;
            int m = m0 + mm, k = k0 + kk;
            float a = 0.0f;
            if (m < M && k < K) {
                int ic = k / KK, r = k % KK;
                a = Wt[wo + ((long) (g * ICG + ic) * OCG + m) * KK + r];
            }
            As[kk][mm] = a;
        }
        for (int idx = l; idx < TK * TN; idx += WG) {
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
        K_STEP_DONE();
    }
    for (int i = 0; i < WPT_M; i++) {
        int m = m0 + ty + WG_M * i;
        if (m >= M) continue;
        int oc = g * OCG + m;
        for (int j = 0; j < WPT_N; j++) {
            int col = n0 + tx + WG_N * j;
            if (col >= NP) continue;
            int b = col / P, p = col % P;
            float v = acc[i][j];
            if (has_bias) v += bias[bo + oc];
            Y[yo + ((long) b * OC + oc) * P + p] = activate(v, act, p0, p1);
        }
    }
}
#endif

// ---- Integer layers (QuantizedConv, QuantizedMatMul): codes minus their zero point times int8 weights, summed
// exactly in int, then scaled to real units (x_scale times the output channel's w_scale), bias and residual added, the
// activation applied, and written as float32 or requantized to codes as QuantizeLinear does (y_kind 1: float32, 2:
// uint8, 3: int8; a residual's z_kind 0: none, 1: float32, 2: uint8 codes, 3: int8 codes).

// One staged step of K on integers.
inline void itile_products(__local int At[TK][TM], __local int Bt[TK][TN], int acc[WPT_M][WPT_N], int tx, int ty) {
    for (int kk = 0; kk < TK; kk++) {
        int a[WPT_M], b[WPT_N];
        for (int i = 0; i < WPT_M; i++) a[i] = At[kk][ty + WG_M * i];
        for (int j = 0; j < WPT_N; j++) b[j] = Bt[kk][tx + WG_N * j];
        for (int i = 0; i < WPT_M; i++) for (int j = 0; j < WPT_N; j++) acc[i][j] += a[i] * b[j];
    }
}

// A code's value in real units.
inline float code_value(__global const uchar* p, ulong at, int kind, float scale, int zero) {
    if (kind == 1) return ((__global const float*) p)[at];
    int q = kind == 2 ? (int) p[at] : (int) ((__global const char*) p)[at];
    return (float) (q - zero) * scale;
}

// Stores v as float32 or as a code (the quotient correctly rounded where the device can, half to even, NaN to 0).
inline void store_result(__global uchar* y, ulong at, int kind, float v, float scale, float zero) {
    if (kind == 1) { ((__global float*) y)[at] = v; return; }
    float q = rint(v / scale) + zero;
    if (kind == 2) y[at] = (uchar) (isnan(q) ? 0.0f : clamp(q, 0.0f, 255.0f));
    else ((__global char*) y)[at] = (char) (isnan(q) ? 0.0f : clamp(q, -128.0f, 127.0f));
}

// QuantizedConv as an implicit GEMM per group (geo as conv2d's). X holds codes of XT; W int8 [OC, C/G, KH, KW];
// ws: OC scales (x_scale folded in).
#define QCONV(NAME, XT) \
__kernel __attribute__((reqd_work_group_size(WG_N, WG_M, 1))) \
void NAME(__global const XT* X, ulong xo, int x_zero, __global const char* Wt, ulong wo, __global const float* ws, \
          __global uchar* Y, ulong yo, int y_kind, float y_scale, float y_zero, \
          __global const float* bias, ulong bo, int has_bias, \
          __global const uchar* Z, ulong zo, int z_kind, float z_scale, int z_zero, \
          __constant const int* geo, int act, float p0, float p1) { \
    LOCAL_TILES(int); \
    const int C = geo[1], H = geo[2], W = geo[3], OC = geo[4], OH = geo[5], OW = geo[6]; \
    const int KH = geo[7], KW = geo[8], SH = geo[9], SW = geo[10], PT = geo[11], PL = geo[12]; \
    const int DH = geo[13], DW = geo[14], G = geo[15]; \
    const int ICG = C / G, OCG = OC / G; \
    const int M = OCG, K = ICG * KH * KW, P = OH * OW, NP = geo[0] * P; \
    const int g = get_global_id(2); \
    const int tx = get_local_id(0), ty = get_local_id(1); \
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM; \
    const int l = ty * WG_N + tx; \
    const int KK = KH * KW; \
    int acc[WPT_M][WPT_N]; \
    for (int i = 0; i < WPT_M; i++) for (int j = 0; j < WPT_N; j++) acc[i][j] = 0; \
    for (int k0 = 0; k0 < K; k0 += TK) { \
        for (int idx = l; idx < TK * TM; idx += WG) { \
            int mm = idx / TK, kk = idx % TK; \
            int m = m0 + mm, k = k0 + kk; \
            As[kk][mm] = (m < M && k < K) ? (int) Wt[wo + (long) (g * OCG + m) * K + k] : 0; \
        } \
        for (int idx = l; idx < TK * TN; idx += WG) { \
            int kb = idx / TN, nn = idx % TN; \
            int col = n0 + nn, k2 = k0 + kb; \
            int v = 0; \
            if (col < NP && k2 < K) { \
                int b = col / P, p = col % P; \
                int oh = p / OW, ow = p % OW; \
                int ic = k2 / KK, r = k2 % KK; \
                int kh = r / KW, kw = r % KW; \
                int ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW; \
                /* padding is the zero point: zero in real units */ \
                if (ih >= 0 && ih < H && iw >= 0 && iw < W) { \
                    v = (int) X[xo + (((long) b * C + g * ICG + ic) * H + ih) * W + iw] - x_zero; \
                } \
            } \
            Bs[kb][nn] = v; \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
        itile_products(As, Bs, acc, tx, ty); \
        K_STEP_DONE(); \
    } \
    for (int i = 0; i < WPT_M; i++) { \
        int m = m0 + ty + WG_M * i; \
        if (m >= M) continue; \
        int oc = g * OCG + m; \
        for (int j = 0; j < WPT_N; j++) { \
            int col = n0 + tx + WG_N * j; \
            if (col >= NP) continue; \
            int b = col / P, p = col % P; \
            long y = ((long) b * OC + oc) * P + p; \
            float v = (float) acc[i][j] * ws[oc]; \
            if (has_bias) v += bias[bo + oc]; \
            if (z_kind != 0) v += code_value(Z, zo + y, z_kind, z_scale, z_zero); \
            store_result(Y, yo + y, y_kind, activate(v, act, p0, p1), y_scale, y_zero); \
        } \
    } \
}
#if !defined(TILED_ONLY) || defined(TILED_ONLY_qconv2d_u8)
QCONV(qconv2d_u8, uchar)
#endif
#if !defined(TILED_ONLY) || defined(TILED_ONLY_qconv2d_s8)
QCONV(qconv2d_s8, char)
#endif

// QuantizedMatMul: A codes [M, K] (batch axes folded into M), B int8 [K, N], bs: N scales (a_scale folded in).
#define QGEMM(NAME, AT) \
__kernel __attribute__((reqd_work_group_size(WG_N, WG_M, 1))) \
void NAME(__global const AT* A, ulong ao, int a_zero, __global const char* B, ulong bo, __global const float* bs, \
          __global uchar* Y, ulong yo, int y_kind, float y_scale, float y_zero, \
          __global const float* bias, ulong biaso, int has_bias, int M, int N, int K, int act, float p0, float p1) { \
    LOCAL_TILES(int); \
    const int tx = get_local_id(0), ty = get_local_id(1); \
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM; \
    const int l = ty * WG_N + tx; \
    int acc[WPT_M][WPT_N]; \
    for (int i = 0; i < WPT_M; i++) for (int j = 0; j < WPT_N; j++) acc[i][j] = 0; \
    for (int k0 = 0; k0 < K; k0 += TK) { \
        for (int idx = l; idx < TK * TM; idx += WG) { \
            int mm = idx / TK, kk = idx % TK; \
            int m = m0 + mm, k = k0 + kk; \
            As[kk][mm] = (m < M && k < K) ? (int) A[ao + (long) m * K + k] - a_zero : 0; \
        } \
        for (int idx = l; idx < TK * TN; idx += WG) { \
            int kb = idx / TN, nn = idx % TN; \
            int n = n0 + nn, k2 = k0 + kb; \
            Bs[kb][nn] = (n < N && k2 < K) ? (int) B[bo + (long) k2 * N + n] : 0; \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
        itile_products(As, Bs, acc, tx, ty); \
        K_STEP_DONE(); \
    } \
    for (int i = 0; i < WPT_M; i++) { \
        int m = m0 + ty + WG_M * i; \
        if (m >= M) continue; \
        for (int j = 0; j < WPT_N; j++) { \
            int n = n0 + tx + WG_N * j; \
            if (n >= N) continue; \
            float v = (float) acc[i][j] * bs[n]; \
            if (has_bias) v += bias[biaso + n]; \
            store_result(Y, yo + (long) m * N + n, y_kind, activate(v, act, p0, p1), y_scale, y_zero); \
        } \
    } \
}
#if !defined(TILED_ONLY) || defined(TILED_ONLY_qgemm_u8)
QGEMM(qgemm_u8, uchar)
#endif
#if !defined(TILED_ONLY) || defined(TILED_ONLY_qgemm_s8)
QGEMM(qgemm_s8, char)
#endif
