package io.jengine.cpu.simd.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * One input plane of a 2-D pool, its rows padded and split by stride phase, so that for any tap (kh, kw) the inputs
 * of consecutive outputs ow, ow+1, ... are consecutive floats: padded column {@code ow*s + kw*d} is element
 * {@code ow + (kw*d)/s} of phase {@code (kw*d)%s}. A vector of outputs then reads each tap with one contiguous load,
 * whatever the stride; padding columns (and columns past the end pad that ceil_mode reaches) hold the pool's neutral
 * fill value. Rewritten per plane, allocated once per task.
 */
final class PhaseRows {
    private final PoolWindow2d w;
    private final int phaseLen;
    private final float[] row;
    /** The rows: input row ih starts at {@code ih * rowStride()}. */
    final float[] buf;
    /** Per kw, where its tap starts within a row. */
    final int[] tapOffset;

    PhaseRows(PoolWindow2d w) {
        this.w = w;
        int s = w.strideW();
        this.phaseLen = w.outW() + (w.kernelW() - 1) * w.dilationW() / s;
        this.tapOffset = new int[w.kernelW()];
        for (int kw = 0; kw < w.kernelW(); kw++) {
            int q = kw * w.dilationW();
            tapOffset[kw] = q % s * phaseLen + q / s;
        }
        this.buf = new float[Math.multiplyExact(w.inH(), rowStride())];
        this.row = new float[w.inW()];
    }

    int rowStride() { return w.strideW() * phaseLen; }

    /** Loads the plane starting at byte {@code planeOff} of {@code x}, padding with {@code fill}. */
    void load(MemorySegment x, long planeOff, float fill) {
        int inW = w.inW(), s = w.strideW(), pad = w.padLeft(), stride = rowStride();
        for (int ih = 0; ih < w.inH(); ih++) {
            MemorySegment.copy(x, ValueLayout.JAVA_FLOAT_UNALIGNED, planeOff + 4L * ih * inW, row, 0, inW);
            int base = ih * stride;
            for (int p = 0; p < s; p++) {
                int at = base + p * phaseLen;
                // Element j of phase p is input column p + j*s - pad: inside the row for j in [lo, hi).
                int lo = Math.min(phaseLen, Math.max(0, Math.ceilDiv(pad - p, s)));
                int hi = Math.max(lo, Math.min(phaseLen, Math.ceilDiv(inW + pad - p, s)));
                Arrays.fill(buf, at, at + lo, fill);
                if (s == 1) {
                    System.arraycopy(row, lo - pad, buf, at + lo, hi - lo);
                } else {
                    for (int j = lo, col = p + lo * s - pad; j < hi; j++, col += s) buf[at + j] = row[col];
                }
                Arrays.fill(buf, at + hi, at + phaseLen, fill);
            }
        }
    }
}
