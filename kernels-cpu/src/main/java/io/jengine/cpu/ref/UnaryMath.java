package io.jengine.cpu.ref;

/** Scalar functions Java's Math lacks, in double precision. */
final class UnaryMath {
    private UnaryMath() {}

    /**
     * The error function, from the complementary error function's Chebyshev fit (fractional error below 1.2e-7
     * everywhere), far below float32's rounding error for the values ONNX models feed it.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        double r = 1.0 - erfc;
        if (z < 1e-3) r = 2.0 / Math.sqrt(Math.PI) * z * (1 - z * z / 3.0); // avoid cancellation near zero
        return x >= 0 ? r : -r;
    }

    static double asinh(double x) {
        if (Double.isInfinite(x)) return x;
        double a = Math.abs(x);
        double r = Math.log(a + Math.sqrt(a * a + 1));
        return x < 0 ? -r : r;
    }

    static double acosh(double x) { return Math.log(x + Math.sqrt(x * x - 1)); }

    static double atanh(double x) { return 0.5 * Math.log((1 + x) / (1 - x)); }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** log(1 + e^x) without overflow for large x. */
    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static double sign(double x) { return Double.isNaN(x) ? x : Math.signum(x); }
}
