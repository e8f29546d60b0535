package io.jengine.cpu.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The calling thread's float buffers for the integer layers cpu-simd computes in float: the dequantized source, the
 * dequantized residual and the float result before requantization. Grown on demand and kept for the thread's life,
 * as {@link GemmScratch} is, so that a run allocates nothing once the largest layer has been seen; per thread, since
 * a kernel may run on several sessions' threads at once. A kernel holds them only while it runs.
 */
final class QuantizedScratch {
    private static final ThreadLocal<MemorySegment> SOURCE = new ThreadLocal<>(), RESIDUAL = new ThreadLocal<>(),
            RESULT = new ThreadLocal<>();

    private QuantizedScratch() {}

    /** At least {@code floats} floats for the dequantized source (a convolution's input, a product's A). */
    static MemorySegment source(long floats) { return atLeast(SOURCE, floats); }

    /** At least {@code floats} floats for the dequantized residual. */
    static MemorySegment residual(long floats) { return atLeast(RESIDUAL, floats); }

    /** At least {@code floats} floats for the result before it is quantized. */
    static MemorySegment result(long floats) { return atLeast(RESULT, floats); }

    private static MemorySegment atLeast(ThreadLocal<MemorySegment> mine, long floats) {
        MemorySegment s = mine.get();
        if (s == null || s.byteSize() < 4 * floats) {
            s = Arena.ofAuto().allocate(Math.max(4, 4 * floats), 64);
            mine.set(s);
        }
        return s;
    }
}
