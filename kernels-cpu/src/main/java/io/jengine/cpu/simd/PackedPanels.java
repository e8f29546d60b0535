package io.jengine.cpu.simd;

/**
 * An operand packed once, whole: for each depth block ({@link Blocking#depthBlock}; the last may be shorter), all its micro-panels
 * in x order, so block (p0, x0) starts at {@code p0 * paddedX + (x0 / width) * kc * width}.
 */
final class PackedPanels extends PanelSource {
    final float[] data;
    final int extent, depth;
    private final int paddedX;

    PackedPanels(Matrix view, int width, Blocking blocking) { this(view, width, blocking, 1); }

    /** Depth blocks as {@link Blocking#depthBlock(int, int)} gives them for {@code depthAlign}. */
    PackedPanels(Matrix view, int width, Blocking blocking, int depthAlign) {
        super(width);
        this.extent = view.rows();
        this.depth = view.cols();
        int kc = blocking.depthBlock(depth, depthAlign);
        this.paddedX = ceilDiv(extent, width) * width;
        long size = (long) paddedX * depth;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("operand of " + extent + " x " + depth + " is too large to pack");
        }
        this.data = new float[(int) size];
        for (int p0 = 0; p0 < depth; p0 += kc) {
            MatrixPanels.packInto(view, width, 0, extent, p0, Math.min(kc, depth - p0), data, p0 * paddedX);
        }
    }

    @Override
    float[] prepacked(int problem) { return data; }

    @Override
    int prepackedOffset(int p0, int blockDepth, int x0) { return p0 * paddedX + (x0 / width) * blockDepth * width; }

    @Override
    void pack(int problem, int x0, int len, int p0, int kc, float[] dst) {
        throw new UnsupportedOperationException("pre-packed operand");
    }
}
