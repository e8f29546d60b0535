package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;

/**
 * A dense 2-D convolution on the level-3 layouts (channel-blocked {@code [N, C/L, H, W, L]} with L the float vector
 * width, or channels-last {@code [N, 1, H, W, C]}) as one GEMM per image, pixels by output channels:
 * {@code Y[outH * outW, outC] = X[outH * outW, K] * W[K, outC]} with {@code K = inC * kH * kW}. The im2col rows are
 * gathered a micro-panel at a time ({@link BlockedIm2colPanels}: one vector copy per pixel and channel group), the
 * weights packed once at prepare time, and the bias, residual and activation applied in the GEMM's store straight
 * into the output layout. Any kernel size, stride, dilation and padding; one group; channels multiples of L.
 *
 * <p>Each output is summed in order of K, one FMA per term, so the split over threads changes no rounding. Immutable
 * once prepared; concurrent runs may share it.
 */
public final class BlockedGemmConv {
    private static final int L = MicroKernel.VL;

    private final ConvShape shape;
    private final boolean channelsLast;
    private final Blocking blocking;
    private final PackedPanels weights;
    private final Epilogue epilogue;
    private final TileGridCache grids;

    private BlockedGemmConv(ConvShape s, int block, float[] weights, float[] bias, Activation activation,
                            Blocking blocking) {
        String why = unsupportedReason(s, block);
        if (why != null) throw new IllegalArgumentException("blocked GEMM convolution cannot run " + s + ": " + why);
        s.checkOperands(weights, bias);
        this.shape = s;
        this.channelsLast = block == 0;
        this.blocking = blocking == null ? Blocking.host() : blocking;
        int outC = s.outC(), inC = s.inC(), kh = s.kH(), kw = s.kW(), k = s.gemmK();
        // [outC, K] with K in the order the im2col panels gather it: channel group, kernel row, kernel column, lane
        float[] w = new float[Math.multiplyExact(outC, k)];
        for (int oc = 0; oc < outC; oc++) {
            int p = oc * k;
            for (int cb = 0; cb < inC / L; cb++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        for (int l = 0; l < L; l++) w[p++] = weights[((oc * inC + cb * L + l) * kh + ky) * kw + kx];
                    }
                }
            }
        }
        this.weights = new PackedPanels(Matrix.copyOf(w, outC, k), this.blocking.nr(), this.blocking, L);
        this.epilogue = Epilogue.of(activation == null ? Activation.NONE : activation)
                .withColumnBias(bias == null ? null : bias.clone());
        this.grids = new TileGridCache(s.outPlane(), outC, s.batch(), this.blocking);
    }

    /**
     * Packs the weights ({@code [outC, inC, kH, kW]}) for layout {@code block} (L, or 0 for channels-last); bias
     * may be null, activation null means none; blocking null means the host's.
     *
     * @throws IllegalArgumentException where {@link #unsupportedReason} gives a reason, or for arrays of the wrong length
     */
    public static BlockedGemmConv prepare(ConvShape s, int block, float[] weights, float[] bias, Activation activation,
                                          Blocking blocking) {
        return new BlockedGemmConv(s, block, weights, bias, activation, blocking);
    }

    /** Why {@code s} on layout {@code block} cannot run here, or null if it can. */
    public static String unsupportedReason(ConvShape s, int block) {
        if (block != 0 && block != L) return "channel block " + block + " is not the vector width " + L;
        if (s.group() != 1) return "grouped (" + s.group() + " groups)";
        if (s.inC() % L != 0 || s.outC() % L != 0) {
            return "channels " + s.inC() + " -> " + s.outC() + " are not multiples of the vector width " + L;
        }
        return null;
    }

    public ConvShape shape() { return shape; }

    /**
     * Computes {@code y = activation(conv(x) + bias + residual)} on the layout this was prepared for.
     *
     * @param residual laid out as y, or null; must not overlap y (partial sums are stored as K blocks go)
     * @param threads  threads to use, >= 1
     */
    public void run(MemorySegment x, MemorySegment y, MemorySegment residual, int threads) {
        ConvShape s = shape;
        s.checkRun(x, 0, y, 0, residual, 0, threads);
        int m = s.outPlane(), n = s.outC();
        GemmScratch scratch = GemmScratch.mine();
        long image = (long) m * n, ld = channelsLast ? n : L, colScale = channelsLast ? 1 : m;
        TileWriter writer = scratch.writer.bind(y, 0, ld, 4 * image, colScale, epilogue, 1, 0, residual, 0, ld,
                4 * image);
        GemmJob job = scratch.job.set(m, n, s.gemmK(), s.batch(), blocking,
                scratch.blockedIm2col.bind(s, channelsLast, x, 0), weights, writer);
        GemmDriver.run(job, grids.grid(threads), threads);
    }
}
