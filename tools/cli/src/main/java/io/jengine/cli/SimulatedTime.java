package io.jengine.cli;

import io.jengine.ir.Graph;
import io.jengine.runtime.Engine;
import io.jengine.spi.Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan's time on a simulated device (an accelerator modelled, not present: {@link Device#transferSeconds} is a
 * number): each layer the device runs at its kernel's modelled time, and each copy per run over the device's link.
 * {@code inspect} prints it; {@code bench} adds the host layers' measured times for the simulated end-to-end latency.
 */
record SimulatedTime(String device, List<Layer> layers, double deviceSeconds, int copies, long copyBytes,
                     double linkSeconds) {
    record Layer(String name, String tactic, double seconds) {}

    /** The plan's simulated figures on {@code device}, or null when the device is not simulated. */
    static SimulatedTime of(Engine.DevicePlan plan, Graph typed, Device device) {
        if (device == null || Double.isNaN(device.transferSeconds(0))) return null;
        List<Layer> layers = new ArrayList<>();
        double compute = 0;
        for (Engine.DevicePlan.Step s : plan.steps()) {
            if (!s.device().equals(device.name())) continue;
            layers.add(new Layer(s.node().name(), s.tactic(), s.simulatedSeconds()));
            if (!Double.isNaN(s.simulatedSeconds())) compute += s.simulatedSeconds();
        }
        int copies = 0;
        long bytes = 0;
        double link = 0;
        for (Engine.DevicePlan.Copy c : plan.copies()) {
            if (c.once() || !(c.from().equals(device.name()) || c.to().equals(device.name()))) continue;
            long b = DevicePartitions.bytes(typed, c.value());
            copies++;
            bytes += b;
            link += device.transferSeconds(b);
        }
        return new SimulatedTime(device.name(), List.copyOf(layers), compute, copies, bytes, link);
    }

    /**
     * The simulated end-to-end latency in ms: the device's layers and copies as modelled, every other layer at its
     * measured time ({@code hostMs}: layer name to ms per run).
     */
    double endToEndMs(Map<String, Double> hostMs) {
        double host = 0;
        java.util.Set<String> onDevice = new java.util.HashSet<>();
        for (Layer l : layers) onDevice.add(l.name());
        for (var e : hostMs.entrySet()) if (!onDevice.contains(e.getKey())) host += e.getValue();
        return host + (deviceSeconds + linkSeconds) * 1e3;
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format("simulated on %s: %d layers, %.3f ms; %d copies per run over the link (%.2f MiB), %.3f ms",
                device, layers.size(), deviceSeconds * 1e3, copies, copyBytes / 1048576.0, linkSeconds * 1e3));
        for (Layer l : layers) {
            out.add(String.format("  %-60s %-28s %10.1f us", shorten(l.name(), 60), l.tactic(), l.seconds() * 1e6));
        }
        return out;
    }

    private static String shorten(String s, int max) { return s.length() <= max ? s : s.substring(0, max - 3) + "..."; }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", device);
        m.put("device_ms", deviceSeconds * 1e3);
        m.put("copies", copies);
        m.put("copy_bytes", copyBytes);
        m.put("link_ms", linkSeconds * 1e3);
        List<Map<String, Object>> l = new ArrayList<>();
        for (Layer x : layers) l.add(Map.of("name", x.name(), "tactic", x.tactic(), "us", x.seconds() * 1e6));
        m.put("layers", l);
        return m;
    }
}
