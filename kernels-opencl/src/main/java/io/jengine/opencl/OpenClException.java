package io.jengine.opencl;

import static org.jocl.CL.CL_DEVICE_NOT_AVAILABLE;
import static org.jocl.CL.CL_INVALID_COMMAND_QUEUE;
import static org.jocl.CL.CL_INVALID_CONTEXT;
import static org.jocl.CL.CL_INVALID_DEVICE;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;

import io.jengine.errors.DeviceException;
import java.util.Set;
import org.jocl.CLException;

/** An OpenCL call that failed, named with its device and the status the driver returned. */
final class OpenClException extends DeviceException {
    /**
     * Statuses after which the device is treated as gone: it is not available, its context or queue is invalid, or
     * (NVIDIA's way of reporting a kernel that faulted, and -9999 for an illegal address) the context is unusable.
     */
    private static final Set<Integer> LOST = Set.of(CL_DEVICE_NOT_AVAILABLE, CL_INVALID_DEVICE, CL_INVALID_CONTEXT,
            CL_INVALID_COMMAND_QUEUE, CL_OUT_OF_RESOURCES, -9999);

    OpenClException(String device, String message) { super(device, message, false, null); }

    OpenClException(String device, String message, Throwable cause) { super(device, message, lost(cause), cause); }

    /** A failure that says nothing about the device's health (a buffer it could not allocate). */
    static OpenClException refused(String device, String message, Throwable cause) {
        return new OpenClException(device, message, cause, false);
    }

    private OpenClException(String device, String message, Throwable cause, boolean lost) {
        super(device, message, lost, cause);
    }

    static boolean lost(Throwable cause) {
        return cause instanceof CLException e && LOST.contains(e.getStatus());
    }
}
