package io.jengine.cpu.ref;

/** Scalar functions Java's Math lacks, in double precision. */
final class UnaryMath {
    private UnaryMath() {}

    /**
     * The error function to about 1e-15: its Maclaurin series below 2.5 (the alternating terms peak near e^6.25, so
     * cancellation costs under three digits), the continued fraction of erfc up to 6, and +-1 beyond, where erfc is
     * below double's resolution of 1.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double z = Math.abs(x);
        double r;
        if (z < 2.5) {
            double term = z, sum = z, z2 = z * z;
            for (int n = 1; n < 100 && Math.abs(term) > 1e-17 * sum; n++) {
                term *= -z2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (z < 6) {
            // erfc(z) = e^{-z^2}/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated from the tail.
            double frac = z;
            for (int k = 80; k >= 1; k--) frac = z + k / 2.0 / frac;
            r = 1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / frac;
        } else {
            r = 1;
        }
        return x >= 0 ? r : -r;
    }

    static double asinh(double x) {
        if (Double.isInfinite(x)) return x;
        double a = Math.abs(x);
        // log1p keeps the relative precision for small |x|, where log(a + sqrt(a^2 + 1)) would round to log(1).
        double r = a > 1e8 ? Math.log(a) + Math.log(2) : Math.log1p(a + a * a / (1 + Math.sqrt(a * a + 1)));
        return x < 0 ? -r : r;
    }

    static double acosh(double x) { return Math.log(x + Math.sqrt(x * x - 1)); }

    static double atanh(double x) { return 0.5 * Math.log1p(2 * x / (1 - x)); }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** log(1 + e^x) without overflow for large x. */
    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static double sign(double x) { return Double.isNaN(x) ? x : Math.signum(x); }
}
