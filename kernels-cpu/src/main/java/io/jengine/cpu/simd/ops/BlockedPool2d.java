package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * MaxPool and AveragePool over channel-blocked float32 activations {@code [N, C/b, H, W, b]} (the pool's window
 * spans H and W and is 1 along the block axis): each output position is one vector of the b channels of a block,
 * the max or sum of the window's input vectors, so no lane ever mixes channels. Threaded over output rows. Matches the
 * reference as {@link MaxPool2d} and {@link AveragePool2d} do: NaN wins a max, a window wholly in the padding gives
 * -Inf (max), and an average divides by the taps inside the input (or, with count_include_pad, inside the input and
 * its explicit pads).
 */
public final class BlockedPool2d {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final PoolWindow2d w;
    private final int block;
    private final boolean max;
    private final boolean countIncludePad;
    private static final VectorSpecies<Float> F = VectorMath.F;
    /** Per output row / column: the window taps inside the input, [lo, hi), and the divisor's factor. */
    private final int[] rowLo, rowHi, colLo, colHi, rowTaps, colTaps;

    /**
     * @throws IllegalArgumentException for a block that is not a whole number of vectors (the species must be a
     *                                  compile-time constant for the vector code to compile to vector instructions, so
     *                                  one species serves: the widest)
     */
    public BlockedPool2d(PoolWindow2d window, int block, boolean max, boolean countIncludePad) {
        this.w = window;
        this.block = block;
        this.max = max;
        this.countIncludePad = countIncludePad;
        if (block < 1 || block % F.length() != 0) {
            throw new IllegalArgumentException("channel block " + block + " is not a multiple of the vector width "
                    + F.length());
        }
        rowLo = new int[w.outH()];
        rowHi = new int[w.outH()];
        colLo = new int[w.outW()];
        colHi = new int[w.outW()];
        validRange(w.outH(), w.strideH(), w.dilationH(), w.kernelH(), w.padTop(), w.inH(), rowLo, rowHi);
        validRange(w.outW(), w.strideW(), w.dilationW(), w.kernelW(), w.padLeft(), w.inW(), colLo, colHi);
        rowTaps = new int[w.outH()];
        colTaps = new int[w.outW()];
        for (int o = 0; o < w.outH(); o++) {
            rowTaps[o] = countIncludePad
                    ? PoolWindow2d.paddedTaps(o, w.strideH(), w.dilationH(), w.kernelH(), w.padTop(), w.padBottom(), w.inH())
                    : PoolWindow2d.validTaps(o, w.strideH(), w.dilationH(), w.kernelH(), w.padTop(), w.inH());
        }
        for (int o = 0; o < w.outW(); o++) {
            colTaps[o] = countIncludePad
                    ? PoolWindow2d.paddedTaps(o, w.strideW(), w.dilationW(), w.kernelW(), w.padLeft(), w.padRight(), w.inW())
                    : PoolWindow2d.validTaps(o, w.strideW(), w.dilationW(), w.kernelW(), w.padLeft(), w.inW());
        }
    }

    public PoolWindow2d window() { return w; }

    /**
     * Pools {@code blocks} consecutive channel blocks ({@code N·C/b}) of {@code inH × inW × b} floats from byte
     * {@code xOff} of {@code x} into as many of {@code outH × outW × b} from byte {@code yOff} of {@code y}. Input and
     * output must not overlap.
     */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long blocks, int threads) {
        SegmentBounds.checkPositive("channel blocks", blocks);
        long in = Math.multiplyExact(Math.multiplyExact(blocks, w.inPlane()), block);
        long out = Math.multiplyExact(Math.multiplyExact(blocks, w.outPlane()), block);
        SegmentBounds.checkFloats("pool input", x, xOff, in);
        SegmentBounds.checkFloats("pool output", y, yOff, out);
        if (x.asSlice(xOff, 4 * in).asOverlappingSlice(y.asSlice(yOff, 4 * out)).isPresent()) {
            throw new IllegalArgumentException("pool output overlaps its input");
        }
        long rows = blocks * w.outH();
        int tasks = TaskRanges.tasks(rows, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long r = TaskRanges.start(rows, tasks, t); r < TaskRanges.start(rows, tasks, t + 1); r++) {
                long blk = r / w.outH();
                row(x, xOff + 4L * blk * w.inPlane() * block, y, yOff + 4L * r * w.outW() * block, (int) (r % w.outH()));
            }
        });
    }

    private void row(MemorySegment x, long plane, MemorySegment y, long yRow, int oh) {
        int h0 = oh * w.strideH() - w.padTop(), dh = w.dilationH(), dw = w.dilationW(), inW = w.inW();
        int khLo = rowLo[oh], khHi = rowHi[oh];
        for (int ow = 0; ow < w.outW(); ow++) {
            int w0 = ow * w.strideW() - w.padLeft(), kwLo = colLo[ow], kwHi = colHi[ow];
            long out = yRow + 4L * ow * block;
            for (int lane = 0; lane < block; lane += F.length()) {
                FloatVector acc;
                if (max) {
                    acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                    for (int kh = khLo; kh < khHi; kh++) {
                        long rowAt = plane + 4L * ((long) (h0 + kh * dh) * inW * block + lane);
                        for (int kw = kwLo; kw < kwHi; kw++) {
                            acc = acc.max(FloatVector.fromMemorySegment(F, x, rowAt + 4L * (w0 + kw * dw) * block, NATIVE));
                        }
                    }
                } else {
                    acc = FloatVector.zero(F);
                    for (int kh = khLo; kh < khHi; kh++) {
                        long rowAt = plane + 4L * ((long) (h0 + kh * dh) * inW * block + lane);
                        for (int kw = kwLo; kw < kwHi; kw++) {
                            acc = acc.add(FloatVector.fromMemorySegment(F, x, rowAt + 4L * (w0 + kw * dw) * block, NATIVE));
                        }
                    }
                    // a window with no counted tap divides 0 by 0: NaN, as the reference
                    acc = acc.div((float) rowTaps[oh] * colTaps[ow]);
                }
                acc.intoMemorySegment(y, out + 4L * lane, NATIVE);
            }
        }
    }

    /** For each output position along an axis, the window taps inside the input: [lo, hi). */
    private static void validRange(int outSize, int stride, int dilation, int kernel, int padBegin, int in, int[] lo,
                                   int[] hi) {
        for (int o = 0; o < outSize; o++) {
            int start = o * stride - padBegin, l = kernel, h = 0;
            for (int k = 0; k < kernel; k++) {
                int i = start + k * dilation;
                if (i >= 0 && i < in) {
                    l = Math.min(l, k);
                    h = k + 1;
                }
            }
            lo[o] = Math.min(l, h);
            hi[o] = h;
        }
    }
}
