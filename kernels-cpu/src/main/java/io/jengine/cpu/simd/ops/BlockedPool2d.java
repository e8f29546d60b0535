package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * MaxPool and AveragePool over channel-blocked float32 activations {@code [N, C/b, H, W, b]} (the pool's window
 * spans H and W and is 1 along the block axis): each output position is one vector of the b channels of a block,
 * the max or sum of the window's input vectors, so no lane ever mixes channels. Threaded over output rows. Matches the
 * reference: a max keeps the first of the window's largest values in row-major order (so of -0.0 and +0.0 whichever
 * comes first) and the first NaN, and a window wholly in the padding gives -Inf; an average adds the taps in row-major
 * order and divides by the taps inside the input (or, with count_include_pad, inside the input and its explicit pads).
 *
 * <p>A max is separable: each input row is first reduced over every window's columns, then a window's rows of those
 * partial maxima are merged. Reducing along rows first keeps the row-major choice among ties, and a task walking its
 * output rows in order keeps the partial rows its next window shares (stride below kernel), so each is made once. An
 * average adds each window's taps in the reference's order, since another order of float additions would round
 * differently.
 *
 * <p>Both go column by column only at the borders: the output columns whose window lies wholly in the input run in
 * long loops over those columns, with no per-column lookups.
 */
public final class BlockedPool2d {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final VectorSpecies<Float> F = VectorMath.F;

