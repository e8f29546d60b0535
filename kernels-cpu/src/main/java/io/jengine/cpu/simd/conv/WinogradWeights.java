package io.jengine.cpu.simd.conv;

/**
 * The weight transform of a whole Winograd layer, {@code U = G g G^T} for every (output, input) channel pair, in
 * double and rounded once, with the operations of the one-kernel transform in its order (the test holds that one:
 * bit for bit the same floats), but each step as a loop over the output channels, which the JIT compiles early and
 * vectorizes. It runs at every plan build and every plan load: one kernel at a time it took 0.25-0.5 s of
 * loading ResNet-50. Plain loops, not the Vector API: this runs once, mostly before C2 has compiled anything, and
 * Vector API code not yet compiled by C2 is many times slower than scalar code.
 */
final class WinogradWeights {

    private WinogradWeights() {}

    /**
     * U of {@code weights} ({@code [outC, inC, 3, 3]}, ONNX's order) as {@code [alpha^2][inC][outC]}: for each
     * transform position, the input-by-output channel matrix the products multiply by.
     */
    static float[] transform(WinogradVariant v, float[] weights, int outC, int inC) {
        if (weights == null || weights.length != Math.multiplyExact(Math.multiplyExact(outC, inC), 9)) {
            throw new IllegalArgumentException("weights must hold outC * inC * 9 = " + (long) outC * inC * 9
                    + " floats, got " + (weights == null ? "null" : weights.length));
        }
        double[][] gm = v.g();
        int alpha = gm.length, pos = alpha * alpha;
        float[] u = new float[Math.multiplyExact(Math.multiplyExact(pos, inC), outC)];
        double[] g = new double[9 * outC];          // one input channel's kernels, [tap][outC]
        double[] gt = new double[alpha * 3 * outC]; // their G g, [i][b][outC]
        for (int ic = 0; ic < inC; ic++) {
            for (int oc = 0; oc < outC; oc++) {
                int o = (oc * inC + ic) * 9;
                for (int j = 0; j < 9; j++) g[j * outC + oc] = weights[o + j];
            }
            for (int i = 0; i < alpha; i++) {
                double a0 = gm[i][0], a1 = gm[i][1], a2 = gm[i][2];
                for (int b = 0; b < 3; b++) {
                    int to = (i * 3 + b) * outC, r0 = b * outC, r1 = (3 + b) * outC, r2 = (6 + b) * outC;
                    for (int oc = 0; oc < outC; oc++) gt[to + oc] = a0 * g[r0 + oc] + a1 * g[r1 + oc] + a2 * g[r2 + oc];
                }
            }
            for (int i = 0; i < alpha; i++) {
                int t0 = i * 3 * outC, t1 = t0 + outC, t2 = t1 + outC;
                for (int j = 0; j < alpha; j++) {
                    double b0 = gm[j][0], b1 = gm[j][1], b2 = gm[j][2];
                    int to = ((i * alpha + j) * inC + ic) * outC;
                    for (int oc = 0; oc < outC; oc++) {
                        u[to + oc] = (float) (gt[t0 + oc] * b0 + gt[t1 + oc] * b1 + gt[t2 + oc] * b2);
                    }
                }
            }
        }
        return u;
    }
}
