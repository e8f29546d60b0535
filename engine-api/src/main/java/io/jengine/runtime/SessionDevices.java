package io.jengine.runtime;

import io.jengine.spi.Device;
import io.jengine.spi.DeviceMemory;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A session's memory on the devices its plan runs kernels on, opened on first use; each mirrors the session's
 * arena. Used by the session's one thread at a time.
 */
final class SessionDevices implements AutoCloseable {
    private final Map<Device, DeviceMemory> open = new IdentityHashMap<>();
    private MemorySegment arena;

    DeviceMemory memory(Device device) {
        DeviceMemory m = open.get(device);
        if (m == null) {
            m = device.openMemory();
            m.attachArena(arena);
            open.put(device, m);
        }
        return m;
    }

    /** The session's arena changed (a new plan): every device mirrors the new one. */
    void attachArena(MemorySegment memory) {
        arena = memory;
        for (DeviceMemory m : open.values()) m.attachArena(memory);
    }

    /** Releases what each device held for the run that ended. */
    void endRun() {
        for (DeviceMemory m : open.values()) m.endRun();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (DeviceMemory m : open.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        open.clear();
        if (first != null) throw first;
    }
}
