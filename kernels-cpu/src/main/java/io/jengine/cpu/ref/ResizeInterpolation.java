package io.jengine.cpu.ref;

import java.util.Locale;

/**
 * The one-dimensional filters of Resize: for one output coordinate of one axis, which input indices contribute and
 * with what weight. A multi-axis resize is the tensor product of these per-axis taps. Public because the fast Resize
 * tactic precomputes its taps with it, so both resize alike.
 */
public final class ResizeInterpolation {

    /** Resize's {@code mode}. */
    public enum Mode { NEAREST, LINEAR, CUBIC }

    /** Resize's {@code nearest_mode}, plus the rounding of opset 10 Resize and Upsample. */
    public enum NearestRounding { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, LEGACY }

    /** Input indices (already clamped into the axis) and their weights; {@code null} taps mean "extrapolate". */
    public record Taps(int[] index, double[] weight) {}

    private final Mode mode;
    private final NearestRounding rounding;
    private final double cubicA;
    private final boolean antialias;
    private final boolean excludeOutside;

    public ResizeInterpolation(Mode mode, NearestRounding rounding, double cubicA, boolean antialias,
                        boolean excludeOutside) {
        this.mode = mode;
        this.rounding = rounding;
        this.cubicA = cubicA;
        this.antialias = antialias && mode != Mode.NEAREST;
        this.excludeOutside = excludeOutside;
    }

    public static Mode parseMode(String s) {
        return switch (s) {
            case "nearest" -> Mode.NEAREST;
            case "linear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> throw new IllegalArgumentException("mode must be nearest, linear or cubic, got '" + s + "'");
        };
    }

    public static NearestRounding parseNearest(String s) {
        for (NearestRounding r : NearestRounding.values()) {
            if (r != NearestRounding.LEGACY && r.name().toLowerCase(Locale.ROOT).equals(s)) return r;
        }
        throw new IllegalArgumentException("nearest_mode must be round_prefer_floor, round_prefer_ceil, floor or "
                + "ceil, got '" + s + "'");
    }

    /** The taps for input coordinate {@code x} on an axis of length {@code n} resized by {@code scale}. */
    public Taps taps(double x, int n, double scale) {
        if (mode == Mode.NEAREST) return new Taps(new int[] {clamp(nearest(x, scale), n)}, new double[] {1});
        // The filter is centred between base and base + 1 with ratio in (0, 1]: an integer x sits on base + 1.
        double fl = Math.floor(x);
        long base = x == fl ? (long) fl - 1 : (long) fl;
        double ratio = x - base;
        double[] w = mode == Mode.LINEAR ? linear(ratio, scale) : cubic(ratio, scale);
        long first = base + 1 - w.length / 2;
        int[] idx = new int[w.length];
        double sum = 0;
        for (int k = 0; k < w.length; k++) {
            long i = first + k;
            if (excludeOutside && (i < 0 || i >= n)) w[k] = 0;
            sum += w[k];
            idx[k] = clamp(i, n);
        }
        if (excludeOutside && sum != 0) for (int k = 0; k < w.length; k++) w[k] /= sum;
        return new Taps(idx, w);
    }

    private long nearest(double x, double scale) {
        double fl = Math.floor(x);
        if (x == fl) return (long) fl;
        double ratio = x - fl;
        return switch (rounding) {
            case ROUND_PREFER_FLOOR -> ratio <= 0.5 ? (long) fl : (long) fl + 1;
            case ROUND_PREFER_CEIL -> ratio < 0.5 ? (long) fl : (long) fl + 1;
            case FLOOR -> (long) fl;
            case CEIL -> (long) fl + 1;
            // Before nearest_mode existed: truncate when upsampling, round up when downsampling.
            case LEGACY -> scale < 1 ? (long) Math.ceil(x) : (long) x;
        };
    }

    private double[] linear(double ratio, double scale) {
        if (!antialias || scale >= 1) return new double[] {1 - ratio, ratio};
        // Triangle filter stretched by 1/scale, normalised so the weights sum to one.
        int start = (int) Math.floor(-1 / scale) + 1;
        int count = 2 - 2 * start;
        double[] w = new double[count];
        for (int k = 0; k < count; k++) {
            w[k] = Math.max(0, Math.min(1, 1 - Math.abs((start + k - ratio) * scale)));
        }
        return normalize(w);
    }

    private double[] cubic(double ratio, double scale) {
        if (!antialias || scale >= 1) {
            return new double[] {keys(ratio + 1), keys(ratio), keys(1 - ratio), keys(2 - ratio)};
        }
        int start = (int) Math.floor(-2 / scale) + 1;
        int count = 2 - 2 * start;
        double[] w = new double[count];
        for (int k = 0; k < count; k++) w[k] = keys(scale * (start + k - ratio));
        return normalize(w);
    }

    /** Keys' cubic convolution kernel with parameter {@code cubic_coeff_a}. */
    private double keys(double t) {
        double x = Math.abs(t);
        double a = cubicA;
        if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }

    private static double[] normalize(double[] w) {
        double sum = 0;
        for (double v : w) sum += v;
        for (int k = 0; k < w.length; k++) w[k] /= sum;
        return w;
    }

    private static int clamp(long i, int n) { return (int) Math.max(0, Math.min(n - 1, i)); }
}
