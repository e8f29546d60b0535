package io.jengine.spi;

/**
 * A compute device with memory of its own (a GPU through OpenCL, an FPGA), named {@code KIND:INDEX} ("opencl:0").
 * The kernels of a backend bound to a device ({@link Backend#device()}) read and write device-resident copies of
 * their tensors; the plan moves bytes between host and device only where a value crosses from one to the other (a
 * partition boundary), through each session's {@link DeviceMemory}.
 */
public interface Device {
    /** {@code KIND:INDEX}, as {@code --device} and plans name it. */
    String name();

    /** What the device is, for {@code engine devices} and errors: model, platform, driver. */
    String description();

    /** A session's memory on this device; the session closes it. */
    DeviceMemory openMemory();

    /**
     * For a simulated device: the seconds one copy of {@code bytes} between host and device takes over its link
     * (latency and bandwidth), by its model; NaN (the default) for a real device, whose copies are measured.
     */
    default double transferSeconds(long bytes) { return Double.NaN; }

    /**
     * The device's parallel hardware, measured peaks included, for the tuner to construct and rank tilings of its
     * kernels; null (the default) where the device does not say. May take a moment the first time (the peaks are
     * measured, then cached).
     */
    default DeviceHardware hardware() { return null; }
}
