package io.jengine.cpu.simd;

/**
 * A left operand A[M, K] packed once (at plan time, from constant weights such as a convolution's W[outC, inC*kh*kw])
 * into the micro-kernel's layout, so that every later product only packs B. Immutable; shared by concurrent runs.
 */
public final class PackedA {
    final PackedPanels panels;
    final Blocking blocking;

    private PackedA(Matrix a, Blocking blocking) {
        this.blocking = blocking;
        this.panels = new PackedPanels(a, blocking.mr(), blocking);
    }

    /** Packs {@code a} (any view: leading dimension, offset, transposed) with this machine's blocking. */
    public static PackedA pack(Matrix a) { return pack(a, Blocking.host()); }

    public static PackedA pack(Matrix a, Blocking blocking) { return new PackedA(a, blocking); }

    /** Packs a dense row-major {@code rows x cols} array. */
    public static PackedA pack(float[] values, int rows, int cols) { return pack(Matrix.copyOf(values, rows, cols)); }

    public int rows() { return panels.extent; }

    public int cols() { return panels.depth; }
}
