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
    private final ConvShape s;
    private final MemorySegment x;
    private final long xOff;

    Im2colPanels(ConvShape s, MemorySegment x, long xOff, int width) {
        super(width);
        this.s = s;
        this.x = x;
        this.xOff = xOff;
    }

    @Override
    void pack(int q, int x0, int len, int p0, int kc, float[] dst) {
        int h = s.inH(), w = s.inW(), ow = s.outW(), kw = s.kW(), khw = s.kH() * kw;
        int sh = s.strideH(), sw = s.strideW(), dh = s.dilH(), dw = s.dilW();
        long plane = (long) h * w;
        long group0 = xOff + 4 * ((long) (q / s.group()) * s.inC() + (long) (q % s.group()) * s.inCPerGroup()) * plane;
        GemmScratch scratch = GemmScratch.mine();
        int[] iy0 = scratch.rowStart, ix0 = scratch.colStart;
        boolean vectors = width % MicroKernel.VL == 0;
        for (int panel = 0; panel * width < len; panel++) {
            int xs = x0 + panel * width, cnt = Math.min(width, len - panel * width);
            for (int j = 0; j < cnt; j++) {
                int n = xs + j, oy = n / ow, ox = n - oy * ow;
                iy0[j] = oy * sh - s.padTop();
                ix0[j] = ox * sw - s.padLeft();
            }
            boolean contiguous = vectors && sw == 1 && cnt == width && xs / ow == (xs + width - 1) / ow;
            int base = panel * kc * width;
            for (int p = 0; p < kc; p++) {
                int kk = p0 + p, c = kk / khw, r = kk - c * khw, ky = r / kw, kx = r - ky * kw;
                long chan = group0 + 4 * c * plane;
                int dy = ky * dh, dx = kx * dw, d = base + p * width;
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
                for (int j = 0; j < cnt; j++) {
                    int iy = iy0[j] + dy, ix = ix0[j] + dx;
                    dst[d + j] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x.get(Matrix.FLOAT, chan + 4 * ((long) iy * w + ix)) : 0f;
                }
                for (int j = cnt; j < width; j++) dst[d + j] = 0f;
            }
        }
    }
}
