package io.jengine.cli;

import io.jengine.tune.LayerTuning;
import io.jengine.tune.TuningReport;
import java.io.PrintStream;

/** The table a tuned build prints: per tuned layer, the tactic chosen, predicted and measured time, gain over the default. */
final class TuningSummary {
    private TuningSummary() {}

    static void print(TuningReport r, PrintStream out) {
        out.printf("tuned %d layers in %.1f s: %d candidates timed, %d from the timing cache%s%n", r.layers().size(),
                r.seconds(), r.timed(), r.cacheHits(), r.skipped() > 0 ? ", " + r.skipped() + " layers without static shapes left to the default" : "");
        out.printf("  %-48s %-52s %9s %9s %8s%n", "layer", "tactic", "pred ms", "meas ms", "vs dflt");
        for (LayerTuning l : r.layers()) {
            out.printf("  %-48s %-52s %9s %9s %8s%n", cut(l.layer(), 48), cut(l.chosen(), 52), ms(l.predictedMs()),
                    ms(l.measuredMs()), Double.isNaN(l.speedup()) ? "-" : String.format("%.2fx", l.speedup()));
        }
    }

    /** A time in ms for the tables, "-" where it was not predicted or measured. */
    static String ms(double v) { return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%.3f", v); }

    private static String cut(String s, int n) { return io.jengine.cli.bench.BenchReport.abbreviate(s, n); }
}
