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
 * {@code t0 + r} is row r.
 *
 * <p>Accuracy and the handling of NaN and infinities are {@link WinogradConv3x3}'s: the same matrices and the same
 * bound. A NaN or infinity in a tile's input would reach outputs the direct convolution keeps finite, so {@link #input}
 * reports whether it saw one (or a sum of inputs that overflowed), and the caller computes such a run directly.
 *
 * <p>Instances are immutable; the methods may be called concurrently on different buffers.
 */
public final class BlockedWinograd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ThreadLocal<float[]> WORK = ThreadLocal.withInitial(() -> new float[4 * 36 * L]);

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
        float[] u = new float[Math.multiplyExact(Math.multiplyExact(pos, inC), outC)];
        double[] t = new double[pos];
        for (int oc = 0; oc < outC; oc++) {
            for (int ic = 0; ic < inC; ic++) {
                variant.weight(weights, (oc * inC + ic) * 9, t);
                for (int xi = 0; xi < pos; xi++) u[(xi * inC + ic) * outC + oc] = (float) t[xi];
            }
        }
        return u;
    }

    /**
     * V of tiles {@code [t0, t1)} from the input {@code x} into rows {@code 0 .. t1 - t0} of {@code v}
     * ({@code [alpha^2][rows][inC]} floats), on up to {@code threads} threads.
     *
     * @return false if an input was NaN or infinite (or a tile's inputs summed past the float range): the caller must
     *         then compute the convolution another way
     */
    public boolean input(MemorySegment x, int t0, int t1, MemorySegment v, int rows, int threads) {
        checkChunk(t0, t1, rows);
        Segments.require("input", x, p.inputSize());
        Segments.require("transformed input", v, (long) pos * rows * p.inC());
        int count = t1 - t0, tasks = TaskRanges.tasks(count, threads);
        boolean[] finite = new boolean[tasks];
        IntraOpPool.shared().parallelFor(threads, tasks, task -> finite[task] = inputTiles(x,
                t0 + (int) TaskRanges.start(count, tasks, task), t0 + (int) TaskRanges.start(count, tasks, task + 1),
                t0, v, rows));
        for (boolean f : finite) if (!f) return false;
        return true;
    }

    /**
     * The outputs of tiles {@code [t0, t1)} from rows {@code 0 .. t1 - t0} of {@code mm} ({@code [alpha^2][rows][outC]}
     * floats) into {@code y}, edge tiles clipped, with bias, residual and activation, on up to {@code threads}
     * threads. The residual is {@code y} itself or does not overlap it.
     */
    public void output(MemorySegment mm, int t0, int t1, int rows, MemorySegment res, MemorySegment y, int threads) {
        checkChunk(t0, t1, rows);
        Segments.require("products", mm, (long) pos * rows * p.outC());
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
                t0, rows, res, y));
    }

    private void checkChunk(int t0, int t1, int rows) {
        if (t0 < 0 || t1 > tiles || t0 >= t1 || t1 - t0 > rows) {
            throw new IllegalArgumentException("tiles [" + t0 + ", " + t1 + ") do not fit " + tiles + " tiles in chunks of "
                    + rows + " rows");
        }
    }

    private boolean inputTiles(MemorySegment x, int from, int to, int t0, MemorySegment v, int rows) {
        float[] w = WORK.get();
        int d = 0, tmp = pos * L, sums = 2 * pos * L;
        int groups = p.inC() / L, inH = p.inH(), inW = p.inW(), inC = p.inC();
        long rowStride = (long) rows * inC, step = 4 * inPixel;
        boolean finite = true;
        for (int t = from; t < to; t++) {
            int img = t / (tileRows * tileCols), rest = t % (tileRows * tileCols);
            int y0 = rest / tileCols * m - p.padTop(), x0 = rest % tileCols * m - p.padLeft();
            boolean inside = y0 >= 0 && x0 >= 0 && y0 + a <= inH && x0 + a <= inW;
            for (int g = 0; g < groups; g++) {
                long base = img * inImage + g * inGroup;
                if (inside) {
                    // rows straight from the input: the first pass reads them where they are
                    for (int k = 0; k < a; k++) {
                        long o = 4 * (base + ((long) (y0 + k) * inW + x0) * inPixel);
                        if (m == 4) WinogradF43.inputPass(x, o, step, w, tmp + k * L, 6 * L, sums + k * L);
                        else WinogradF23.inputPass(x, o, step, w, tmp + k * L, 4 * L, sums + k * L);
                    }
                    FloatVector sum = FloatVector.fromArray(S, w, sums);
                    for (int k = 1; k < a; k++) sum = sum.add(FloatVector.fromArray(S, w, sums + k * L));
                    // x - x is 0 for every finite x and NaN for NaN and infinities
                    finite &= !sum.sub(sum).test(VectorOperators.IS_NAN).anyTrue();
                } else {
                    // an edge tile: gathered with its zero padding, then the first pass
                    FloatVector zero = FloatVector.zero(S), sum = zero;
                    for (int k = 0; k < a; k++) {
                        int iy = y0 + k;
                        boolean rowIn = iy >= 0 && iy < inH;
                        for (int j = 0; j < a; j++) {
                            int ix = x0 + j;
                            FloatVector e = rowIn && ix >= 0 && ix < inW
                                    ? FloatVector.fromMemorySegment(S, x, 4 * (base + ((long) iy * inW + ix) * inPixel), NATIVE)
                                    : zero;
                            sum = sum.add(e);
                            e.intoArray(w, d + (k * a + j) * L);
                        }
                    }
                    finite &= !sum.sub(sum).test(VectorOperators.IS_NAN).anyTrue();
                    for (int k = 0; k < a; k++) {
                        int r = d + k * a * L;
                        if (m == 4) {
                            WinogradF43.inputPass(w, r, r + L, r + 2 * L, r + 3 * L, r + 4 * L, r + 5 * L, w, tmp + k * L, 6 * L);
                        } else {
                            WinogradF23.inputPass(w, r, r + L, r + 2 * L, r + 3 * L, w, tmp + k * L, 4 * L);
                        }
                    }
                }
                // the second pass stores V[p][q] straight to its transform position's product row
                long at = 4 * ((long) (t - t0) * inC + (long) g * L), posBytes = 4 * rowStride;
                for (int q = 0; q < a; q++) {
                    int c = tmp + q * a * L;
                    if (m == 4) WinogradF43.inputPass(w, c, L, v, at + q * posBytes, 6 * posBytes);
                    else WinogradF23.inputPass(w, c, L, v, at + q * posBytes, 4 * posBytes);
                }
            }
        }
        return finite;
    }

    private void outputTiles(MemorySegment mm, int from, int to, int t0, int rows, MemorySegment res, MemorySegment y) {
        float[] w = WORK.get();
        int tmp = pos * L, yt = 2 * pos * L;
        FusedActivation.Kind kind = activation.kind();
        boolean inlineActivation = kind == FusedActivation.Kind.NONE || kind == FusedActivation.Kind.RELU
                || kind == FusedActivation.Kind.CLIP;
        int groups = p.outC() / L, outC = p.outC();
        long rowStride = (long) rows * outC;
        for (int t = from; t < to; t++) {
            int img = t / (tileRows * tileCols), rest = t % (tileRows * tileCols);
            int y0 = rest / tileCols * m, x0 = rest % tileCols * m;
            int h = Math.min(m, outH - y0), wd = Math.min(m, outW - x0);
            for (int g = 0; g < groups; g++) {
                long at = 4 * ((long) (t - t0) * outC + (long) g * L);
                long step = 4 * rowStride;
                if (m == 4) {
                    for (int i = 0; i < 6; i++) WinogradF43.outputPass(mm, at + 6 * i * step, step, w, tmp + i * L, 6 * L);
                    for (int c = 0; c < 4; c++) WinogradF43.outputPass(w, tmp + c * 6 * L, L, w, yt + c * L, 4 * L);
                } else {
                    for (int i = 0; i < 4; i++) WinogradF23.outputPass(mm, at + 4 * i * step, step, w, tmp + i * L, 4 * L);
                    for (int c = 0; c < 2; c++) WinogradF23.outputPass(w, tmp + c * 4 * L, L, w, yt + c * L, 2 * L);
                }
                long base = img * outImage + g * outGroup;
                FloatVector b = FloatVector.fromArray(S, bias, g * L);
                if (inlineActivation) {
                    // bias, residual, activation and store in one pass over the tile's outputs
                    for (int r = 0; r < h; r++) {
                        for (int c = 0; c < wd; c++) {
                            long yo = 4 * (base + ((long) (y0 + r) * outW + x0 + c) * outPixel);
                            FloatVector e = FloatVector.fromArray(S, w, yt + (r * m + c) * L).add(b);
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
                        int o = yt + (r * m + c) * L;
                        FloatVector e = FloatVector.fromArray(S, w, o).add(b);
                        if (residual) {
                            long ro = 4 * (base + ((long) (y0 + r) * outW + x0 + c) * outPixel);
                            e = e.add(FloatVector.fromMemorySegment(S, res, ro, NATIVE));
                        }
                        e.intoArray(w, o);
                    }
                }
                activation.applyInPlace(w, yt, m * m * L);
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        long yo = 4 * (base + ((long) (y0 + r) * outW + x0 + c) * outPixel);
                        FloatVector.fromArray(S, w, yt + (r * m + c) * L).intoMemorySegment(y, yo, NATIVE);
                    }
                }
            }
        }
    }
}
