package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D NCHW float32 convolution computed as one GEMM per (image, group): {@code Y_g[outC/g, outH*outW] =
 * W_g[outC/g, K] * X_g[K, outH*outW]}, with the weights packed once at prepare time and the bias, optional residual
 * and activation fused into the GEMM's store. Immutable once prepared; concurrent runs may share it. The packing of the
 * input side is each subclass's job and needs no caller scratch (the GEMM keeps bounded per-thread buffers).
 */
public abstract sealed class GemmConvolution permits Conv1x1Gemm, Im2colConv {
    private final ConvShape shape;
    private final float[] bias;
    private final Activation activation;
    private final Blocking blocking;
    private final PackedPanels[] weights;
    private final Epilogue epilogue;
    private final PanelSource packedWeights;
    private final TileGridCache grids;

    GemmConvolution(ConvShape shape, float[] weights, float[] bias, Activation activation, Blocking blocking) {
        if (shape == null) throw new IllegalArgumentException("shape is null");
        shape.checkOperands(weights, bias);
        this.shape = shape;
        this.bias = bias == null ? null : bias.clone();
        this.activation = activation == null ? Activation.NONE : activation;
        this.blocking = blocking == null ? Blocking.host() : blocking;
        int m = shape.outCPerGroup(), k = shape.gemmK();
        this.weights = new PackedPanels[shape.group()];
        Matrix all = Matrix.copyOf(weights, shape.outC(), k);
        for (int g = 0; g < shape.group(); g++) {
            Matrix wg = new Matrix(all.segment(), 4L * g * m * k, m, k, k, false);
            this.weights[g] = new PackedPanels(wg, this.blocking.mr(), this.blocking);
        }
        this.epilogue = Epilogue.of(this.activation).withRowBias(this.bias);
        this.grids = new TileGridCache(m, shape.outPlane(), shape.batch() * shape.group(), this.blocking);
        PackedPanels[] packed = this.weights;
        int groups = shape.group();
        this.packedWeights = new PanelSource(this.blocking.mr()) {
            @Override
            float[] prepacked(int problem) { return packed[problem % groups].data; }

            @Override
            int prepackedOffset(int p0, int kc, int x0) { return packed[0].prepackedOffset(p0, kc, x0); }

            @Override
            void pack(int problem, int x0, int len, int p0, int kc, float[] dst) {
                throw new UnsupportedOperationException("pre-packed weights");
            }
        };
    }

    public ConvShape shape() { return shape; }

    public Activation activation() { return activation; }

    /**
     * Computes {@code y = activation(conv(x) + bias + residual)}.
     *
     * @param x        input {@code [batch, inC, inH, inW]} at byte {@code xOff}
     * @param y        output {@code [batch, outC, outH, outW]} at byte {@code yOff}; must not overlap x
     * @param residual a tensor of y's shape at byte {@code rOff} added before the activation, or null; must not overlap y
     * @param threads  threads to use, >= 1
     */
    public final void run(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment residual, long rOff,
            int threads) {
        shape.checkRun(x, xOff, y, yOff, residual, rOff, threads);
        int m = shape.outCPerGroup(), n = shape.outPlane(), groups = shape.group();
        // Problem q = (image, group) writes rows [q * m, (q + 1) * m) of the [batch * outC, n] output, as outC = groups * m.
        GemmScratch scratch = GemmScratch.mine();
        long stride = 4L * m * n;
        TileWriter writer = scratch.writer.bind(y, yOff, n, stride, epilogue, groups, m, residual, rOff, n, stride);
        GemmJob job = scratch.job.set(m, n, shape.gemmK(), shape.batch() * groups, blocking, packedWeights,
                input(scratch, x, xOff), writer);
        GemmDriver.run(job, grids.grid(threads), threads);
    }

    /**
     * The GEMM's right operand for problem (image, group) = (q / group, q % group), read from x: one of the calling
     * thread's re-bindable sources in {@code scratch}.
     */
    abstract PanelSource input(GemmScratch scratch, MemorySegment x, long xOff);

}
