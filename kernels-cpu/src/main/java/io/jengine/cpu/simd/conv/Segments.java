package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * How the kernels of this package touch their segments: every size checked before any access, then rows copied into
 * the kernels' working arrays.
 */
final class Segments {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Segments() {}

    /**
     * {@code n} floats from {@code src} at byte offset {@code off} into {@code dst[at..]}: vector by vector, since
     * MemorySegment.copy into an array costs more in argument checks than a short row costs to move. The caller has
     * checked the segment's size.
     */
    static void copyRow(MemorySegment src, long off, float[] dst, int at, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector.fromMemorySegment(S, src, off + (long) i * Float.BYTES, ORDER).intoArray(dst, at + i);
        }
        for (; i < n; i++) dst[at + i] = src.get(FLOAT, off + (long) i * Float.BYTES);
    }

    /** Fails unless {@code seg} holds at least {@code floats} floats. */
    static void require(String what, MemorySegment seg, long floats) {
        if (seg == null) throw new IllegalArgumentException(what + " segment is null");
        if (seg.byteSize() < floats * Float.BYTES) {
            throw new IllegalArgumentException(what + " segment holds " + seg.byteSize() + " bytes, expected at least "
                    + floats + " floats (" + floats * Float.BYTES + " bytes)");
        }
    }

    /** A residual must come exactly when the epilogue adds one, and cover the output. */
    static void requireResidual(Epilogue epilogue, MemorySegment residual, long floats) {
        if (epilogue.hasResidual()) {
            require("residual", residual, floats);
        } else if (residual != null) {
            throw new IllegalArgumentException("a residual segment was given but the epilogue adds none");
        }
    }
}
