// Data movement: bytes moved as 1, 2, 4 or 8-byte words (chosen by the element size), never interpreted.

// y[i] = x[gathered index of i]: meta holds the output's dims [r] then the input's element strides per output axis
// [r] and the input's start offset; covers Transpose (permuted strides), Slice (scaled strides) and Expand (0 strides).
#define STRIDED(NAME, T) \
__kernel void NAME(__global const T* x, ulong xo, __global T* y, ulong yo, ulong n, __constant const long* meta, \
                   int rank) { \
    ulong i = get_global_id(0); \
    if (i >= n) return; \
    long rem = (long) i, ix = meta[2 * rank]; \
    for (int d = rank - 1; d >= 0; d--) { \
        long dim = meta[d]; \
        ix += (rem % dim) * meta[rank + d]; \
        rem /= dim; \
    } \
    y[yo + i] = x[xo + ix]; \
}
STRIDED(strided_b1, uchar)
STRIDED(strided_b2, ushort)
STRIDED(strided_b4, uint)
STRIDED(strided_b8, ulong)

// Copies an [outer, inner] block of x into y's rows of `stride` elements starting at column `at` (Concat).
#define BLOCK(NAME, T) \
__kernel void NAME(__global const T* x, ulong xo, __global T* y, ulong yo, long inner, long stride, long at, ulong n) { \
    ulong i = get_global_id(0); \
    if (i >= n) return; \
    long o = (long) i / inner, j = (long) i % inner; \
    y[yo + o * stride + at + j] = x[xo + i]; \
}
BLOCK(block_b1, uchar)
BLOCK(block_b2, ushort)
BLOCK(block_b4, uint)
BLOCK(block_b8, ulong)

// Gather along an axis: x viewed as [outer, axis, inner], indices (int64, negative counting from the end) as [m];
// y as [outer, m, inner]. An index out of range writes nothing and raises the flag in `bad`.
#define GATHER(NAME, T) \
__kernel void NAME(__global const T* x, ulong xo, __global const long* idx, ulong io, __global T* y, ulong yo, \
                   long axis, long m, long inner, ulong n, __global int* bad) { \
    ulong i = get_global_id(0); \
    if (i >= n) return; \
    long j = (long) i % inner, r = (long) i / inner, k = r % m, o = r / m; \
    long q = idx[io + k]; \
    if (q < 0) q += axis; \
    if (q < 0 || q >= axis) { bad[0] = 1; return; } \
    y[yo + i] = x[xo + (o * axis + q) * inner + j]; \
}
GATHER(gather_b1, uchar)
GATHER(gather_b2, ushort)
GATHER(gather_b4, uint)
GATHER(gather_b8, ulong)

// Pad: y's coordinate on each axis less the axis's leading pad (negative: a crop) is x's; one outside x takes `fill`
// (mode 0, the element's bits), the edge (1), a reflection without repeating the edge (2) or wraps around (3).
// meta: y's dims [r], x's dims [r], x's strides [r], the leading pads [r].
#define PAD(NAME, T) \
__kernel void NAME(__global const T* x, ulong xo, __global T* y, ulong yo, ulong n, __constant const long* meta, \
                   int rank, int mode, ulong fill) { \
    ulong i = get_global_id(0); \
    if (i >= n) return; \
    long rem = (long) i, off = 0; \
    for (int d = rank - 1; d >= 0; d--) { \
        long c = rem % meta[d] - meta[3 * rank + d], len = meta[rank + d]; \
        rem /= meta[d]; \
        if (c < 0 || c >= len) { \
            if (mode == 0) { y[yo + i] = (T) fill; return; } \
            if (mode == 1) c = c < 0 ? 0 : len - 1; \
            else if (mode == 3) { c %= len; if (c < 0) c += len; } \
            else if (len == 1) c = 0; \
            else { long p = 2 * (len - 1); c %= p; if (c < 0) c += p; if (c >= len) c = p - c; } \
        } \
        off += c * meta[2 * rank + d]; \
    } \
    y[yo + i] = x[xo + off]; \
}
PAD(pad_b1, uchar)
PAD(pad_b2, ushort)
PAD(pad_b4, uint)
PAD(pad_b8, ulong)
