package io.jengine.errors;

/**
 * A device failed a call (an OpenCL status, a device out of memory). {@link #lost()} says whether the device is gone
 * for this process's purposes (it has fallen off the bus, its context or queue is no longer valid, a kernel fault
 * left it unusable) rather than refusing one request: an engine then stops planning on it and runs on the host from
 * its next run.
 */
public class DeviceException extends EngineException {
    private final String device;
    private final boolean lost;

    public DeviceException(String device, String message, boolean lost, Throwable cause) {
        super(message, cause);
        this.device = device;
        this.lost = lost;
    }

    /** The device's name, e.g. "opencl:0". */
    public String device() { return device; }

    /** Whether the device can no longer be used (as opposed to one call it refused). */
    public boolean lost() { return lost; }
}
