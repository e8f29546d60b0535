package io.jengine.opencl;

import static org.jocl.CL.*;

import io.jengine.spi.DeviceMemory;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * A session's memory on an OpenCL device. The session's arena has one device buffer of its size, so an intermediate
 * lives at its memory plan's offset there as on the host; a tensor outside the arena (an input, an output, a value of
 * data-dependent size) gets a buffer of its own, found again by its host address (a view shares it) and released
 * when the run ends. A copy returns once the host's bytes may be reused by the next step: on a device with memory of
 * its own, through {@link PinnedStaging}, a copy to the device returns while its bytes are still on the way.
 */
final class OpenClMemory implements DeviceMemory {
    /** Largest single transfer: a {@code ByteBuffer} view of host memory holds at most 2 GiB. */
    private static final long CHUNK = 1L << 30;

    /**
     * {@code jengine.opencl.staging}: "pinned" or "direct" forces how copies go; by default pinned staging on a device
     * whose memory is not the host's.
     */
    static final String STAGING = "jengine.opencl.staging";

    private final OpenClDevice device;
    private final boolean staged;
    private PinnedStaging staging;
    private boolean stagingTried;
    private long arenaStart;
    private long arenaEnd;
    private cl_mem arena;
    private cl_mem scratch;
    private long scratchBytes;
    private final TreeMap<Long, Region> transients = new TreeMap<>();
    /** Constants' copies, kept for the session's life (the engine keeps their host bytes, so addresses stay). */
    private final TreeMap<Long, Region> constants = new TreeMap<>();

    private record Region(long start, long end, cl_mem mem) {}

    /** Where a tensor's device copy is: a buffer and the byte offset of the tensor's first element in it. */
    record Located(cl_mem mem, long byteOffset) {}

    OpenClMemory(OpenClDevice device) {
        this.device = device;
        String mode = System.getProperty(STAGING, "");
        this.staged = switch (mode) {
            case "pinned" -> true;
            case "direct" -> false;
            case "" -> !device.info().hostUnified();
            default -> throw new OpenClException(device.name(), "-D" + STAGING + " takes pinned or direct, got '" + mode
                    + "'");
        };
    }

    /** The pinned staging this session copies through, opened on first use; null when copies go directly. */
    private PinnedStaging staging() {
        if (staged && !stagingTried) {
            stagingTried = true;
            staging = PinnedStaging.open(device);
        }
        return staging;
    }

    /** Whether this session's copies go through pinned host memory. */
    boolean pinned() { return staging() != null; }

    OpenClDevice device() { return device; }

    @Override
    public void attachArena(MemorySegment memory) {
        OpenClDevice.release(arena);
        arena = null;
        arenaStart = arenaEnd = 0;
        if (memory == null || memory.byteSize() == 0) return;
        arena = allocate(memory.byteSize(), "the session's arena");
        arenaStart = memory.address();
        arenaEnd = arenaStart + memory.byteSize();
    }

    /** The device copy of {@code t}, made (uninitialised) on first sight of its host bytes. */
    Located locate(Tensor t) {
        long addr = t.data().address();
        long end = addr + Math.max(1, t.byteSize());
        if (arena != null && addr >= arenaStart && end <= arenaEnd) return new Located(arena, addr - arenaStart);
        Map.Entry<Long, Region> k = constants.floorEntry(addr);
        if (k != null && end <= k.getValue().end()) return new Located(k.getValue().mem(), addr - k.getKey());
        Map.Entry<Long, Region> e = transients.floorEntry(addr);
        if (e != null && end <= e.getValue().end()) return new Located(e.getValue().mem(), addr - e.getKey());
        // host memory reused for a larger value (an earlier one was freed): its old device buffers go
        while (true) {
            Map.Entry<Long, Region> overlap = transients.lowerEntry(end);
            if (overlap == null || overlap.getValue().end() <= addr) break;
            OpenClDevice.release(overlap.getValue().mem());
            transients.remove(overlap.getKey());
        }
        cl_mem mem = allocate(end - addr, t.describe());
        transients.put(addr, new Region(addr, end, mem));
        return new Located(mem, 0);
    }

    @Override
    public void toDevice(Tensor t) { copy(t, true); }

    @Override
    public void constantToDevice(Tensor t) {
        long bytes = t.byteSize();
        if (bytes == 0) return;
        long addr = t.data().address();
        Map.Entry<Long, Region> k = constants.floorEntry(addr);
        if (k != null && addr + bytes <= k.getValue().end()) return;
        cl_mem mem = allocate(bytes, "constant " + t.describe());
        constants.put(addr, new Region(addr, addr + bytes, mem));
        toDevice(t);
    }

    @Override
    public void toHost(Tensor t) { copy(t, false); }

