package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * The im2col matrix of one (image, group) as a GEMM right operand, gathered panel by panel from x: element
 * (pixel n = oy * outW + ox, depth p = (c * kH + ky) * kW + kx) is
 * {@code x[c, oy * strideH - padTop + ky * dilH, ox * strideW - padLeft + kx * dilW]}, or 0 in the padding. A panel
 * whose pixels lie in one output row with stride 1 and no padding in reach copies whole vectors.
 */
final class Im2colPanels extends PanelSource {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private ConvShape s;
    private MemorySegment x;
    private long xOff;

    /** An unbound source: {@link #bind} says which convolution and input. */
    Im2colPanels(int width) { super(width); }

    Im2colPanels bind(ConvShape s, MemorySegment x, long xOff) {
        this.s = s;
        this.x = x;
        this.xOff = xOff;
        return this;
    }

    @Override
    void release() { x = null; }

    @Override
    void pack(int q, int x0, int len, int p0, int kc, float[] dst) {
        int h = s.inH(), w = s.inW(), ow = s.outW(), kh = s.kH(), kw = s.kW(), khw = kh * kw;
        int sh = s.strideH(), sw = s.strideW(), dh = s.dilH(), dw = s.dilW();
        long plane = (long) h * w;
        long group0 = xOff + 4 * ((long) (q / s.group()) * s.inC() + (long) (q % s.group()) * s.inCPerGroup()) * plane;
        GemmScratch scratch = GemmScratch.mine();
        // A panel's pixels fall into runs that share an output row: segment g covers panel columns
        // [segStart[g], segStart[g] + segLen[g]) and reads input row iy0[g] + dy, columns ix0[g] + dx + j * sw.
        int[] iy0 = scratch.rowStart, ix0 = scratch.colStart, segStart = scratch.segStart, segLen = scratch.segLen;
        boolean vectors = width % MicroKernel.VL == 0;
        for (int panel = 0; panel * width < len; panel++) {
            int xs = x0 + panel * width, cnt = Math.min(width, len - panel * width);
            int segs = 0;
            for (int j = 0; j < cnt; segs++) {
                int n = xs + j, oy = n / ow, ox = n - oy * ow, run = Math.min(cnt - j, ow - ox);
                segStart[segs] = j;
                segLen[segs] = run;
                iy0[segs] = oy * sh - s.padTop();
                ix0[segs] = ox * sw - s.padLeft();
                j += run;
            }
            boolean contiguous = vectors && sw == 1 && cnt == width && segs == 1;
            int base = panel * kc * width;
            int c = p0 / khw, r = p0 - c * khw, ky = r / kw, kx = r - ky * kw;
            for (int p = 0; p < kc; p++) {
                long chan = group0 + 4 * c * plane;
                int dy = ky * dh, dx = kx * dw, d = base + p * width;
                if (++kx == kw) {
                    kx = 0;
                    if (++ky == kh) {
                        ky = 0;
                        c++;
                    }
                }
                if (contiguous) {
                    int iy = iy0[0] + dy, ix = ix0[0] + dx;
                    if (iy >= 0 && iy < h && ix >= 0 && ix + width <= w) {
                        long src = chan + 4 * ((long) iy * w + ix);
                        for (int v = 0; v < width; v += MicroKernel.VL) {
                            FloatVector.fromMemorySegment(MicroKernel.S, x, src + 4L * v, ORDER).intoArray(dst, d + v);
                        }
                        continue;
                    }
                }
                for (int g = 0; g < segs; g++) {
                    int iy = iy0[g] + dy, ix = ix0[g] + dx, n = segLen[g], o = d + segStart[g];
                    int lo = 0, hi = 0;
                    if (iy >= 0 && iy < h && ix < w) {
                        lo = ix >= 0 ? 0 : Math.min(n, (-ix + sw - 1) / sw);
                        hi = Math.max(lo, Math.min(n, (w - 1 - ix) / sw + 1));
                    }
                    for (int j = 0; j < lo; j++) dst[o + j] = 0f;
                    long src = chan + 4 * ((long) iy * w + ix);
                    for (int j = lo; j < hi; j++) dst[o + j] = x.get(Matrix.FLOAT, src + 4L * j * sw);
                    for (int j = hi; j < n; j++) dst[o + j] = 0f;
                }
                for (int j = cnt; j < width; j++) dst[d + j] = 0f;
            }
        }
    }
}
