package io.jengine.cli.bench;

import java.util.Locale;

/**
 * The range generated inputs are drawn from ({@code --input-range LO:HI}): floats uniformly in [lo, hi), integers
 * uniformly in [ceil(lo), floor(hi)]. Without the option floats span [-1, 1), roughly a normalised image, and
 * integers {0, 1}, which is a valid token id, mask value or index for any model that takes integers.
 */
public record InputRange(double lo, double hi) {
    /** What generated inputs use when no range is given. */
    public static final InputRange FLOAT_DEFAULT = new InputRange(-1, 1);
    public static final InputRange INTEGER_DEFAULT = new InputRange(0, 1);

    public InputRange {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
            throw new IllegalArgumentException("--input-range: expected LO:HI with finite LO <= HI, got " + lo + ":" + hi);
        }
    }

    /** Parses "LO:HI", e.g. "0:30522" or "-1.5:1.5". */
    public static InputRange parse(String spec) {
        int colon = spec.indexOf(':', spec.startsWith("-") ? 1 : 0);
        if (colon < 0) throw new IllegalArgumentException("--input-range: expected LO:HI (e.g. 0:255), got '" + spec + "'");
        try {
            return new InputRange(Double.parseDouble(spec.substring(0, colon).strip()),
                    Double.parseDouble(spec.substring(colon + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--input-range: expected two numbers LO:HI (e.g. 0:255), got '" + spec + "'");
        }
    }

    /** The integers of the range, for integer inputs; refuses a range that holds none. */
    long[] integerBounds() {
        long l = (long) Math.ceil(lo), h = (long) Math.floor(hi);
        if (l > h) {
            throw new IllegalArgumentException("--input-range " + this + " contains no integer, but the model has integer inputs");
        }
        return new long[] {l, h};
    }

    @Override
    public String toString() { return String.format(Locale.ROOT, "%s:%s", fmt(lo), fmt(hi)); }

    private static String fmt(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v); }
}
