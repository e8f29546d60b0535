package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;

/** The size checks every kernel of this package makes on its segments before touching them. */
final class Segments {
    private Segments() {}

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
