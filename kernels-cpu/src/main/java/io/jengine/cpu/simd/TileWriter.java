package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stores micro-tiles into the problems' C: the first depth block overwrites, later ones add, and the last one also
 * applies the {@link Epilogue} while the tile is still in L1, so C is never read again for the epilogue. Problem q's C
 * (and residual) start {@code q} strides after problem 0's, and its row bias at {@code (q % groups) * rows}. A writer
 * is re-bound by each product on its calling thread ({@link GemmScratch}) and only read while the tiles run.
 */
final class TileWriter {
    private static final VectorSpecies<Float> S = MicroKernel.S;
    private static final int VL = MicroKernel.VL, NR = MicroKernel.NR;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private MemorySegment c;
    private long cBase, cStride, ldc;
    /**
     * Floats between columns j and j + 1 where j is a multiple of the vector width: 1 for a row-major C; the plane
     * for a channel-blocked C whose block is the vector width (column j at {@code (j / VL) * plane * VL = j * plane}).
     */
    private long colScale;
    private float alpha, residualScale;
    private float[] rowBias, columnBias;
    private int groups, groupRows;
    private MemorySegment residual;
    private long residualBase, residualStride, ldr;
    private Activation activation;
    private boolean plain;
    /** The activation is none, Relu or Clip: a clamp to [lo, hi] (or nothing) fused into the store of full tiles. */
    private boolean clamp, bounded;
    private float lo, hi;

    /** A single product: C and the epilogue's own residual. */
    TileWriter bind(Matrix c, Epilogue e) {
        Matrix r = e.residual();
        return bind(c.segment(), c.byteOffset(), c.ld(), 0, e, 1, 0, r == null ? null : r.segment(),
                r == null ? 0 : r.byteOffset(), r == null ? 0 : r.ld(), 0);
    }

    /**
     * @param c        the memory of every C; problem q's element (i, j) at {@code cBase + q * cStride + 4 * (i * ldc + j)}
     * @param groups   row bias of problem q starts at {@code (q % groups) * groupRows}
     * @param residual the residuals (laid out as C with their own base, ld and stride), or null
     */
    TileWriter bind(MemorySegment c, long cBase, long ldc, long cStride, Epilogue e, int groups, int groupRows,
            MemorySegment residual, long residualBase, long ldr, long residualStride) {
        return bind(c, cBase, ldc, cStride, 1, e, groups, groupRows, residual, residualBase, ldr, residualStride);
    }

    /**
     * As above, with element (i, j) of problem q at {@code cBase + q * cStride + 4 * (i * ldc + (j / VL) * VL *
     * colScale + j % VL)} (the residual alike with its own ld): colScale 1 is row-major, colScale = the plane a
     * channel-blocked layout of block VL with the pixels as rows.
     */
    TileWriter bind(MemorySegment c, long cBase, long ldc, long cStride, long colScale, Epilogue e, int groups,
            int groupRows, MemorySegment residual, long residualBase, long ldr, long residualStride) {
        this.colScale = colScale;
        this.c = c;
        this.cBase = cBase;
        this.ldc = ldc;
        this.cStride = cStride;
        this.alpha = e.alpha();
        this.rowBias = e.rowBias();
        this.columnBias = e.columnBias();
        this.groups = groups;
        this.groupRows = groupRows;
        this.residual = residual;
        this.residualBase = residualBase;
        this.residualStride = residualStride;
        this.ldr = ldr;
        this.residualScale = e.residualScale();
        this.activation = e.activation();
        this.plain = alpha == 1f && rowBias == null && columnBias == null && residual == null
                && activation.kind() == Activation.Kind.NONE;
        Activation.Kind kind = activation.kind();
        this.clamp = kind == Activation.Kind.NONE || kind == Activation.Kind.RELU || kind == Activation.Kind.CLIP;
        this.bounded = kind != Activation.Kind.NONE;
        this.lo = kind == Activation.Kind.RELU ? 0f : activation.lower();
        this.hi = kind == Activation.Kind.CLIP ? activation.upper() : Float.POSITIVE_INFINITY;
        return this;
    }

    /** Forgets the bound memory, so that a idle thread's scratch does not keep tensors reachable. */
    void unbind() {
        c = null;
        residual = null;
        rowBias = null;
        columnBias = null;
    }

    /** Stores the top-left {@code rows x cols} of {@code tile} at C(i0, j0) of problem q. */
    void write(float[] tile, int q, int i0, int j0, int rows, int cols, boolean first, boolean last) {
        long cBase = this.cBase + q * cStride;
        if (cols == NR && (!last || plain)) {
            writeFull(tile, cBase, i0, j0, rows, first);
            return;
        }
        long residualBase = this.residualBase + q * residualStride;
        int rowBiasBase = (q % groups) * groupRows;
        if (cols == NR && clamp) {
            finishFull(tile, cBase, residualBase, rowBiasBase, i0, j0, rows, first);
            return;
        }
        if (last && !plain) {
            gatherSums(tile, cBase, residualBase, rowBiasBase, i0, j0, rows, cols, first);
            // The activation runs over whole tile rows in a loop of its own: its vector code must inline into that
            // loop, and C2 only inlines large callees at hot call sites (a vector passed across a call is boxed).
            activation.applyInPlace(tile, rows * NR);
            first = true;
        }
        for (int r = 0; r < rows; r++) {
            long rowOff = cBase + 4 * ((i0 + r) * ldc + j0 * colScale);
            for (int j = 0; j < cols; j += VL) {
                FloatVector v = FloatVector.fromArray(S, tile, r * NR + j);
                long off = rowOff + 4L * j * colScale;
                if (cols - j >= VL) {
                    if (!first) v = v.add(FloatVector.fromMemorySegment(S, c, off, ORDER));
                    v.intoMemorySegment(c, off, ORDER);
                } else {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    if (!first) v = v.add(FloatVector.fromMemorySegment(S, c, off, ORDER, m));
                    v.intoMemorySegment(c, off, ORDER, m);
                }
            }
        }
    }

