package io.jengine.cpu.ref;

/**
 * The plain O(n^2) discrete Fourier transform on split real / imaginary arrays: the reference DFT, STFT build on.
 * Twiddle factors come from a table indexed by {@code (k * t) mod n}, so long transforms keep their accuracy.
 */
final class ComplexDft {
    private ComplexDft() {}

    /**
     * Transforms {@code n} points (the input is zero-padded or truncated to {@code n}) and returns the first
     * {@code bins} outputs as {re[], im[]}. {@code inverse} uses the positive exponent and divides by {@code n}.
     */
    static double[][] transform(double[] re, double[] im, int n, int bins, boolean inverse) {
        double[] outRe = new double[bins];
        double[] outIm = new double[bins];
        int len = Math.min(n, re.length);
        double sign = inverse ? 1 : -1;
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int m = 0; m < n; m++) {
            cos[m] = Math.cos(2 * Math.PI * m / n);
            sin[m] = sign * Math.sin(2 * Math.PI * m / n);
        }
        for (int k = 0; k < bins; k++) {
            double sr = 0, si = 0;
            for (int t = 0; t < len; t++) {
                int m = (int) ((long) k * t % n);
                double c = cos[m], s = sin[m];
                sr += re[t] * c - im[t] * s;
                si += re[t] * s + im[t] * c;
            }
            outRe[k] = inverse ? sr / n : sr;
            outIm[k] = inverse ? si / n : si;
        }
        return new double[][] {outRe, outIm};
    }

    /**
     * The real signal of length {@code n} whose one-sided spectrum is given (numpy's irfft): the missing half is the
     * complex conjugate mirror, bins beyond the input are zero and extra input bins are ignored.
     */
    static double[] inverseReal(double[] re, double[] im, int n) {
        double[] fullRe = new double[n];
        double[] fullIm = new double[n];
        int half = n / 2;
        for (int k = 0; k <= half && k < re.length; k++) {
            fullRe[k] = re[k];
            fullIm[k] = im[k];
        }
        for (int k = half + 1; k < n; k++) {
            fullRe[k] = fullRe[n - k];
            fullIm[k] = -fullIm[n - k];
        }
        // The DC (and for even n the Nyquist) imaginary part cannot belong to a real signal: drop it.
        fullIm[0] = 0;
        if (n % 2 == 0) fullIm[half] = 0;
        return transform(fullRe, fullIm, n, n, true)[0];
    }
}
