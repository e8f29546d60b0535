package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * A {@link Matrix} packed on demand: element (x, p) of the operand is {@code view.get(x, p)}, so A is passed as is and
 * B as its transpose view. Where x is contiguous in memory (B row-major, A transposed), each step copies whole
 * vectors; otherwise each x-row is read along p and scattered with stride {@code width}.
 */
final class MatrixPanels extends PanelSource {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private MemorySegment segment;
    private long byteOffset, ld, problemStride;
    private boolean transposed;

    /** An unbound source: {@link #bind} says where the operand is. */
    MatrixPanels(int width) { super(width); }

    MatrixPanels(Matrix view, int width) {
        super(width);
        bind(view, false);
    }

    /** Reads {@code view}, or its transpose when {@code transpose} (B is read as the transpose of its view). */
    MatrixPanels bind(Matrix view, boolean transpose) {
        return bind(view.segment(), view.byteOffset(), view.ld(), view.transposed() != transpose, 0);
    }

    /**
     * Element (x, p) of problem q at {@code byteOffset + q * problemStride + 4 * (p * ld + x)} when {@code transposed},
     * else {@code ... + 4 * (x * ld + p)}; the caller has checked the bounds.
     */
    MatrixPanels bind(MemorySegment segment, long byteOffset, long ld, boolean transposed, long problemStride) {
        this.segment = segment;
        this.byteOffset = byteOffset;
        this.ld = ld;
        this.transposed = transposed;
        this.problemStride = problemStride;
        return this;
    }

    @Override
    void release() { segment = null; }

    @Override
    void pack(int problem, int x0, int len, int p0, int kc, float[] dst) {
        packInto(segment, byteOffset + problem * problemStride, ld, transposed, width, x0, len, p0, kc, dst, 0);
    }

    static void packInto(Matrix view, int width, int x0, int len, int p0, int kc, float[] dst, int dstOff) {
        packInto(view.segment(), view.byteOffset(), view.ld(), view.transposed(), width, x0, len, p0, kc, dst, dstOff);
    }

    /**
     * Packs from raw layout parameters (element (x, p) at {@code byteOffset + 4 * (p * ld + x)} when
     * {@code transposed}, else {@code byteOffset + 4 * (x * ld + p)}); the caller has checked the bounds.
     */
    static void packInto(MemorySegment seg, long byteOffset, long ld, boolean transposed, int width, int x0, int len,
            int p0, int kc, float[] dst, int dstOff) {
        for (int panel = 0; panel * width < len; panel++) {
            int xs = x0 + panel * width, w = Math.min(width, len - panel * width);
            int base = dstOff + panel * kc * width;
            if (transposed) {
                // Memory holds rows of p with x contiguous: one contiguous run of w floats per step.
                boolean vectors = w == width && width % MicroKernel.VL == 0;
                for (int p = 0; p < kc; p++) {
                    long src = byteOffset + 4 * ((p0 + p) * ld + xs);
                    int d = base + p * width;
                    if (vectors) {
                        for (int v = 0; v < width; v += MicroKernel.VL) {
                            FloatVector.fromMemorySegment(MicroKernel.S, seg, src + 4L * v, ORDER).intoArray(dst, d + v);
                        }
                    } else {
                        for (int x = 0; x < w; x++) dst[d + x] = seg.get(Matrix.FLOAT, src + 4L * x);
                        for (int x = w; x < width; x++) dst[d + x] = 0f;
                    }
                }
            } else {
                for (int x = 0; x < w; x++) {
                    long src = byteOffset + 4 * ((xs + x) * ld + p0);
                    for (int p = 0; p < kc; p++) dst[base + p * width + x] = seg.get(Matrix.FLOAT, src + 4L * p);
                }
                for (int x = w; x < width; x++) {
                    for (int p = 0; p < kc; p++) dst[base + p * width + x] = 0f;
                }
            }
        }
    }
}