    /** Copies {@code t}'s bytes to its device copy ({@code toDevice}) or back. */
    private void copy(Tensor t, boolean toDevice) {
        long bytes = t.byteSize();
        if (bytes == 0) return;
        Located at = locate(t);
        copy(t.data().asSlice(0, bytes), at.mem(), at.byteOffset(), toDevice, t.describe());
    }

    /**
     * Copies {@code host} to {@code mem} at {@code offset} or back: through the pinned staging where this session has
     * one, else directly, blocking, in chunks a buffer view holds.
     */
    void copy(MemorySegment host, cl_mem mem, long offset, boolean toDevice, String what) {
        long bytes = host.byteSize();
        try {
            PinnedStaging via = staging();
            if (via != null) {
                if (toDevice) via.toDevice(host, mem, offset);
                else via.toHost(mem, offset, host);
                return;
            }
            for (long off = 0; off < bytes; off += CHUNK) {
                long n = Math.min(CHUNK, bytes - off);
                Pointer p = Pointer.to(host.asSlice(off, n).asByteBuffer());
                if (toDevice) clEnqueueWriteBuffer(device.queue(), mem, CL_TRUE, offset + off, n, p, 0, null, null);
                else clEnqueueReadBuffer(device.queue(), mem, CL_TRUE, offset + off, n, p, 0, null, null);
            }
        } catch (CLException e) {
            throw new OpenClException(device.name(), device.name() + ": copying " + what + " (" + bytes + " bytes) "
                    + (toDevice ? "to the device" : "from the device (an earlier kernel may have failed)")
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A device buffer of at least {@code bytes} for a kernel's intermediate (attention's scores), kept for the session
     * and shared by its kernels one after another (the queue runs them in order).
     */
    cl_mem scratch(long bytes) {
        if (scratch == null || scratchBytes < bytes) {
            OpenClDevice.release(scratch);
            scratch = null;
            scratch = allocate(Math.max(4, bytes), "scratch");
            scratchBytes = bytes;
        }
        return scratch;
    }

    @Override
    public void finish() { device.finish(); }

    /** The events of this session's launches while its kernels are timed; null when they are not. */
    private List<cl_event> timed;

    /** Runs {@code launches}, their events recorded for {@link #kernelSeconds} while this session times its kernels. */
    void recording(Runnable launches) {
        if (timed == null) {
            launches.run();
            return;
        }
        ClKernel.TIMED.set(timed);
        try {
            launches.run();
        } finally {
            ClKernel.TIMED.remove();
        }
    }

    @Override
    public boolean timeKernels(boolean on) {
        if (timed != null) releaseEvents();
        timed = on ? new ArrayList<>() : null;
        return true;
    }

    @Override
    public double kernelSeconds() {
        if (timed == null) return Double.NaN;
        device.finish();
        long[] start = new long[1], end = new long[1];
        double seconds = 0;
        try {
            for (cl_event e : timed) {
                clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
                clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
                seconds += (end[0] - start[0]) / 1e9;
            }
        } catch (CLException e) {
            throw new OpenClException(device.name(), device.name() + ": reading a kernel's profiling times failed: "
                    + e.getMessage(), e);
        } finally {
            releaseEvents();
        }
        return seconds;
    }

    private void releaseEvents() {
        for (cl_event e : timed) {
            try {
                clReleaseEvent(e);
            } catch (CLException ignored) {
                // gone with its device
            }
        }
        timed.clear();
    }

    @Override
    public void endRun() {
        for (Region r : transients.values()) OpenClDevice.release(r.mem());
        transients.clear();
    }

    @Override
    public void close() {
        if (timed != null) timeKernels(false);
        if (staging != null) staging.close();
        staging = null;
        endRun();
        for (Region r : constants.values()) OpenClDevice.release(r.mem());
        constants.clear();
        OpenClDevice.release(arena);
        arena = null;
        OpenClDevice.release(scratch);
        scratch = null;
    }

    private cl_mem allocate(long bytes, String what) {
        if (bytes > device.info().maxAllocBytes()) {
            throw new OpenClException(device.name(), device.name() + " (" + device.info().name() + "): " + what + " needs " + bytes
                    + " bytes, more than the device's largest allocation (" + device.info().maxAllocBytes()
                    + " bytes)");
        }
        try {
            return clCreateBuffer(device.context(), CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            throw allocationError(device, bytes, e);
        }
    }

    static OpenClException allocationError(OpenClDevice device, long bytes, CLException e) {
        return OpenClException.refused(device.name(), device.name() + " (" + device.info().name() + ") is out of memory: allocating "
                + bytes + " bytes failed (" + e.getMessage() + "; the device has " + device.info().globalMemBytes()
                + " bytes)", e);
    }
}
