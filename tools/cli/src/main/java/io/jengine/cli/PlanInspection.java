package io.jengine.cli;

import io.jengine.plan.LoadedPlan;
import io.jengine.plan.PlanFile;
import io.jengine.plan.proto.PlanProto.CandidateRecord;
import io.jengine.plan.proto.PlanProto.LayerRecord;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import io.jengine.plan.proto.PlanProto.ValueSignature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code engine inspect MODEL.plan}: what a plan holds — versions, the device it was tuned on, its signatures and
 * memory plan, every layer's tactic with predicted and measured time — and how well the cost model ranked the
 * candidates it timed: Spearman's rank correlation per layer class and the top-K hit rate (how often the fastest
 * measured candidate was among the model's K best) and how often the best of those K came within 5% of the fastest,
 * over the layers timed beyond their top K (tune level 3: every candidate, or a random sample of the rest).
 */
final class PlanInspection {
    private PlanInspection() {}

    static void print(Path file, boolean candidates, int topK, Path plot, PrintStream out) throws IOException {
        LoadedPlan plan = PlanFile.read(file);
        PlanHeader h = plan.header();
        out.printf("plan: %s (format %d, engine %s), built in %.1f s, optimization level %d, %s, %d threads%n", file,
                PlanFile.FORMAT_VERSION, h.getEngineVersion(), h.getBuildSeconds(), h.getOptimizationLevel(),
                h.getTuneLevel() < 0 ? "not tuned" : "tune level " + h.getTuneLevel(), h.getThreads());
        out.println("tuned on: " + h.getDeviceIdentity() + " (fingerprint " + h.getDeviceFingerprint() + ")");
        for (ValueSignature v : h.getInputsList()) out.println("input: " + signature(v));
        for (ValueSignature v : h.getOutputsList()) out.println("output: " + signature(v));
        out.printf("memory plan: %.2f MiB arena, peak of bytes live at once %.2f MiB%n", h.getArenaBytes() / 1048576.0,
                h.getPeakLiveBytes() / 1048576.0);
        if (h.getPackedCount() > 0) {
            long bytes = h.getPackedList().stream().mapToLong(io.jengine.plan.proto.PlanProto.PackedRecord::getLength).sum();
            out.printf("packed parts: %d, for %d layers, %.2f MiB (the kernels' derived weights, mapped on load)%n",
                    h.getPackedCount(), h.getPackedList().stream().map(io.jengine.plan.proto.PlanProto.PackedRecord::getLayer)
                            .distinct().count(), bytes / 1048576.0);
        } else {
            out.println("packed parts: none (the kernels derive their weights' layouts on load)");
        }
        Map<String, LayerRecord> tuned = new LinkedHashMap<>();
        for (LayerRecord r : h.getLayersList()) tuned.put(r.getLayer(), r);
        LayerPrecision precision = new LayerPrecision(plan.model().graph());
        out.printf("layers (%d, %d tuned):%n", h.getTacticsCount(), tuned.size());
        out.printf("  %-56s %-9s %-50s %9s %9s %8s%n", "layer", "precision", "tactic", "pred ms", "meas ms", "vs dflt");
        for (var e : h.getTacticsMap().entrySet()) {
            LayerRecord r = tuned.get(e.getKey());
            out.printf("  %-56s %-9s %-50s %9s %9s %8s%n", cut(e.getKey(), 56), precision.of(e.getKey()),
                    cut(e.getValue(), 50),
                    r == null ? "-" : ms(r.getPredictedMs()), r == null ? "-" : ms(r.getMeasuredMs()),
                    r == null || Double.isNaN(r.getDefaultMs() / r.getMeasuredMs()) ? "-"
                            : String.format(Locale.ROOT, "%.2fx", r.getDefaultMs() / r.getMeasuredMs()));
        }
        List<LayerRecord> own = tuned.values().stream().filter(r -> r.getSharedWith().isEmpty()).toList();
        printRanking(own, topK, out);
        if (candidates) {
            for (LayerRecord r : own) {
                out.println("candidates of " + r.getLayer() + " (" + r.getOp() + "), best predicted first:");
                int rank = 0;
                for (CandidateRecord c : r.getCandidatesList()) {
                    rank++;
                    boolean timed = !Double.isNaN(c.getMeasuredMs());
                    if (!timed && c.getFailure().isEmpty() && rank > topK) continue;
                    out.printf("  %3d  %-60s %9s %9s %s%n", rank, cut(c.getTactic(), 60), ms(c.getPredictedMs()),
                            ms(c.getMeasuredMs()), c.getFailure());
                }
            }
        }
        if (plot != null) RankingPlot.save(plot, own); // a class of its own: charts need java.desktop
    }

