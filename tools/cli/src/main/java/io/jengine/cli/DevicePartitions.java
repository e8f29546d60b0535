package io.jengine.cli;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.LayerCost;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.tensor.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a plan splits a model between a device and the host: FLOPs and nodes per device (the optimizer's per-layer
 * costs), the ops the device declined (left on the host), the nodes it takes that run on the host since their copies
 * would outweigh their work, and the copies between them with their bytes. What {@code inspect} prints, and
 * what the OpenCL acceptance (most of a model's FLOPs on the device) is measured by.
 */
record DevicePartitions(Map<String, Long> flops, Map<String, Integer> nodes, Map<String, Integer> hostOps,
                        int copiesIn, long bytesIn, int copiesOut, long bytesOut, Map<String, String> movedToHost) {
    static DevicePartitions of(Engine.DevicePlan plan, Graph typed) {
        Map<String, Long> flops = new LinkedHashMap<>();
        Map<String, Integer> nodes = new LinkedHashMap<>();
        Map<String, Integer> hostOps = new TreeMap<>();
        Map<String, String> moved = new LinkedHashMap<>();
        for (Engine.DevicePlan.Step s : plan.steps()) {
            Node n = s.node();
            if (s.hostReason() != null) moved.put(n.label(), s.hostReason());
            long f = Math.max(0, LayerCost.of(n, typed).flops());
            flops.merge(s.device(), f, Long::sum);
            nodes.merge(s.device(), 1, Integer::sum);
            // the ops the device declined; a node it takes but whose copies outweigh its work is listed apart
            if (s.device().equals(Backends.HOST) && s.hostReason() == null) hostOps.merge(n.opType(), 1, Integer::sum);
        }
        int in = 0, out = 0;
        long bin = 0, bout = 0;
        for (Engine.DevicePlan.Copy c : plan.copies()) {
            if (c.once()) continue; // a constant: copied on a session's first run only
            long bytes = bytes(typed, c.value());
            if (c.from().equals(Backends.HOST)) {
                in++;
                bin += bytes;
            } else {
                out++;
                bout += bytes;
            }
        }
        return new DevicePartitions(flops, nodes, hostOps, in, bin, out, bout, moved);
    }

    /** A value's bytes from its static type; 0 when unknown. */
    static long bytes(Graph g, String value) { return ValueType.staticBytes(g.typeOf(value)); }

    /** The share of all FLOPs that run on {@code device} (1 when the model has none). */
    double share(String device) {
        long total = flops.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) return flops.getOrDefault(device, 0L) / (double) total;
        return nodes.getOrDefault(device, 0).equals(nodes.values().stream().mapToInt(Integer::intValue).sum()) ? 1 : 0;
    }

    List<String> lines(String device) {
        int all = nodes.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder host = new StringBuilder();
        hostOps.forEach((op, k) -> host.append(host.isEmpty() ? "" : ", ").append(op).append(" x").append(k));
        String hint = nodes.getOrDefault(device, 0) == 0 && movedToHost.isEmpty()
                ? " (a device runs plans for static shapes: use --shapes)" : "";
        List<String> l = new java.util.ArrayList<>(List.of(
                String.format("partitions: %.1f%% of FLOPs on %s (%d of %d nodes)%s", 100 * share(device), device,
                        nodes.getOrDefault(device, 0), all, host.isEmpty() ? "" : "; on the host: " + host) + hint,
                String.format("copies per run: %d host -> %s (%.2f MiB), %d %s -> host (%.2f MiB)", copiesIn, device,
                        bytesIn / 1048576.0, copiesOut, device, bytesOut / 1048576.0)));
        // the parts the device takes that run on the host, since their copies would cost more than the host's work
        movedToHost.forEach((node, why) -> l.add("  on the host although " + device + " takes it: " + node + ": " + why));
        return l;
    }

    Map<String, Object> json(String device) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", device);
        m.put("flops", flops);
        m.put("nodes", nodes);
        m.put("device_flops_share", share(device));
        m.put("host_ops", hostOps);
        m.put("copies", Map.of("to_device", copiesIn, "to_device_bytes", bytesIn, "to_host", copiesOut,
                "to_host_bytes", bytesOut));
        m.put("moved_to_host", movedToHost);
        return m;
    }
}
