package io.jengine.fpgastub;

import io.jengine.spi.Device;
import io.jengine.spi.DeviceMemory;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A simulated card, {@code fpga-stub:N}, described by a {@link FpgaPart}. Its memory is the host's: the kernels compute
 * on the host tensors with the engine's reference kernels, so copies move nothing and only count in the simulated
 * time, by the part's link model ({@link #transferSeconds}).
 */
record FpgaDevice(String name, FpgaPart part, String source) implements Device {
    @Override
    public String description() {
        return "simulated FPGA: " + part.name() + ", " + part.bufferBytes() / 1024 + " KiB buffer, DDR " + part.ddrGBps()
                + " GB/s, link " + part.linkGBps() + " GB/s + " + part.linkLatencyUs() + " us (" + source + ")";
    }

    @Override
    public DeviceMemory openMemory() { return HOST_MEMORY; }

    @Override
    public double transferSeconds(long bytes) { return part.transferSeconds(bytes); }

    /** The host's memory standing for the card's: every copy is a no-op, the host bytes always current. */
    private static final DeviceMemory HOST_MEMORY = new DeviceMemory() {
        @Override
        public void attachArena(MemorySegment arena) {}

        @Override
        public void toDevice(Tensor t) {}

        @Override
        public void constantToDevice(Tensor t) {}

        @Override
        public void toHost(Tensor t) {}

        @Override
        public void finish() {}

        @Override
        public void endRun() {}

        @Override
        public void close() {}
    };
}
