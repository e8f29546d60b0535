package io.jengine.cli;

import io.jengine.ir.Node;
import io.jengine.runtime.RunObserver;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects node timings of one run and prints the slowest layers and the time per op type. */
final class ProfileReport implements RunObserver {
    private record Entry(String label, String op, String backend, long nanos) {}

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public void nodeFinished(Node node, String backend, long nanos) {
        entries.add(new Entry(node.name().isEmpty() ? node.opType() + "_" + entries.size() : node.name(),
                node.opType(), backend, nanos));
    }

    void print(PrintStream out, int top) {
        long total = entries.stream().mapToLong(Entry::nanos).sum();
        Map<String, long[]> byOp = new LinkedHashMap<>();
        for (Entry e : entries) {
            long[] acc = byOp.computeIfAbsent(e.op(), k -> new long[2]);
            acc[0] += e.nanos();
            acc[1]++;
        }
        out.printf("profile: %d nodes, %.2f ms in kernels%n", entries.size(), total / 1e6);
        out.println("  time by op:");
        byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
                out.printf("    %-28s %9.2f ms %5.1f%% %5d nodes%n", e.getKey(), e.getValue()[0] / 1e6,
                        100.0 * e.getValue()[0] / Math.max(total, 1), e.getValue()[1]));
        out.println("  slowest nodes:");
        entries.stream().sorted(Comparator.comparingLong(Entry::nanos).reversed()).limit(top).forEach(e ->
                out.printf("    %-48s %-20s %9.2f ms  [%s]%n", e.label(), e.op(), e.nanos() / 1e6, e.backend()));
    }
}
