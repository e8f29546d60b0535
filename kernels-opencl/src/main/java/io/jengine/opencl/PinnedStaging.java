package io.jengine.opencl;

import static org.jocl.CL.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * Copies between a session's host memory and a discrete device through pinned host memory: a buffer the driver places
 * in host memory its DMA engine reads directly ({@code CL_MEM_ALLOC_HOST_PTR}), mapped once for the session's life.
 * From ordinary (pageable) memory a driver must first copy into its own pinned buffer and wait, so a write cannot
 * overlap anything; here the host copies a chunk into one half of the staging buffer and enqueues its write without
 * waiting, fills the other half meanwhile, and reuses a half only once its write is done. The kernels queued after a
 * write run after it (the queue is in order), while the host goes on to the next step. A copy back reads into a half
 * and copies out.
 */
final class PinnedStaging implements AutoCloseable {
    /** Both halves together: large enough that a chunk's fixed cost is small against its bytes. */
    static final long BYTES = 16L << 20;

    private final OpenClDevice device;
    private final cl_mem buffer;
    private final ByteBuffer mapped;
    private final MemorySegment host;
    private final long half;
    private final cl_event[] pending = new cl_event[2];
    private int next;

    private PinnedStaging(OpenClDevice device, cl_mem buffer, ByteBuffer mapped, long half) {
        this.device = device;
        this.buffer = buffer;
        this.mapped = mapped;
        this.host = MemorySegment.ofBuffer(mapped);
        this.half = half;
    }

    /**
     * Pinned staging for {@code device}, or null when the driver cannot give the buffer (out of pinned memory): the
     * copies then go directly, only slower.
     */
    static PinnedStaging open(OpenClDevice device) {
        long bytes = Math.min(BYTES, device.info().maxAllocBytes()) & ~4095L;
        if (bytes < 8192) return null;
        cl_mem mem = null;
        try {
            mem = clCreateBuffer(device.context(), CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, bytes, null, null);
            ByteBuffer b = clEnqueueMapBuffer(device.queue(), mem, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, bytes, 0,
                    null, null, null);
            return new PinnedStaging(device, mem, b, bytes / 2);
        } catch (CLException e) {
            OpenClDevice.release(mem);
            return null;
        }
    }

    /** Copies {@code src} to {@code dst} at {@code offset}; returns once the bytes are staged, not yet on the device. */
    void toDevice(MemorySegment src, cl_mem dst, long offset) {
        inChunks(src.byteSize(), (h, pos, staged) -> {
            MemorySegment.copy(src, pos, staged, 0, staged.byteSize());
            cl_event done = new cl_event();
            clEnqueueWriteBuffer(device.queue(), dst, CL_FALSE, offset + pos, staged.byteSize(),
                    Pointer.to(staged.asByteBuffer()), 0, null, done);
            pending[h] = done;
        });
    }

    /** Copies {@code dst.byteSize()} bytes from {@code src} at {@code offset} into {@code dst}, waiting for them. */
    void toHost(cl_mem src, long offset, MemorySegment dst) {
        inChunks(dst.byteSize(), (h, pos, staged) -> {
            clEnqueueReadBuffer(device.queue(), src, CL_TRUE, offset + pos, staged.byteSize(),
                    Pointer.to(staged.asByteBuffer()), 0, null, null);
            MemorySegment.copy(staged, 0, dst, pos, staged.byteSize());
        });
    }

    private interface Chunk {
        void copy(int half, long position, MemorySegment staged);
    }

    /** Runs {@code chunk} for each half-sized piece of {@code bytes}, halves alternating, each free when its turn comes. */
    private void inChunks(long bytes, Chunk chunk) {
        for (long pos = 0; pos < bytes; pos += half) {
            int h = next;
            next ^= 1;
            await(h);
            chunk.copy(h, pos, host.asSlice(h * half, Math.min(half, bytes - pos)));
        }
    }

    /** Waits until the write from half {@code h} is done, so the half may be filled again. */
    private void await(int h) {
        cl_event e = pending[h];
        if (e == null) return;
        pending[h] = null;
        try {
            clWaitForEvents(1, new cl_event[] {e});
        } finally {
            clReleaseEvent(e);
        }
    }

    @Override
    public void close() {
        try {
            await(0);
            await(1);
            clEnqueueUnmapMemObject(device.queue(), buffer, mapped, 0, null, null);
            device.finish();
        } catch (CLException | OpenClException e) {
            // the device is gone: its memory with it
        } finally {
            OpenClDevice.release(buffer);
        }
    }
}