    private final PoolWindow2d w;
    private final int block;
    private final boolean max;
    private final boolean countIncludePad;
    /** Per output row / column: the window taps inside the input, [lo, hi), and the divisor's factor. */
    private final int[] rowLo, rowHi, colLo, colHi, rowTaps, colTaps;
    /** The output columns whose window lies wholly inside the input, [interiorLo, interiorHi); 0, 0 if none. */
    private final int interiorLo, interiorHi;

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
        // windows move right with the column, so the whole ones are contiguous
        int lo = 0, hi = 0;
        for (int o = 0; o < w.outW(); o++) {
            if (colLo[o] == 0 && colHi[o] == w.kernelW()) {
                if (hi == lo) lo = o;
                hi = o + 1;
            }
        }
        interiorLo = lo;
        interiorHi = hi;
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
        IntraOpPool.shared().parallelFor(threads, tasks,
                t -> rows(x, xOff, y, yOff, TaskRanges.start(rows, tasks, t), TaskRanges.start(rows, tasks, t + 1)));
    }

    /** A thread's working rows, made once per thread and pool so that a run allocates nothing. */
    private record Scratch(float[][] slot, long[] held, boolean[] taken, float[][] window, float[] out) {}

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(this::newScratch);

    private Scratch newScratch() {
        int k = w.kernelH(), outLen = w.outW() * block;
        return new Scratch(max ? new float[k][outLen] : null, new long[k], new boolean[k], new float[k][],
                new float[outLen]);
    }

    /** Output rows [r0, r1), counted across blocks, in order, so that consecutive windows share partial maxima. */
    private void rows(MemorySegment x, long xOff, MemorySegment y, long yOff, long r0, long r1) {
        int kernelH = w.kernelH(), inLen = w.inW() * block, outLen = w.outW() * block;
        Scratch sc = scratch.get();
        // for a max, slot s holds input row held[s] (counted across blocks) reduced over each window's columns
        float[][] slot = sc.slot();
        long[] held = sc.held();
        Arrays.fill(held, -1);
        boolean[] taken = sc.taken();
        float[][] window = sc.window();
        float[] out = sc.out();
        for (long r = r0; r < r1; r++) {
            long blk = r / w.outH();
            int oh = (int) (r % w.outH()), n = Math.max(0, rowHi[oh] - rowLo[oh]);
            long top = blk * w.inH() + oh * w.strideH() - w.padTop() + (long) rowLo[oh] * w.dilationH();
            if (!max) {
                average(x, xOff + 4L * top * inLen, n, oh, out);
            } else {
                // keep the held rows this window needs, then reduce the missing ones into the slots left
                Arrays.fill(taken, false);
                for (int j = 0; j < n; j++) {
                    window[j] = null;
                    for (int s = 0; s < kernelH; s++) {
                        if (held[s] == top + (long) j * w.dilationH()) {
                            window[j] = slot[s];
                            taken[s] = true;
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    if (window[j] != null) continue;
                    int s = 0;
                    while (taken[s]) s++;
                    taken[s] = true;
                    held[s] = top + (long) j * w.dilationH();
                    maxAcross(x, xOff + 4L * held[s] * inLen, slot[s]);
                    window[j] = slot[s];
                }
                maxDown(window, n, out);
            }
            MemorySegment.copy(out, 0, y, ValueLayout.JAVA_FLOAT_UNALIGNED, yOff + 4L * r * outLen, outLen);
        }
    }

    /**
     * Each output column's max over its window's columns of the input row at byte {@code row} of {@code x}. In the
     * interior a 3-wide window (nearly every MaxPool) merges its taps in registers; another width goes tap by tap,
     * each tap one long loop over the columns, which compiles far tighter than a short loop over each column's taps.
     */
    private void maxAcross(MemorySegment x, long row, float[] dst) {
        int b = block, sw = w.strideW() * b, step = w.dilationW() * b, kw = w.kernelW();
        long left = row - 4L * w.padLeft() * b;
        for (int lane = 0; lane < b; lane += F.length()) {
            if (kw == 3) {
                for (int ow = interiorLo; ow < interiorHi; ow++) {
                    long at = left + 4L * (ow * sw + lane);
                    FloatVector m = VectorMath.firstMax(load(x, at), load(x, at + 4L * step));
                    VectorMath.firstMax(m, load(x, at + 8L * step)).intoArray(dst, ow * b + lane);
                }
                continue;
            }
            for (int ow = interiorLo; ow < interiorHi; ow++) {
                load(x, left + 4L * (ow * sw + lane)).intoArray(dst, ow * b + lane);
            }
            for (int k = 1; k < kw; k++) {
                long at = left + 4L * (k * step + lane);
                for (int ow = interiorLo; ow < interiorHi; ow++) {
                    int d = ow * b + lane;
                    VectorMath.firstMax(FloatVector.fromArray(F, dst, d), load(x, at + 4L * ow * sw)).intoArray(dst, d);
                }
            }
        }
        for (int ow = 0; ow < interiorLo; ow++) maxAcrossBorder(x, row, dst, ow);
        for (int ow = interiorHi; ow < w.outW(); ow++) maxAcrossBorder(x, row, dst, ow);
    }

    private void maxAcrossBorder(MemorySegment x, long row, float[] dst, int ow) {
        int b = block, taps = colHi[ow] - colLo[ow];
        long at = row + 4L * (ow * w.strideW() - w.padLeft() + colLo[ow] * w.dilationW()) * b;
        long step = 4L * w.dilationW() * b;
        if (taps <= 0) {
            Arrays.fill(dst, ow * b, (ow + 1) * b, Float.NEGATIVE_INFINITY);
            return;
        }
        // merge and load written out: this loop runs too rarely for C2 to inline calls that pass vectors, and a
        // vector passed to a call that is not inlined goes through the Vector API's heap emulation
        for (int lane = 0; lane < b; lane += F.length()) {
            FloatVector acc = FloatVector.fromMemorySegment(F, x, at + 4L * lane, NATIVE);
            for (int k = 1; k < taps; k++) {
                FloatVector later = FloatVector.fromMemorySegment(F, x, at + k * step + 4L * lane, NATIVE);
                acc = later.blend(acc, later.compare(VectorOperators.LE, acc).or(acc.compare(VectorOperators.NE, acc)));
            }
            acc.intoArray(dst, ow * b + lane);
        }
    }

    /** The max over a window's first {@code n} rows of partial maxima, merged in row order, three rows a pass. */
    private static void maxDown(float[][] rows, int n, float[] out) {
        if (n <= 1) {
            if (n == 1) System.arraycopy(rows[0], 0, out, 0, out.length); else Arrays.fill(out, Float.NEGATIVE_INFINITY);
            return;
        }
        float[] a = rows[0], b = rows[1];
        if (n == 2) {
            for (int i = 0; i < out.length; i += F.length()) {
                VectorMath.firstMax(FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i)).intoArray(out, i);
            }
            return;
        }
        float[] c = rows[2];
        for (int i = 0; i < out.length; i += F.length()) {
            FloatVector m = VectorMath.firstMax(FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i));
            VectorMath.firstMax(m, FloatVector.fromArray(F, c, i)).intoArray(out, i);
        }
        for (int j = 3; j < n; j++) {
            float[] row = rows[j];
            for (int i = 0; i < out.length; i += F.length()) {
                VectorMath.firstMax(FloatVector.fromArray(F, out, i), FloatVector.fromArray(F, row, i)).intoArray(out, i);
            }
        }
    }

    /**
     * Output row {@code oh}'s averages over its window's first {@code n} input rows, from byte {@code top} of
     * {@code x}: each column's sum starts at 0 and adds its taps row by row, tap by tap, as the reference. In the
     * interior a 3-wide window adds a row's taps in registers, another width goes tap by tap as in
     * {@link #maxAcross}.
     */
    private void average(MemorySegment x, long top, int n, int oh, float[] out) {
        int b = block, sw = w.strideW() * b, step = w.dilationW() * b, kw = w.kernelW();
        long rowBytes = 4L * w.dilationH() * w.inW() * b;
        Arrays.fill(out, 0f);
        for (int j = 0; j < n; j++) {
            long row = top + j * rowBytes, left = row - 4L * w.padLeft() * b;
            for (int lane = 0; lane < b; lane += F.length()) {
                if (kw == 3) {
                    for (int ow = interiorLo; ow < interiorHi; ow++) {
                        int d = ow * b + lane;
                        long at = left + 4L * (ow * sw + lane);
                        FloatVector sum = FloatVector.fromArray(F, out, d).add(load(x, at)).add(load(x, at + 4L * step));
                        sum.add(load(x, at + 8L * step)).intoArray(out, d);
                    }
                    continue;
                }
                for (int k = 0; k < kw; k++) {
                    long at = left + 4L * (k * step + lane);
                    for (int ow = interiorLo; ow < interiorHi; ow++) {
                        int d = ow * b + lane;
                        FloatVector.fromArray(F, out, d).add(load(x, at + 4L * ow * sw)).intoArray(out, d);
                    }
                }
            }
            for (int ow = 0; ow < interiorLo; ow++) addBorder(x, row, out, ow);
            for (int ow = interiorHi; ow < w.outW(); ow++) addBorder(x, row, out, ow);
        }
        for (int ow = 0; ow < w.outW(); ow++) {
            // a window with no counted tap divides 0 by 0: NaN, as the reference
            float divisor = (float) rowTaps[oh] * colTaps[ow];
            for (int lane = 0; lane < b; lane += F.length()) {
                int d = ow * b + lane;
                FloatVector.fromArray(F, out, d).div(divisor).intoArray(out, d);
            }
        }
    }

    private void addBorder(MemorySegment x, long row, float[] out, int ow) {
        int b = block, taps = colHi[ow] - colLo[ow];
        long at = row + 4L * (ow * w.strideW() - w.padLeft() + colLo[ow] * w.dilationW()) * b;
        long step = 4L * w.dilationW() * b;
        for (int lane = 0; lane < b; lane += F.length()) {
            FloatVector acc = FloatVector.fromArray(F, out, ow * b + lane);
            for (int k = 0; k < taps; k++) acc = acc.add(FloatVector.fromMemorySegment(F, x, at + k * step + 4L * lane, NATIVE));
            acc.intoArray(out, ow * b + lane);
        }
    }

    private static FloatVector load(MemorySegment x, long at) { return FloatVector.fromMemorySegment(F, x, at, NATIVE); }

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
