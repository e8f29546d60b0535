package io.jengine.cpu.simd.conv;

import io.jengine.cpu.simd.ops.TaskRanges;
import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The tile transforms of a Winograd 3x3 convolution (F(4x4, 3x3) or F(2x2, 3x3), see {@link WinogradF43}) on the
 * level-3 layouts: channel-blocked {@code [N, C/L, H, W, L]} with L the float vector width, or channels-last
 * {@code [N, 1, H, W, C]} with C a multiple of L. Either way the L channels of one pixel are one vector, so every
 * transform runs on whole vectors with lanes that never mix channels, and no reorder is needed.
 *
 * <p>The products between the transforms are the caller's: {@link #input} writes {@code V = B^T d B} as
 * {@code [alpha^2][rows][inC]} and {@link #output} reads {@code M} as {@code [alpha^2][rows][outC]}, row-major, so
 * each of the alpha^2 transform positions is one {@code [rows x inC] x [inC x outC]} product with the weights of
 * {@link #transformWeights} (a batched GEMM). A run may go in chunks of tiles (rows of V and M): tile
 * {@code t0 + r} is row r. Between one position's matrix and the next there may be a gap
 * ({@link #positionStride}): densely packed, the alpha^2 matrices of a layer with 256 or more channels lie a
 * multiple of 4 KiB apart, so that the alpha^2 vectors a tile's transform reads or writes all fall into the same few
 * sets of the L1 cache and evict one another.
 *
 * <p>Accuracy and the handling of NaN and infinities are {@link WinogradConv3x3}'s: the same matrices and the same
 * bound. A NaN or infinity in the input would reach outputs the direct convolution keeps finite, so the caller asks
 * {@link #inputInRange} first, one pass over the input before anything is written, and computes such a run directly.
 * (Checking inside the transform instead, per tile, made it a third slower.)
 *
 * <p>Instances are immutable; the methods may be called concurrently on different buffers.
 */
public final class BlockedWinograd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Channel groups per {@link WinogradF43#outputTile} call: their outputs stay in L1 until stored. */
    private static final int OUTPUT_GROUPS = 8;
    /** Per thread: the transforms' scratch, then (output) up to {@link #OUTPUT_GROUPS} tiles of outputs. */
    private static final ThreadLocal<float[]> WORK = ThreadLocal.withInitial(() -> new float[(36 + 16 * OUTPUT_GROUPS) * L]);

    private final ConvParams p;
    private final WinogradVariant variant;
    private final int m, a, pos;
    private final int outH, outW, tileRows, tileCols, tiles;
    /** Float strides of the input and output layouts: one pixel, one channel group, one image. */
    private final long inPixel, inGroup, inImage, outPixel, outGroup, outImage;
    private final float[] bias;
    private final boolean residual;
    private final FusedActivation activation;

    /**
     * @param block      the layout: L (channel-blocked) or 0 (channels-last)
     * @param bias       one value per output channel, or null
     * @param residual   whether a residual (the output's layout) is added before the activation
     * @param activation applied last (null: none)
     * @throws IllegalArgumentException where {@link #unsupportedReason} gives a reason
     */
    public BlockedWinograd(ConvParams p, int block, WinogradVariant variant, float[] bias, boolean residual,
                           FusedActivation activation) {
        String why = unsupportedReason(p, block);
        if (why != null) throw new IllegalArgumentException("blocked Winograd cannot run " + p + ": " + why);
        if (bias != null && bias.length != p.outC()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected outC = " + p.outC());
        }
        this.p = p;
        this.variant = variant;
        this.m = variant.tile;
        this.a = variant.alpha;
        this.pos = variant.positions();
        this.outH = p.outH();
        this.outW = p.outW();
        this.tileRows = Math.ceilDiv(outH, m);
        this.tileCols = Math.ceilDiv(outW, m);
        this.tiles = Math.multiplyExact(p.batch(), tileRows * tileCols);
        boolean last = block == 0;
        this.inPixel = last ? p.inC() : L;
        this.inGroup = last ? L : (long) p.inH() * p.inW() * L;
        this.inImage = (long) p.inC() * p.inH() * p.inW();
        this.outPixel = last ? p.outC() : L;
        this.outGroup = last ? L : (long) outH * outW * L;
        this.outImage = (long) p.outC() * outH * outW;
        this.bias = bias == null ? new float[p.outC()] : bias.clone();
        this.residual = residual;
        this.activation = activation == null ? FusedActivation.NONE : activation;
    }

    /** Why {@code p} on layout {@code block} cannot run here, or null if it can. */
    public static String unsupportedReason(ConvParams p, int block) {
        String why = WinogradConv3x3.unsupportedReason(p);
        if (why != null) return why;
        if (block != 0 && block != L) return "channel block " + block + " is not the vector width " + L;
        if (p.inC() % L != 0 || p.outC() % L != 0) {
            return "channels " + p.inC() + " -> " + p.outC() + " are not multiples of the vector width " + L;
        }
        return null;
    }

    /** Output tiles over all images: the rows of V and M in a run without chunks. */
    public int tiles() { return tiles; }

    /** Transform positions, alpha^2: the batch of the products. */
    public int positions() { return pos; }

    public WinogradVariant variant() { return variant; }

    public ConvParams params() { return p; }

    /**
     * The weights' transform {@code U = G g G^T} ({@code [outC, inC, 3, 3]} in ONNX's order) as the products take it,
     * {@code [alpha^2][inC][outC]}; computed in double and rounded once.
     */
    public float[] transformWeights(float[] weights) {
        int inC = p.inC(), outC = p.outC();
        if (weights == null || weights.length != p.weightSize()) {
            throw new IllegalArgumentException("weights must hold " + p.weightSize() + " floats, got "
                    + (weights == null ? "null" : weights.length));
        }
        return WinogradWeights.transform(variant, weights, outC, inC);
    }

    /** Bytes of the transformed weights: {@code alpha^2 * inC * outC} floats. */
    public long transformedWeightBytes() { return (long) Float.BYTES * pos * p.inC() * p.outC(); }

    /**
     * As {@link #transformWeights(float[])}, from {@code weights} in any memory (only read: it may be a read-only
     * mapping) into {@code u}, which must hold exactly {@link #transformedWeightBytes} bytes and is written whole.
     */
    public void transformWeights(MemorySegment weights, MemorySegment u) {
        if (weights == null || weights.byteSize() != Float.BYTES * p.weightSize()) {
            throw new IllegalArgumentException("weights must hold " + p.weightSize() + " floats, got "
                    + (weights == null ? "null" : weights.byteSize() + " bytes"));
        }
        WinogradWeights.transform(variant, weights, u, p.outC(), p.inC());
    }

    /**
     * Whether every input is finite and at most {@link #INPUT_LIMIT} in magnitude, so that no transformed value can
     * overflow: where not, the caller computes the run another way. One pass over {@code x}, on up to
     * {@code threads} threads.
     */
    public boolean inputInRange(MemorySegment x, int threads) {
        return inputMagnitude(x, threads) <= INPUT_LIMIT; // NaN compares false
    }

    /**
     * The largest |x| of the input: NaN where one is NaN, infinite where one is. One pass over {@code x}, on up to
     * {@code threads} threads.
     */
    public float inputMagnitude(MemorySegment x, int threads) {
        Segments.require("input", x, p.inputSize());
        long vectors = p.inputSize() / L; // channels are a multiple of L
        int tasks = TaskRanges.tasks(vectors, threads);
        float[] max = new float[tasks];
        IntraOpPool.shared().parallelFor(threads, tasks, task -> max[task] = maxMagnitude(x,
                TaskRanges.start(vectors, tasks, task), TaskRanges.start(vectors, tasks, task + 1)));
        float largest = 0;
        for (float m : max) largest = Math.max(largest, m); // keeps a NaN
        return largest;
    }

    /**
     * Inputs up to this magnitude cannot overflow a transform: each output of B^T d B sums at most 49 times the
     * largest input (F(4x4)'s largest row of |B^T| sums to 7; F(2x2)'s to 2), and 64 leaves room for rounding.
     */
    public static final float INPUT_LIMIT = Float.MAX_VALUE / 64;

    /** The largest |x| over vectors {@code [from, to)}; NaN if one is NaN (Math.max's rule, which the lanes keep). */
    private static float maxMagnitude(MemorySegment x, long from, long to) {
        FloatVector m = FloatVector.zero(S);
        for (long i = from; i < to; i++) m = m.max(FloatVector.fromMemorySegment(S, x, i * L * 4, NATIVE).abs());
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * V of tiles {@code [t0, t1)} from the input {@code x} into rows {@code 0 .. t1 - t0} of {@code v}
     * ({@code [alpha^2][rows][inC]} floats), on up to {@code threads} threads. An input outside
     * {@link #inputInRange} gives NaN or infinite values.
     */
    public void input(MemorySegment x, int t0, int t1, MemorySegment v, int rows, int threads) {
        input(x, t0, t1, v, rows, (long) rows * p.inC(), threads);
    }

    /**
     * As {@link #input(MemorySegment, int, int, MemorySegment, int, int)}, each position's {@code [rows][inC]} matrix
     * {@code stride} floats after the previous one.
     */
    public void input(MemorySegment x, int t0, int t1, MemorySegment v, int rows, long stride, int threads) {
        checkChunk(t0, t1, rows);
        Segments.require("input", x, p.inputSize());
        Segments.require("transformed input", v, span(rows, p.inC(), stride));
        int count = t1 - t0, tasks = TaskRanges.tasks(count, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, task -> inputTiles(x,
                t0 + (int) TaskRanges.start(count, tasks, task), t0 + (int) TaskRanges.start(count, tasks, task + 1),
                t0, v, stride));
    }

    /**
     * The outputs of tiles {@code [t0, t1)} from rows {@code 0 .. t1 - t0} of {@code mm} ({@code [alpha^2][rows][outC]}
     * floats) into {@code y}, edge tiles clipped, with bias, residual and activation, on up to {@code threads}
     * threads. The residual is {@code y} itself or does not overlap it.
     */
    public void output(MemorySegment mm, int t0, int t1, int rows, MemorySegment res, MemorySegment y, int threads) {
        output(mm, t0, t1, rows, (long) rows * p.outC(), res, y, threads);
    }

    /**
     * As {@link #output(MemorySegment, int, int, int, MemorySegment, MemorySegment, int)}, each position's
     * {@code [rows][outC]} matrix {@code stride} floats after the previous one.
     */
    public void output(MemorySegment mm, int t0, int t1, int rows, long stride, MemorySegment res, MemorySegment y,
                       int threads) {
        checkChunk(t0, t1, rows);
        Segments.require("products", mm, span(rows, p.outC(), stride));
        Segments.require("output", y, p.outputSize());
        if (residual) {
            Segments.require("residual", res, p.outputSize());
            // the same buffer is fine (each output is read as residual just before it is written), a shifted one not
            if (res.address() != y.address() && res.asOverlappingSlice(y).isPresent()) {
                throw new IllegalArgumentException("residual overlaps the output without being it");
            }
        }
        int count = t1 - t0, tasks = TaskRanges.tasks(count, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, task -> outputTiles(mm,
                t0 + (int) TaskRanges.start(count, tasks, task), t0 + (int) TaskRanges.start(count, tasks, task + 1),
                t0, stride, res, y));
    }

    /**
     * Floats from one position's {@code [rows][channels]} matrix to the next that keep the alpha^2 matrices on
     * different L1 sets: the matrix rounded up to whole 64-byte lines, plus one line where that count is even. An odd
     * number of lines apart, alpha^2 (at most 36) vectors at the same offset in each matrix land in distinct sets of a
     * 64-set cache, and never a multiple of 4 KiB apart (where loads stall on stores to other addresses that merely
     * look alike to the CPU).
     */
    public static long positionStride(int rows, int channels) {
        long lines = Math.ceilDiv((long) rows * channels, 16);
        return 16 * (lines % 2 == 0 ? lines + 1 : lines);
    }

    /** Floats a V or M of {@code rows} rows and {@code channels} columns per position spans at {@code stride}. */
    private long span(int rows, int channels, long stride) {
        long matrix = (long) rows * channels;
        if (stride < matrix) {
            throw new IllegalArgumentException("position stride " + stride + " is below rows x channels = " + matrix);
        }
        return (pos - 1) * stride + matrix;
    }

    private void checkChunk(int t0, int t1, int rows) {
        if (t0 < 0 || t1 > tiles || t0 >= t1 || t1 - t0 > rows) {
            throw new IllegalArgumentException("tiles [" + t0 + ", " + t1 + ") do not fit " + tiles + " tiles in chunks of "
                    + rows + " rows");
        }
    }

    private void inputTiles(MemorySegment x, int from, int to, int t0, MemorySegment v, long stride) {
        float[] w = WORK.get();
        int groups = p.inC() / L, inH = p.inH(), inW = p.inW(), inC = p.inC();
        long pixel = 4 * inPixel, row = pixel * inW, group = 4 * inGroup, lane = 4L * L, posBytes = 4L * stride;
        for (int t = from; t < to; t++) {
            int img = t / (tileRows * tileCols), rest = t % (tileRows * tileCols);
            int y0 = rest / tileCols * m - p.padTop(), x0 = rest % tileCols * m - p.padLeft();
            // the tile's rows and columns inside the input; the rest is zero padding, never read
            int r0 = Math.max(0, -y0), r1 = Math.min(a, inH - y0), c0 = Math.max(0, -x0), c1 = Math.min(a, inW - x0);
            long o = 4 * (img * inImage + ((long) y0 * inW + x0) * inPixel), at = 4L * (t - t0) * inC;
            if (m == 4) WinogradF43.inputTile(x, o, pixel, row, group, groups, r0, r1, c0, c1, w, v, at, lane, posBytes);
            else WinogradF23.inputTile(x, o, pixel, row, group, groups, r0, r1, c0, c1, w, v, at, lane, posBytes);
        }
    }

    private void outputTiles(MemorySegment mm, int from, int to, int t0, long stride, MemorySegment res,
                             MemorySegment y) {
        float[] w = WORK.get();
        int groups = p.outC() / L, outC = p.outC(), out = m == 4 ? 24 * L : 8 * L;
        long lane = 4L * L, posBytes = 4L * stride;
        for (int t = from; t < to; t++) {
            int img = t / (tileRows * tileCols), rest = t % (tileRows * tileCols);
            int y0 = rest / tileCols * m, x0 = rest % tileCols * m;
            int h = Math.min(m, outH - y0), wd = Math.min(m, outW - x0);
            long at = 4L * (t - t0) * outC, base = img * outImage + ((long) y0 * outW + x0) * outPixel;
            for (int g0 = 0; g0 < groups; g0 += OUTPUT_GROUPS) {
                int g1 = Math.min(groups, g0 + OUTPUT_GROUPS);
                if (m == 4) WinogradF43.outputTile(mm, at, lane, posBytes, g0, g1, w, out);
                else WinogradF23.outputTile(mm, at, lane, posBytes, g0, g1, w, out);
                finish(w, out, g0, g1, h, wd, base, res, y);
            }
        }
    }

    /**
     * Bias, residual and activation on the outputs {@link WinogradF43#outputTile} left in {@code w} for groups
     * {@code [g0, g1)} of the tile whose first output is float {@code base} of {@code y}; stores the {@code h x wd}
     * of them inside the output.
     */
    private void finish(float[] w, int out, int g0, int g1, int h, int wd, long base, MemorySegment res,
                        MemorySegment y) {
        FusedActivation.Kind kind = activation.kind();
        int tile = m * m * L;
        for (int g = g0; g < g1; g++) {
            FloatVector b = FloatVector.fromArray(S, bias, g * L);
            int o = out + (g - g0) * tile;
            long gb = base + g * outGroup;
            if (kind == FusedActivation.Kind.NONE || kind == FusedActivation.Kind.RELU
                    || kind == FusedActivation.Kind.CLIP) {
                // bias, residual, activation and store in one pass over the tile's outputs
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        long yo = 4 * (gb + ((long) r * outW + c) * outPixel);
                        FloatVector e = FloatVector.fromArray(S, w, o + (r * m + c) * L).add(b);
                        if (residual) e = e.add(FloatVector.fromMemorySegment(S, res, yo, NATIVE));
                        // Math.max semantics as FusedActivation's: NaN stays NaN, -0 becomes +0
                        if (kind == FusedActivation.Kind.RELU) e = e.max(0f);
                        else if (kind == FusedActivation.Kind.CLIP) e = e.max(activation.p0()).min(activation.p1());
                        e.intoMemorySegment(y, yo, NATIVE);
                    }
                }
                continue;
            }
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < wd; c++) {
                    int wo = o + (r * m + c) * L;
                    FloatVector e = FloatVector.fromArray(S, w, wo).add(b);
                    if (residual) {
                        long ro = 4 * (gb + ((long) r * outW + c) * outPixel);
                        e = e.add(FloatVector.fromMemorySegment(S, res, ro, NATIVE));
                    }
                    e.intoArray(w, wo);
                }
            }
            activation.applyInPlace(w, o, tile);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < wd; c++) {
                    long yo = 4 * (gb + ((long) r * outW + c) * outPixel);
                    FloatVector.fromArray(S, w, o + (r * m + c) * L).intoMemorySegment(y, yo, NATIVE);
                }
            }
        }
    }
}
