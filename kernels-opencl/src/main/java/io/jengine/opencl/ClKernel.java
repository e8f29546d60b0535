package io.jengine.opencl;

import static org.jocl.CL.*;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One kernel function of a built program. A launch sets every argument and enqueues under the kernel's lock, since
 * an OpenCL kernel object holds its arguments and is shared by every session on the device.
 */
final class ClKernel {
    /**
     * Where the launches of this thread record their events while a session times its kernels
     * ({@link OpenClMemory#timeKernels}); null otherwise, and then a launch makes no event.
     */
    static final ThreadLocal<java.util.List<cl_event>> TIMED = new ThreadLocal<>();

    private final OpenClDevice device;
    private final String function;
    private final cl_kernel kernel;

    ClKernel(OpenClDevice device, String function, cl_program program) {
        this.device = device;
        this.function = function;
        try {
            this.kernel = clCreateKernel(program, function, null);
        } catch (CLException e) {
            throw new OpenClException(device.name(), device.name() + ": kernel '" + function + "' not found in its program: "
                    + e.getMessage(), e);
        }
    }

    /** The most work-items per group this compiled kernel can run on its device (its registers and local memory). */
    long maxWorkItems() { return workGroupInfo(CL_KERNEL_WORK_GROUP_SIZE); }

    /** The multiple of work-items the device schedules this kernel in (its warp or wavefront, as the driver says). */
    long preferredMultiple() { return workGroupInfo(CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE); }

    private long workGroupInfo(int param) {
        long[] v = new long[1];
        try {
            clGetKernelWorkGroupInfo(kernel, device.id(), param, Sizeof.size_t, Pointer.to(v), null);
        } catch (CLException e) {
            throw new OpenClException(device.name(), device.name() + ": querying kernel '" + function + "' failed: "
                    + e.getMessage(), e);
        }
        return v[0];
    }

    /**
     * Enqueues the kernel over {@code global} work-items in work-groups of {@code local} (null: the driver chooses);
     * {@code global} is rounded up to a multiple of {@code local}. Arguments: {@code cl_mem}, Integer (int), Long
     * (long / ulong), Float.
     */
    void launch(long[] global, long[] local, Object... args) {
        long[] g = global.clone();
        for (int i = 0; i < g.length; i++) {
            if (g[i] == 0) return; // nothing to compute
            if (local != null) g[i] = (g[i] + local[i] - 1) / local[i] * local[i];
        }
        synchronized (this) {
            try {
                for (int i = 0; i < args.length; i++) {
                    switch (args[i]) {
                        case cl_mem m -> clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m));
                        case Integer v -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                        case Long v -> clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {v}));
                        case Float v -> clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                        default -> throw new IllegalArgumentException("kernel argument " + i + " of '" + function
                                + "' has unsupported type " + args[i].getClass().getSimpleName());
                    }
                }
                java.util.List<cl_event> timed = TIMED.get();
                cl_event event = timed == null ? null : new cl_event();
                clEnqueueNDRangeKernel(device.queue(), kernel, g.length, null, g, local, 0, null, event);
                if (event != null) timed.add(event);
            } catch (CLException e) {
                throw new OpenClException(device.name(), device.name() + ": launching kernel '" + function + "' failed: "
                        + e.getMessage(), e);
            }
        }
    }
}
