package io.jengine.spi;

import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * One session's memory on a {@link Device}: a device-resident copy of every tensor a device kernel touches, found by
 * the tensor's host address. The session's arena (the memory plan's intermediates) is mirrored by one device buffer
 * of the same size, so intermediates keep the plan's offsets and lifetimes on the device too; other tensors (inputs,
 * outputs, values of dynamic size) get buffers that last until the run ends. Used by one thread at a time, like its
 * session.
 */
public interface DeviceMemory extends AutoCloseable {
    /** The session's arena on the host (null when it has none): intermediates placed in it get device memory at the same offsets. */
    void attachArena(MemorySegment arena);

    /** Copies the host bytes of {@code t} to its device copy: the host holds the current value. */
    void toDevice(Tensor t);

    /**
     * Makes a device copy of a constant (a weight the graph holds) once for the session's life: constants never
     * change, so later calls find it there and copy nothing.
     */
    void constantToDevice(Tensor t);

    /** Copies the device copy of {@code t} to its host bytes: a device kernel produced the current value. */
    void toHost(Tensor t);

    /** Waits until every queued device command of this session has finished (for timing a layer). */
    void finish();

    /**
     * Starts (or stops) timing the kernels this session enqueues on the device's own clock (profiling events), so that
     * a layer is timed without the host's launch and wait around it; false where the device cannot.
     */
    default boolean timeKernels(boolean on) { return false; }

    /**
     * Waits for the kernels enqueued since the last call and answers the seconds the device spent running them, by
     * its own clock; NaN when kernels are not being timed ({@link #timeKernels}).
     */
    default double kernelSeconds() { return Double.NaN; }

    /** The run is over: device buffers of tensors outside the arena are released. */
    void endRun();

    /** Releases everything, the arena's mirror included. */
    @Override
    void close();
}