    /** A full-width tile stored or added as is, with unmasked vectors. */
    private void writeFull(float[] tile, long cBase, int i0, int j0, int rows, boolean first) {
        for (int r = 0; r < rows; r++) {
            long off = cBase + 4 * ((i0 + r) * ldc + j0 * colScale);
            FloatVector v0 = FloatVector.fromArray(S, tile, r * NR), v1 = FloatVector.fromArray(S, tile, r * NR + VL);
            if (!first) {
                v0 = v0.add(FloatVector.fromMemorySegment(S, c, off, ORDER));
                v1 = v1.add(FloatVector.fromMemorySegment(S, c, off + 4L * VL * colScale, ORDER));
            }
            v0.intoMemorySegment(c, off, ORDER);
            v1.intoMemorySegment(c, off + 4L * VL * colScale, ORDER);
        }
    }

    /**
     * The last depth block of a full-width tile with a clamp activation: the epilogue in one pass, in the order of
     * {@link #gatherSums} followed by the activation, so the values are the same as on the general path.
     */
    private void finishFull(float[] tile, long cBase, long residualBase, int rowBiasBase, int i0, int j0, int rows, boolean first) {
        for (int r = 0; r < rows; r++) {
            long off = cBase + 4 * ((i0 + r) * ldc + j0 * colScale);
            FloatVector v0 = FloatVector.fromArray(S, tile, r * NR), v1 = FloatVector.fromArray(S, tile, r * NR + VL);
            if (!first) {
                v0 = v0.add(FloatVector.fromMemorySegment(S, c, off, ORDER));
                v1 = v1.add(FloatVector.fromMemorySegment(S, c, off + 4L * VL * colScale, ORDER));
            }
            if (alpha != 1f) {
                v0 = v0.mul(alpha);
                v1 = v1.mul(alpha);
            }
            if (rowBias != null) {
                float rb = rowBias[rowBiasBase + i0 + r];
                v0 = v0.add(rb);
                v1 = v1.add(rb);
            }
            if (columnBias != null) {
                v0 = v0.add(FloatVector.fromArray(S, columnBias, j0));
                v1 = v1.add(FloatVector.fromArray(S, columnBias, j0 + VL));
            }
            if (residual != null) {
                long resOff = residualBase + 4 * ((i0 + r) * ldr + j0 * colScale);
                FloatVector r0 = FloatVector.fromMemorySegment(S, residual, resOff, ORDER);
                FloatVector r1 = FloatVector.fromMemorySegment(S, residual, resOff + 4L * VL * colScale, ORDER);
                if (residualScale == 1f) {
                    v0 = v0.add(r0);
                    v1 = v1.add(r1);
                } else {
                    v0 = r0.fma(FloatVector.broadcast(S, residualScale), v0);
                    v1 = r1.fma(FloatVector.broadcast(S, residualScale), v1);
                }
            }
            if (bounded) {
                v0 = v0.max(lo).min(hi);
                v1 = v1.max(lo).min(hi);
            }
            v0.intoMemorySegment(c, off, ORDER);
            v1.intoMemorySegment(c, off + 4L * VL * colScale, ORDER);
        }
    }

    /** Replaces the tile by the finished pre-activation values: alpha * (C + tile) + biases + scaled residual. */
    private void gatherSums(float[] tile, long cBase, long residualBase, int rowBiasBase, int i0, int j0, int rows, int cols, boolean first) {
        for (int r = 0; r < rows; r++) {
            long rowOff = cBase + 4 * ((i0 + r) * ldc + j0 * colScale);
            long resOff = residualBase + 4 * ((i0 + r) * ldr + j0 * colScale);
            float rb = rowBias != null ? rowBias[rowBiasBase + i0 + r] : 0f;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(S, tile, r * NR + j);
                if (!first) v = v.add(FloatVector.fromMemorySegment(S, c, rowOff + 4L * j * colScale, ORDER, m));
                if (alpha != 1f) v = v.mul(alpha);
                if (rowBias != null) v = v.add(rb);
                if (columnBias != null) v = v.add(FloatVector.fromArray(S, columnBias, j0 + j, m));
                if (residual != null) {
                    FloatVector rv = FloatVector.fromMemorySegment(S, residual, resOff + 4L * j * colScale, ORDER, m);
                    v = residualScale == 1f ? v.add(rv) : rv.fma(FloatVector.broadcast(S, residualScale), v);
                }
                v.intoArray(tile, r * NR + j);
            }
        }
    }
}
