package io.jengine.opencl;

import static org.jocl.CL.*;

import io.jengine.spi.Device;
import io.jengine.spi.DeviceHardware;
import io.jengine.spi.DeviceMemory;
import io.jengine.spi.TacticDeclinedException;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * One OpenCL device: its context and in-order command queue (made on first use and kept for the process), the
 * programs compiled for it ({@link ProgramCache}) and their kernels. Sessions' memories and every plan's kernels on
 * the device share them; enqueueing is thread-safe, and each kernel object serialises the setting of its arguments
 * with its launch.
 */
final class OpenClDevice implements Device {
    private final int index;
    private final cl_platform_id platform;
    private final cl_device_id id;
    private final DeviceInfo info;
    private cl_context context;
    private cl_command_queue queue;
    private ProgramCache programs;
    private final Map<String, ClKernel> kernels = new HashMap<>();

    OpenClDevice(int index, cl_platform_id platform, cl_device_id id, DeviceInfo info) {
        this.index = index;
        this.platform = platform;
        this.id = id;
        this.info = info;
    }

    @Override
    public String name() { return "opencl:" + index; }

    @Override
    public String description() {
        return info.name() + " (" + info.type() + "; " + info.platform() + ", " + info.version() + ", driver "
                + info.driver() + "; " + info.computeUnits() + " compute units, " + (info.globalMemBytes() >> 20)
                + " MiB" + (info.hasFp16() ? ", fp16" : "") + ")";
    }

    DeviceInfo info() { return info; }

    private DeviceHardware hardware;

    /** Measured once per process (and cached on disk by {@link DevicePeaks}). */
    @Override
    public synchronized DeviceHardware hardware() {
        if (hardware == null) hardware = DevicePeaks.of(this);
        return hardware;
    }

    cl_device_id id() { return id; }

    @Override
    public DeviceMemory openMemory() { return new OpenClMemory(this); }

    synchronized cl_context context() {
        if (context == null) {
            try {
                cl_context_properties props = new cl_context_properties();
                props.addProperty(CL_CONTEXT_PLATFORM, platform);
                context = clCreateContext(props, 1, new cl_device_id[] {id}, null, null, null);
                // Profiling on: the tuner times kernels by the device's clock (its events); a launch made without an
                // event costs nothing more.
                queue = clCreateCommandQueue(context, id, CL_QUEUE_PROFILING_ENABLE, null);
            } catch (CLException e) {
                throw new OpenClException(name(), name() + " (" + info.name() + "): could not create a context and queue: "
                        + e.getMessage(), e);
            }
        }
        return context;
    }

    synchronized cl_command_queue queue() {
        context();
        return queue;
    }

    /** The kernel {@code function} of the program built from {@code sources} (resource names), built on first use. */
    ClKernel kernel(String function, String... sources) {
        return kernel(function, String.join(",", sources), () -> programs().program(sources));
    }

    /**
     * {@code gemm.cl}'s {@code function} built for {@code tiling}, one program per tiling; declined when the compiled
     * kernel cannot run a work-group that large on this device (its registers or local memory).
     */
    ClKernel tiledKernel(String function, ClTiling tiling) { return tiledKernel(function, tiling, ""); }

    /** As {@link #tiledKernel(String, ClTiling)}, built with these {@code #define}s too (e.g. HALF_WEIGHTS). */
    ClKernel tiledKernel(String function, ClTiling tiling, String variant) {
        if (doubleBuffered(tiling)) variant = "#define DOUBLE_BUFFER\n" + variant;
        String key = "gemm.cl#" + function + "@" + tiling + (variant.isEmpty() ? "" : "+" + variant.strip().replace('\n', ' '));
        String defines = tiling.defines() + variant + "#define TILED_ONLY\n#define TILED_ONLY_" + function + "\n";
        ClKernel k = kernel(function, key, () -> programs().program(key, defines + ProgramCache.resource("gemm.cl")));
        long most = k.maxWorkItems();
        if (most < tiling.workItems()) {
            throw new TacticDeclinedException(name() + ": " + function + " with tiling " + tiling + " needs groups of "
                    + tiling.workItems() + " work-items; compiled, it runs at most " + most + " here");
        }
        return k;
    }

    /**
     * Whether {@code gemm.cl}'s kernels stage K in two local buffers for this tiling, one barrier per K step instead
     * of two: where both fit the device's local memory, on a GPU, whose resident groups then overlap one's staging
     * with another's products instead of all meeting at the second barrier. A CPU device (PoCL) runs a group's
     * work-items as loops between barriers and gains nothing (SGEMM 1024^3 there: 189-192 against 181-186 ms).
     * {@code -Djengine.opencl.doubleBuffer=true|false} decides it for every device.
     */
    boolean doubleBuffered(ClTiling tiling) {
        if (2 * tiling.localBytes() > info.localMemBytes()) return false;
        String forced = System.getProperty(DOUBLE_BUFFER);
        return forced == null ? info.type().equals("gpu") : Boolean.parseBoolean(forced);
    }

    /** The system property that forces double buffering on or off ({@link #doubleBuffered}). */
    static final String DOUBLE_BUFFER = "jengine.opencl.doubleBuffer";

    /** The kernel {@code function} of a program generated at plan time, built once per distinct source. */
    ClKernel generatedKernel(String function, String source) {
        String key = "generated:" + source.hashCode() + ":" + source.length();
        return kernel(function, key, () -> programs().program(key, source));
    }

    private synchronized ClKernel kernel(String function, String program, java.util.function.Supplier<cl_program> build) {
        String key = program + "#" + function;
        ClKernel k = kernels.get(key);
        if (k == null) {
            k = new ClKernel(this, function, build.get());
            kernels.put(key, k);
        }
        return k;
    }

    private synchronized ProgramCache programs() {
        if (programs == null) programs = new ProgramCache(this);
        return programs;
    }

    /** A read-only device buffer holding {@code bytes} (kernel metadata, packed weights), freed with {@link #release}. */
    cl_mem constant(byte[] bytes) {
        try {
            return clCreateBuffer(context(), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, Math.max(1, bytes.length),
                    Pointer.to(bytes.length == 0 ? new byte[1] : bytes), null);
        } catch (CLException e) {
            throw OpenClMemory.allocationError(this, bytes.length, e);
        }
    }

    /** A device buffer that kernels may write, initialised with {@code bytes}, freed with {@link #release}. */
    cl_mem writable(byte[] bytes) {
        try {
            return clCreateBuffer(context(), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes.length, Pointer.to(bytes), null);
        } catch (CLException e) {
            throw OpenClMemory.allocationError(this, bytes.length, e);
        }
    }

    /** Frees a buffer; on a device that is gone the call may fail, and the buffer is gone with the device anyway. */
    static void release(cl_mem m) {
        if (m == null) return;
        try {
            clReleaseMemObject(m);
        } catch (CLException e) {
            // nothing left to free
        }
    }

    /**
     * Fault injection: from now on this device's queue is invalid, as a device that has fallen off the bus leaves
     * it (every enqueue fails with CL_INVALID_COMMAND_QUEUE); returns the real queue for {@link #restoreQueue}.
     */
    synchronized cl_command_queue invalidateQueue() {
        context();
        cl_command_queue real = queue;
        queue = new cl_command_queue();
        return real;
    }

    /** Undoes {@link #invalidateQueue}. */
    synchronized void restoreQueue(cl_command_queue real) { queue = real; }

    /** Waits for everything queued on the device. */
    void finish() {
        try {
            clFinish(queue());
        } catch (CLException e) {
            throw new OpenClException(name(), name() + ": a queued kernel failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() { return name(); }
}
