package io.jengine.cli.bench;

import java.util.Arrays;

/**
 * Summary of a set of per-inference latencies, in milliseconds. Percentiles interpolate linearly between the two
 * nearest ranks (numpy's default), so that small samples give stable, comparable figures; {@code cv} is the sample
 * standard deviation over the mean, the number that says whether the machine was quiet enough to trust the rest.
 *
 * @param runs       how many timed inferences
 * @param throughput inferences per second: runs over their summed time (not over wall time, which includes the other
 *                   engine's blocks when two are interleaved)
 */
public record LatencyStats(int runs, double min, double mean, double median, double p90, double p95, double p99,
                           double max, double cv, double throughput) {

    /** Above this coefficient of variation a result is too noisy to compare against another. */
    public static final double NOISY_CV = 0.10;

    /** Summarises latencies given in nanoseconds; needs at least one. */
    public static LatencyStats ofNanos(long[] nanos) {
        if (nanos.length == 0) throw new IllegalArgumentException("no timed runs to summarise");
        double[] ms = new double[nanos.length];
        for (int i = 0; i < ms.length; i++) ms[i] = nanos[i] / 1e6;
        return ofMillis(ms);
    }

    /** Summarises latencies given in milliseconds; needs at least one. */
    public static LatencyStats ofMillis(double[] ms) {
        if (ms.length == 0) throw new IllegalArgumentException("no timed runs to summarise");
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) sum += v;
        double mean = sum / sorted.length;
        double squares = 0;
        for (double v : sorted) squares += (v - mean) * (v - mean);
        double std = sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) : 0;
        return new LatencyStats(sorted.length, sorted[0], mean, percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1], mean > 0 ? std / mean : 0,
                sum > 0 ? sorted.length * 1000.0 / sum : Double.POSITIVE_INFINITY);
    }

    /** The p-th percentile (0..100) of ascending {@code sorted} values, interpolated between neighbouring ranks. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) throw new IllegalArgumentException("percentile of no values");
        if (!(p >= 0 && p <= 100)) throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        double rank = (sorted.length - 1) * p / 100.0;
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Whether the spread is too large for the figures to be compared with confidence. */
    public boolean noisy() { return cv > NOISY_CV; }
}
