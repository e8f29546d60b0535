package io.jengine.cpu.simd;

/**
 * A right operand B[K, N] packed once (at plan time, from constant MatMul / Gemm weights; Gemm's transB is a
 * {@link Matrix#transpose() transposed} view) into the micro-kernel's layout, so that every later product only packs A.
 * Immutable; shared by concurrent runs.
 */
public final class PackedB {
    final PackedPanels panels;
    final Blocking blocking;

    private PackedB(Matrix b, Blocking blocking) {
        this.blocking = blocking;
        this.panels = new PackedPanels(b.transpose(), blocking.nr(), blocking);
    }

    /** Packs {@code b} (any view: leading dimension, offset, transposed) with this machine's blocking. */
    public static PackedB pack(Matrix b) { return pack(b, Blocking.host()); }

    public static PackedB pack(Matrix b, Blocking blocking) { return new PackedB(b, blocking); }

    /** Packs a dense row-major {@code rows x cols} array. */
    public static PackedB pack(float[] values, int rows, int cols) { return pack(Matrix.copyOf(values, rows, cols)); }

    public int rows() { return panels.depth; }

    public int cols() { return panels.extent; }
}
