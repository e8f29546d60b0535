package io.jengine.cpu.simd;

import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A one-input data movement (Transpose, Slice) prepared for fixed shapes: checks the input against the plan and runs
 * the move into the planned output. Never in place: a moved element may land where another is still to be read.
 */
record MoveKernel(DType dtype, long[] inShape, long[] outShape, Move move) implements Kernel {
    /** The prepared move, from byte {@code xOff} of x to byte {@code yOff} of y. */
    @FunctionalInterface
    interface Move {
        void run(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads);
    }

    @Override
    public void run(KernelContext ctx) {
        Tensor x = PlannedShapes.input(ctx, 0, dtype, inShape);
        Tensor y = ctx.output(0, dtype, outShape);
        move.run(x.data(), 0, y.data(), 0, ctx.threads());
    }
}
