package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * The im2col matrix of one image on a level-3 layout as the GEMM's left operand, gathered micro-panel by micro-panel
 * in chunks of the vector width L ({@link PanelSource#depthChunk}): row n is output pixel {@code (oy, ox) = (n / outW,
 * n % outW)}; depth p is channel {@code cb * L + p % L} at kernel offset (ky, kx), where {@code p / L = (cb * kH + ky)
 * * kW + kx}. On the channel-blocked layout {@code [N, C/L, H, W, L]} and on channels-last {@code [N, 1, H, W, C]}
 * alike the L channels of one pixel are adjacent, so each chunk row is one vector copy, or zeros in the padding.
 */
final class BlockedIm2colPanels extends PanelSource {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int L = MicroKernel.VL;
    private ConvShape s;
    private MemorySegment x;
    private long xOff;
    /** Floats between adjacent pixels, between channel groups, and between images. */
    private long pixel, group, image;

    /** An unbound source: {@link #bind} says which convolution and input. */
    BlockedIm2colPanels(int width) { super(width, L); }

    /**
     * @param channelsLast whether x is {@code [N, 1, H, W, C]} rather than {@code [N, C/L, H, W, L]}
     */
    BlockedIm2colPanels bind(ConvShape s, boolean channelsLast, MemorySegment x, long xOff) {
        this.s = s;
        this.x = x;
        this.xOff = xOff;
        long plane = (long) s.inH() * s.inW();
        this.pixel = channelsLast ? s.inC() : L;
        this.group = channelsLast ? L : plane * L;
        this.image = (long) s.inC() * plane;
        return this;
    }

    @Override
    void release() { x = null; }

    @Override
    void pack(int q, int x0, int len, int p0, int kc, float[] dst) {
        int h = s.inH(), w = s.inW(), ow = s.outW(), kh = s.kH(), kw = s.kW();
        int dh = s.dilH(), dw = s.dilW(), mr = width;
        GemmScratch scratch = GemmScratch.mine();
        int[] iy0 = scratch.pixelRow, ix0 = scratch.pixelCol;
        long base = xOff + 4 * (q * image);
        int c0 = p0 / L, chunks = kc / L;
        FloatVector zero = FloatVector.zero(MicroKernel.S);
        for (int panel = 0; panel * mr < len; panel++) {
            int first = x0 + panel * mr, cnt = Math.min(mr, len - panel * mr);
            for (int r = 0; r < cnt; r++) {
                int n = first + r, oy = n / ow, ox = n - oy * ow;
                iy0[r] = oy * s.strideH() - s.padTop();
                ix0[r] = ox * s.strideW() - s.padLeft();
            }
            int panelBase = panel * kc * mr;
            int c = c0, cb = c / (kh * kw), rest = c - cb * kh * kw, ky = rest / kw, kx = rest - ky * kw;
            for (int ci = 0; ci < chunks; ci++) {
                long chan = base + 4 * (cb * group);
                int dy = ky * dh, dx = kx * dw, d = panelBase + ci * mr * L;
                for (int r = 0; r < mr; r++, d += L) {
                    int iy = iy0[r] + dy, ix = ix0[r] + dx;
                    if (r < cnt && iy >= 0 && iy < h && ix >= 0 && ix < w) {
                        FloatVector.fromMemorySegment(MicroKernel.S, x, chan + 4 * (((long) iy * w + ix) * pixel), ORDER)
                                .intoArray(dst, d);
                    } else {
                        zero.intoArray(dst, d);
                    }
                }
                if (++kx == kw) {
                    kx = 0;
                    if (++ky == kh) {
                        ky = 0;
                        cb++;
                    }
                }
            }
        }
    }
}
