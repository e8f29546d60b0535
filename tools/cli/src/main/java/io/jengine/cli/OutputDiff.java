package io.jengine.cli;

import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * How one output of model A differs from the same output of model B (the reference), for {@code engine compare}.
 * Floating outputs: the largest absolute and relative error ({@code |a-b| / max(|b|, tiny)}), the mean absolute
 * error and the cosine similarity (in double), all over the positions where both are finite; the positions where
 * exactly one is NaN or infinite, or they are infinities of opposite sign ({@code nonFinite}); and, at rank 2 or more,
 * how many rows have the same argmax over the last axis. Other element types are compared exactly
 * ({@code mismatches}). {@code failing} counts the elements outside {@code atol + rtol * |b|} (or unequal, for exact
 * types; a differing NaN or infinity always fails), or is -1 when no tolerance was given.
 */
record OutputDiff(long size, boolean exact, long mismatches, double maxAbs, double maxRel, double meanAbs,
                  double cosine, long nonFinite, long rows, long argmaxAgree, long failing) {

    /** The floor of the relative error's denominator: smaller references do not blow it up to infinity. */
    static final double TINY = Float.MIN_NORMAL;

    /** Compares {@code a} with {@code b}, which must have the same element type and shape; tolerances may be null. */
    static OutputDiff of(Tensor a, Tensor b, Double atol, Double rtol) {
        if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("different outputs: " + a.describe() + " and " + b.describe());
        }
        boolean tolerance = atol != null || rtol != null;
        double at = atol == null ? 0 : atol, rt = rtol == null ? 0 : rtol;
        long n = a.size();
        if (!a.dtype().isFloatingPoint()) {
            long bad = 0;
            for (long i = 0; i < n; i++) {
                boolean same = a.dtype() == DType.STRING ? a.getString(i).equals(b.getString(i)) : a.getLong(i) == b.getLong(i);
                if (!same) bad++;
            }
            return new OutputDiff(n, true, bad, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0,
                    tolerance ? bad : -1);
        }
        double maxAbs = 0, maxRel = 0, sumAbs = 0, dot = 0, na = 0, nb = 0;
        long finite = 0, nonFinite = 0, failing = 0;
        for (long i = 0; i < n; i++) {
            double x = a.getDouble(i), y = b.getDouble(i);
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                boolean same = Double.isNaN(x) ? Double.isNaN(y) : x == y;
                if (!same) {
                    nonFinite++;
                    failing++;
                }
                continue;
            }
            double d = Math.abs(x - y);
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, d / Math.max(Math.abs(y), TINY));
            sumAbs += d;
            dot += x * y;
            na += x * x;
            nb += y * y;
            finite++;
            if (!(d <= at + rt * Math.abs(y))) failing++;
        }
        double cosine = na == 0 && nb == 0 ? 1 : na == 0 || nb == 0 ? 0 : dot / (Math.sqrt(na) * Math.sqrt(nb));
        long rows = 0, agree = 0;
        if (a.rank() >= 2 && a.dim(a.rank() - 1) > 0) {
            long classes = a.dim(a.rank() - 1);
            rows = Classification.rows(a);
            for (long r = 0; r < rows; r++) {
                if (Classification.argmax(a, r, classes) == Classification.argmax(b, r, classes)) agree++;
            }
        }
        return new OutputDiff(n, false, 0, maxAbs, maxRel, finite == 0 ? 0 : sumAbs / finite, cosine, nonFinite, rows,
                agree, tolerance ? failing : -1);
    }

    /** The figures of one output line, after its name, shape and type. */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (exact) {
            b.append(mismatches).append(" of ").append(size).append(" elements differ (compared exactly)");
        } else {
            b.append(String.format("max abs %.4e, max rel %.4e, mean abs %.4e, cosine %.6f", maxAbs, maxRel, meanAbs,
                    cosine));
            if (rows > 0) {
                b.append(String.format(", argmax agreement %.4f (%d of %d rows)", (double) argmaxAgree / rows,
                        argmaxAgree, rows));
            }
            if (nonFinite > 0) b.append(", NaN/Inf differ at ").append(nonFinite).append(" of ").append(size);
        }
        if (failing >= 0) {
            b.append(failing == 0 ? ", within tolerance" : ", " + failing + " of " + size + " elements out of tolerance");
        }
        return b.toString();
    }

    /** "logits [500,10] float32". */
    static String label(String name, Tensor t) { return name + " " + Shapes.format(t.shape()) + " " + t.dtype(); }
}
