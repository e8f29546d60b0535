package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A float32 matrix view on a memory segment, as a GEMM operand or result: {@code rows x cols} logical elements,
 * element (i, j) at byte {@code byteOffset + 4 * (i * ld + j)}, or at {@code byteOffset + 4 * (j * ld + i)} when the
 * view is {@code transposed} (the memory holds the {@code cols x rows} transpose). The constructor checks that every
 * element lies inside the segment.
 *
 * @param segment    the memory
 * @param byteOffset byte offset of element (0, 0)
 * @param rows       logical rows
 * @param cols       logical columns
 * @param ld         leading dimension in elements: the distance between stored rows
 * @param transposed whether the memory is laid out as the transpose
 */
public record Matrix(MemorySegment segment, long byteOffset, int rows, int cols, long ld, boolean transposed) {
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    public Matrix {
        if (segment == null) throw new IllegalArgumentException("matrix segment is null");
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("matrix size must be >= 0, got " + rows + " x " + cols);
        long inner = transposed ? rows : cols, outer = transposed ? cols : rows;
        if (ld < Math.max(1, inner)) {
            throw new IllegalArgumentException("leading dimension " + ld + " is below the stored row length " + inner
                    + (transposed ? " (transposed " + rows + " x " + cols + " view)" : " (" + rows + " x " + cols + " view)"));
        }
        if (byteOffset < 0) throw new IllegalArgumentException("byte offset must be >= 0, got " + byteOffset);
        if (rows > 0 && cols > 0) {
            long end = byteOffset + 4 * ((outer - 1) * ld + inner);
            if (end > segment.byteSize()) {
                throw new IllegalArgumentException("a " + rows + " x " + cols + (transposed ? " transposed" : "")
                        + " matrix with ld " + ld + " at byte " + byteOffset + " needs " + end
                        + " bytes, the segment has " + segment.byteSize());
            }
        }
    }

    /** A dense row-major view: ld = cols. */
    public static Matrix of(MemorySegment segment, long byteOffset, int rows, int cols) {
        return new Matrix(segment, byteOffset, rows, cols, Math.max(1, cols), false);
    }

    /**
     * A heap array copied into new native memory: constants and tests. Native, since a heap segment reaching the
     * GEMM's vector loads beside the engine's native tensors would mix the JIT's type profiles of those loads and slow
     * every kernel that shares them.
     */
    public static Matrix copyOf(float[] values, int rows, int cols) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix needs " + (long) rows * cols
                    + " values, got " + values.length);
        }
        MemorySegment m = java.lang.foreign.Arena.ofAuto().allocate(4L * Math.max(1, values.length), 64);
        MemorySegment.copy(values, 0, m, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, values.length);
        return of(m, 0, rows, cols);
    }

    /** The logical transpose: the same memory seen as {@code cols x rows}. */
    public Matrix transpose() { return new Matrix(segment, byteOffset, cols, rows, ld, !transposed); }

    /** Bytes from element (0, 0) to the last element (0 when the view has no elements). */
    long spanBytes() {
        if (rows == 0 || cols == 0) return 0;
        long inner = transposed ? rows : cols, outer = transposed ? cols : rows;
        return 4 * ((outer - 1) * ld + inner);
    }

    /** Fails naming both views when the output {@code c} shares memory with {@code other}. */
    static void checkDisjoint(String cName, Matrix c, String otherName, Matrix other) {
        if (other != null) {
            checkDisjoint(cName, c.segment, c.byteOffset, c.spanBytes(), otherName, other.segment, other.byteOffset,
                    other.spanBytes());
        }
    }

    /** Fails naming both views when the output {@code c} shares memory with {@code other}. */
    static void checkDisjoint(String cName, MemorySegment c, String otherName, MemorySegment other) {
        if (other != null) checkDisjoint(cName, c, 0, c.byteSize(), otherName, other, 0, other.byteSize());
    }

    /**
     * Fails naming both when bytes {@code [cOff, cOff + cLen)} of {@code c} share memory with
     * {@code [oOff, oOff + oLen)} of {@code other}. Native segments are compared by address, with no allocation.
     */
    static void checkDisjoint(String cName, MemorySegment c, long cOff, long cLen, String otherName,
            MemorySegment other, long oOff, long oLen) {
        if (other == null || cLen <= 0 || oLen <= 0) return;
        boolean overlap;
        if (c.isNative() && other.isNative()) {
            long c0 = c.address() + cOff, o0 = other.address() + oOff;
            overlap = c0 < o0 + oLen && o0 < c0 + cLen;
        } else {
            overlap = c.asSlice(cOff, cLen).asOverlappingSlice(other.asSlice(oOff, oLen)).isPresent();
        }
        if (overlap) {
            throw new IllegalArgumentException(cName + " overlaps " + otherName + "; the output must not share memory"
                    + " with an input (it is written block by block while inputs are still read)");
        }
    }

    /** Byte offset of logical element (i, j). */
    long offsetOf(long i, long j) {
        return byteOffset + 4 * (transposed ? j * ld + i : i * ld + j);
    }

    float get(int i, int j) { return segment.get(FLOAT, offsetOf(i, j)); }
}
