package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** Type-agnostic element moves: the raw bytes of one element, or its string. */
final class Elements {
    private Elements() {}

    /** Copies element {@code from} of {@code src} to element {@code to} of {@code dst} (same element type). */
    static void copy(Tensor src, long from, Tensor dst, long to) {
        if (src.dtype() == DType.STRING) {
            dst.setString(to, src.getString(from));
            return;
        }
        int w = src.dtype().byteSize();
        MemorySegment.copy(src.data(), from * w, dst.data(), to * w, w);
    }

    /** Copies {@code count} consecutive elements. */
    static void copyRange(Tensor src, long from, Tensor dst, long to, long count) {
        if (src.dtype() == DType.STRING) {
            for (long i = 0; i < count; i++) dst.setString(to + i, src.getString(from + i));
            return;
        }
        int w = src.dtype().byteSize();
        MemorySegment.copy(src.data(), from * w, dst.data(), to * w, count * w);
    }
}
