package io.jengine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Tables and files made from conformance results. */
final class ConformanceReport {
    private final List<CaseResult> results;

    ConformanceReport(List<CaseResult> results) { this.results = List.copyOf(results); }

    long count(CaseResult.Status s) { return results.stream().filter(r -> r.status() == s).count(); }

    String totalsLine() {
        return count(CaseResult.Status.PASSED) + " passed, " + count(CaseResult.Status.FAILED) + " failed, "
                + count(CaseResult.Status.SKIPPED) + " skipped";
    }

    /** Failures grouped by op, then by reason kind, each with the cases and the first full reason. */
    void printFailures(PrintStream out) {
        Map<String, Map<String, List<CaseResult>>> byOp = new TreeMap<>();
        for (CaseResult r : results) {
            if (r.status() != CaseResult.Status.FAILED) continue;
            byOp.computeIfAbsent(r.op(), k -> new TreeMap<>()).computeIfAbsent(r.reasonKind(), k -> new ArrayList<>()).add(r);
        }
        if (byOp.isEmpty()) return;
        out.println("Failures by op and reason:");
        out.printf("  %-28s %-36s %5s  %s%n", "op", "reason", "cases", "example");
        byOp.forEach((op, reasons) -> reasons.forEach((kind, rs) -> {
            String example = rs.getFirst().name() + ": " + rs.getFirst().reason();
            if (example.length() > 160) example = example.substring(0, 160) + "...";
            out.printf("  %-28s %-36s %5d  %s%n", op, kind, rs.size(), example);
        }));
    }

    /** passed/total per op. */
    void printSummary(PrintStream out) {
        Map<String, int[]> byOp = new TreeMap<>();
        for (CaseResult r : results) {
            int[] c = byOp.computeIfAbsent(r.op(), k -> new int[3]);
            c[r.status().ordinal()]++;
        }
        out.println("Per op (passed/failed/skipped):");
        byOp.forEach((op, c) -> out.printf("  %-32s %4d %4d %4d%n", op, c[0], c[1], c[2]));
    }

    void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("case,op,status,max_abs_err,max_rel_err,reason");
        for (CaseResult r : results) {
            lines.add(String.join(",", r.name(), quote(r.op()), r.status().name().toLowerCase(Locale.ROOT),
                    number(r.maxAbsError()), number(r.maxRelError()), quote(r.reason() == null ? "" : r.reason())));
        }
        Files.write(file, lines);
    }

    List<String> passedNames() {
        return results.stream().filter(r -> r.status() == CaseResult.Status.PASSED).map(CaseResult::name).sorted().toList();
    }

    /** Names from {@code expected} that were not run or did not pass. */
    List<String> notPassing(Set<String> expected) {
        Set<String> passed = Set.copyOf(passedNames());
        return expected.stream().filter(n -> !passed.contains(n)).sorted().toList();
    }

    private static String number(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3g", v); }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? '"' + s.replace("\"", "\"\"").replace("\n", " ") + '"' : s;
    }
}