    /** Spearman's rho per op over the candidates timed, and how often the fastest measured was in the model's top K. */
    static void printRanking(List<LayerRecord> layers, int topK, PrintStream out) {
        Map<String, List<Double>> rhoByOp = new LinkedHashMap<>();
        int hits = 0, counted = 0, within = 0, exhaustiveLayers = 0, choiceWithin = 0;
        double worst = 1, choiceWorst = 1;
        for (LayerRecord r : layers) {
            List<CandidateRecord> timed = r.getCandidatesList().stream()
                    .filter(c -> !Double.isNaN(c.getMeasuredMs()) && !Double.isNaN(c.getPredictedMs())).toList();
            if (timed.size() < 3) continue;
            double[] p = timed.stream().mapToDouble(CandidateRecord::getPredictedMs).toArray();
            double[] m = timed.stream().mapToDouble(CandidateRecord::getMeasuredMs).toArray();
            rhoByOp.computeIfAbsent(r.getOp(), k -> new ArrayList<>()).add(spearman(p, m));
            // Candidates are stored best predicted first: the fastest measured's place in that order.
            CandidateRecord fastest = timed.stream().min(Comparator.comparingDouble(CandidateRecord::getMeasuredMs)).get();
            int place = r.getCandidatesList().indexOf(fastest);
            counted++;
            if (place < topK) hits++;
            // what choosing among the model's top K alone would have cost against the fastest of all timed
            double bestTopK = r.getCandidatesList().subList(0, Math.min(topK, r.getCandidatesCount())).stream()
                    .mapToDouble(CandidateRecord::getMeasuredMs).filter(v -> !Double.isNaN(v)).min()
                    .orElse(Double.POSITIVE_INFINITY);
            // only where candidates beyond the top K (and the default) were timed: all of them at level 3, or a random
            // sample of them (--exhaustive-sample)
            boolean all = r.getCandidatesList().stream()
                    .allMatch(c -> !Double.isNaN(c.getMeasuredMs()) || !c.getFailure().isEmpty());
            if (!all && timed.size() <= topK + 1) continue;
            exhaustiveLayers++;
            double ratio = bestTopK / fastest.getMeasuredMs();
            if (ratio <= 1 + WITHIN) within++;
            worst = Math.max(worst, ratio);
            // what the tuner chose among: its top K and the default, which it always times
            double chosen = Math.min(bestTopK, r.getCandidatesList().stream()
                    .filter(c -> c.getTactic().equals(r.getDefaultTactic())).mapToDouble(CandidateRecord::getMeasuredMs)
                    .filter(v -> !Double.isNaN(v)).min().orElse(Double.POSITIVE_INFINITY));
            double choiceRatio = chosen / fastest.getMeasuredMs();
            if (choiceRatio <= 1 + WITHIN) choiceWithin++;
            choiceWorst = Math.max(choiceWorst, choiceRatio);
        }
        if (counted == 0) return;
        out.println("cost model ranking over the candidates timed (Spearman's rho, mean per op):");
        rhoByOp.forEach((op, rhos) -> out.printf(Locale.ROOT, "  %-32s %.3f over %d layers%n", op,
                rhos.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), rhos.size()));
        out.printf(Locale.ROOT, "  top-%d hit rate: %d of %d layers (%.0f%%)%n", topK, hits, counted, 100.0 * hits / counted);
        if (exhaustiveLayers > 0) {
            out.printf(Locale.ROOT, "  top-%d's best within %.0f%% of the fastest timed: %d of %d layers timed beyond"
                    + " their top %d (worst %.2fx)%n", topK, 100 * WITHIN, within, exhaustiveLayers, topK, worst);
            out.printf(Locale.ROOT, "  the tuner's choice (its top %d and the default) within %.0f%% of it: %d of %d (worst"
                    + " %.2fx)%n", topK, 100 * WITHIN, choiceWithin, exhaustiveLayers, choiceWorst);
        }
    }

    /** How far the best of the model's top K may be from the fastest candidate and still count as found. */
    static final double WITHIN = 0.05;

    /** Spearman's rank correlation (average ranks for ties). */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = 0, mb = 0;
        for (int i = 0; i < ra.length; i++) {
            ma += ra[i];
            mb += rb[i];
        }
        ma /= ra.length;
        mb /= rb.length;
        double cov = 0, va = 0, vb = 0;
        for (int i = 0; i < ra.length; i++) {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return r;
    }

    private static String signature(ValueSignature v) {
        StringBuilder sb = new StringBuilder(v.getName()).append(' ').append(v.getElementType()).append('[');
        for (int i = 0; i < v.getDimsCount(); i++) {
            if (i > 0) sb.append(',');
            sb.append(v.getDims(i) >= 0 ? String.valueOf(v.getDims(i)) : v.getDimNames(i));
        }
        return sb.append(']').toString();
    }

    private static String ms(double v) { return TuningSummary.ms(v); }

    private static String cut(String s, int n) { return io.jengine.cli.bench.BenchReport.abbreviate(s, n); }
}
