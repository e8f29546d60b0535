package io.jengine.cpu.nativelib;

import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import java.lang.ref.Cleaner;

/**
 * A kernel holding native resources (oneDNN primitives, their reordered weights): freed by {@link #close} when its
 * engine closes, or, for a kernel nobody closes (one the tuner timed and dropped), when the garbage collector finds it
 * unreachable. Either way the release runs once.
 */
final class ReleasableKernel implements Kernel {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Kernel kernel;
    private final Cleaner.Cleanable cleanable;

    private ReleasableKernel(Kernel kernel, Runnable release) {
        this.kernel = kernel;
        // the action holds the resource, never this wrapper, so that the wrapper can become unreachable
        this.cleanable = CLEANER.register(this, release);
    }

    /** {@code kernel}, with {@code release} freeing what it holds. */
    static Kernel of(Kernel kernel, Runnable release) { return new ReleasableKernel(kernel, release); }

    @Override
    public void run(KernelContext ctx) { kernel.run(ctx); }

    @Override
    public int inPlaceInput() { return kernel.inPlaceInput(); }

    @Override
    public int viewOf() { return kernel.viewOf(); }

    @Override
    public boolean compiledByJit() { return kernel.compiledByJit(); }

    @Override
    public java.util.List<io.jengine.spi.PackedPart> packed() { return kernel.packed(); }

    @Override
    public void close() { cleanable.clean(); }
}
