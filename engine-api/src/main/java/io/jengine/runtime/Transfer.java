package io.jengine.runtime;

import io.jengine.spi.Device;

/**
 * A copy the plan makes between the host and a device, before a step or at the end of a run: the value in
 * {@code slot} is read where its current bytes are not (a partition boundary).
 *
 * @param toDevice true: host → {@code device}; false: {@code device} → host
 * @param constant a graph constant, copied once per session and kept on the device
 */
record Transfer(int slot, Device device, boolean toDevice, boolean constant) {
    @Override
    public String toString() { return (toDevice ? "host → " : device.name() + " → ") + (toDevice ? device.name() : "host"); }
}
