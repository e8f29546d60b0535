package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The weight transform of a whole Winograd layer, {@code U = G g G^T} for every (output, input) channel pair, in
 * double and rounded once, with the operations of the one-kernel transform in its order (the test holds that one:
 * bit for bit the same floats), but each step as a loop over the output channels, which the JIT compiles early and
 * vectorizes. It runs at every plan build and every plan load: one kernel at a time it took 0.25-0.5 s of
 * loading ResNet-50. Plain loops, not the Vector API: this runs once, mostly before C2 has compiled anything, and
 * Vector API code not yet compiled by C2 is many times slower than scalar code.
 *
 * <p>The weights are read, and U written, through segments, so that a native caller transforms a tensor's own memory
 * (read-only where it is a mapped file) into native memory with no heap copy of either. The input channels go in
 * blocks, staged in arrays: a block's weights by one bulk copy per output channel, its U, contiguous in
 * {@code [alpha^2][inC][outC]} per position, written back by one per position. Per element, segment access before the
 * JIT has compiled it costs many times an array's, and so do many short copies.
 */
final class WinogradWeights {
    /** U staged per block of input channels, at most (one input channel's is staged whatever its size). */
    static final int BLOCK_FLOATS = 1 << 18;
    /** The weights may lie anywhere a tensor does; U is this class's own, or a float array's. */
    private static final ValueLayout.OfFloat SOURCE = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private WinogradWeights() {}

    /**
     * U of {@code weights} ({@code [outC, inC, 3, 3]}, ONNX's order) as {@code [alpha^2][inC][outC]}: for each
     * transform position, the input-by-output channel matrix the products multiply by.
     */
    static float[] transform(WinogradVariant v, float[] weights, int outC, int inC) {
        long n = 9L * outC * inC;
        if (weights == null || weights.length != n) {
            throw new IllegalArgumentException("weights must hold outC * inC * 9 = " + n + " floats, got "
                    + (weights == null ? "null" : weights.length));
        }
        float[] u = new float[Math.multiplyExact(Math.multiplyExact(v.positions(), inC), outC)];
        transform(v, MemorySegment.ofArray(weights), MemorySegment.ofArray(u), outC, inC, BLOCK_FLOATS);
        return u;
    }

    /**
     * As {@link #transform(WinogradVariant, float[], int, int)}, from {@code weights} (only read) into {@code u},
     * which must hold exactly {@code alpha^2 * inC * outC} floats; every one of them is written.
     */
    static void transform(WinogradVariant v, MemorySegment weights, MemorySegment u, int outC, int inC) {
        transform(v, weights, u, outC, inC, BLOCK_FLOATS);
    }

    /** The transform with U staged {@code blockFloats} floats at a time (tests cut small blocks). */
    static void transform(WinogradVariant v, MemorySegment weights, MemorySegment u, int outC, int inC,
                          int blockFloats) {
        double[][] gm = v.g();
        int alpha = gm.length, pos = alpha * alpha;
        long n = 9L * outC * inC, uFloats = (long) pos * inC * outC;
        if (weights == null || weights.byteSize() != Float.BYTES * n) {
            throw new IllegalArgumentException("weights must hold outC * inC * 9 = " + n + " floats, got "
                    + (weights == null ? "null" : weights.byteSize() + " bytes"));
        }
        if (u == null || u.byteSize() != Float.BYTES * uFloats) {
            throw new IllegalArgumentException("the transformed weights take alpha^2 * inC * outC = " + uFloats
                    + " floats, got " + (u == null ? "null" : u.byteSize() + " bytes"));
        }
        if (uFloats == 0) return;
        int block = Math.clamp(blockFloats / ((long) pos * outC), 1, inC);
        float[] w = new float[outC * block * 9];    // the block's weights, [outC][block][tap]
        float[] ub = new float[pos * block * outC]; // its U, [alpha^2][block][outC]
        double[] g = new double[9 * outC];          // one input channel's kernels, [tap][outC]
        double[] gt = new double[alpha * 3 * outC]; // their G g, [i][b][outC]
        for (int ic0 = 0; ic0 < inC; ic0 += block) {
            int nb = Math.min(block, inC - ic0);
            for (int oc = 0; oc < outC; oc++) {
                MemorySegment.copy(weights, SOURCE, Float.BYTES * 9 * ((long) oc * inC + ic0), w, oc * nb * 9, nb * 9);
            }
            for (int k = 0; k < nb; k++) {
                for (int oc = 0; oc < outC; oc++) {
                    int o = (oc * nb + k) * 9;
                    for (int j = 0; j < 9; j++) g[j * outC + oc] = w[o + j];
                }
                for (int i = 0; i < alpha; i++) {
                    double a0 = gm[i][0], a1 = gm[i][1], a2 = gm[i][2];
                    for (int b = 0; b < 3; b++) {
                        int to = (i * 3 + b) * outC, r0 = b * outC, r1 = (3 + b) * outC, r2 = (6 + b) * outC;
                        for (int oc = 0; oc < outC; oc++) {
                            gt[to + oc] = a0 * g[r0 + oc] + a1 * g[r1 + oc] + a2 * g[r2 + oc];
                        }
                    }
                }
                for (int i = 0; i < alpha; i++) {
                    int t0 = i * 3 * outC, t1 = t0 + outC, t2 = t1 + outC;
                    for (int j = 0; j < alpha; j++) {
                        double b0 = gm[j][0], b1 = gm[j][1], b2 = gm[j][2];
                        int to = ((i * alpha + j) * nb + k) * outC;
                        for (int oc = 0; oc < outC; oc++) {
                            ub[to + oc] = (float) (gt[t0 + oc] * b0 + gt[t1 + oc] * b1 + gt[t2 + oc] * b2);
                        }
                    }
                }
            }
            for (int xi = 0; xi < pos; xi++) {
                MemorySegment.copy(ub, xi * nb * outC, u, ValueLayout.JAVA_FLOAT,
                        Float.BYTES * ((long) xi * inC + ic0) * outC, nb * outC);
            }
        }
    }
}
