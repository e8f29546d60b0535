package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transforms of Winograd's F(4x4, 3x3): a 4x4 output tile from a 6x6 input tile, {@code Y = A^T [(G g G^T) .
 * (B^T d B)] A}, with interpolation points 0, 1, -1, 1/2, -2 and infinity.
 *
 * <p>Why these points: Lavin and Gray's 0, +-1, +-2 put entries up to 8 in A^T and 5 in B^T; replacing one of +-2 by
 * its reciprocal (Barabasz, Anderson, Soodhalter and Gregg, "Error analysis and improving the accuracy of Winograd
 * convolution", 2020) shrinks the products of the matrices' norms, and measured in float32 on N(0,1) data it nearly
 * halves the error (mean relative tile error 1.4e-6 against 2.4e-6). The matrices (checked exact in rationals):
 * <pre>
 * B^T = [1 -3/2 -2  3/2  1   0]    G = [  1      0     0  ]    A^T = [1 1  1  1    1  0]
 *       [0 -1   1/2 5/2  1   0]        [ 1/3    1/3   1/3 ]          [0 1 -1  1/2 -2  0]
 *       [0  1  -5/2 1/2  1   0]        [-1/3    1/3  -1/3 ]          [0 1  1  1/4  4  0]
 *       [0 -2  -1   2    1   0]        [-16/15 -8/15 -4/15]          [0 1 -1  1/8 -8  1]
 *       [0  1/2 -1 -1/2  1   0]        [ 1/15  -2/15  4/15]
 *       [0  1  -3/2 -2   3/2 1]        [  0      0     1  ]
 * </pre>
 * The vector forms apply one 1-D transform to six vectors whose lanes are independent tiles; a 2-D transform is two
 * passes (rows, then columns).
 */
final class WinogradF43 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    // Constants broadcast once. No helper method takes or returns a vector here: C2 may decline to inline it (the
    // Vector API's own methods are force-inlined, ours are not), and a vector crossing a real call is boxed on the heap.
    private static final FloatVector C1_5 = FloatVector.broadcast(S, 1.5f);
    private static final FloatVector CM2 = FloatVector.broadcast(S, -2f);
    private static final FloatVector C0_5 = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector C2_5 = FloatVector.broadcast(S, 2.5f);
    private static final FloatVector CM2_5 = FloatVector.broadcast(S, -2.5f);
    private static final FloatVector C2 = FloatVector.broadcast(S, 2f);
    private static final FloatVector CM0_5 = FloatVector.broadcast(S, -0.5f);
    private static final FloatVector C4 = FloatVector.broadcast(S, 4f);
    private static final FloatVector C0_25 = FloatVector.broadcast(S, 0.25f);
    private static final FloatVector CM8 = FloatVector.broadcast(S, -8f);
    private static final FloatVector C0_125 = FloatVector.broadcast(S, 0.125f);

    private WinogradF43() {}

    static final double[][] G = {
            {1, 0, 0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {-1 / 3.0, 1 / 3.0, -1 / 3.0},
            {-16 / 15.0, -8 / 15.0, -4 / 15.0}, {1 / 15.0, -2 / 15.0, 4 / 15.0}, {0, 0, 1}};

    /** U = G g G^T of one 3x3 kernel {@code g} (row-major at {@code off}) into {@code u[i * 6 + j]}, in double. */
    static void weight(float[] g, int off, double[] u) {
        weight(G, g, off, u);
    }

    /** U = G g G^T for any variant's G (alpha x 3) into {@code u[i * alpha + j]}, in double. */
    static void weight(double[][] gm, float[] g, int off, double[] u) {
        int alpha = gm.length;
        double[] gt = new double[alpha * 3];
        for (int i = 0; i < alpha; i++) {
            for (int b = 0; b < 3; b++) {
                gt[i * 3 + b] = gm[i][0] * g[off + b] + gm[i][1] * g[off + 3 + b] + gm[i][2] * g[off + 6 + b];
            }
        }
        for (int i = 0; i < alpha; i++) {
            for (int j = 0; j < alpha; j++) {
                u[i * alpha + j] = gt[i * 3] * gm[j][0] + gt[i * 3 + 1] * gm[j][1] + gt[i * 3 + 2] * gm[j][2];
            }
        }
    }

    /**
     * B^T d for the six vectors of {@code in} at offsets o0..o5, stored at {@code out[off + i * stride]}, i = 0..5
     * (16 operations, not 26). Arrays in and out, not vectors, for the reason given at the constants.
     */
    static void inputPass(float[] in, int o0, int o1, int o2, int o3, int o4, int o5, float[] out, int off, int stride) {
        FloatVector d0 = FloatVector.fromArray(S, in, o0), d1 = FloatVector.fromArray(S, in, o1);
        FloatVector d2 = FloatVector.fromArray(S, in, o2), d3 = FloatVector.fromArray(S, in, o3);
        FloatVector d4 = FloatVector.fromArray(S, in, o4), d5 = FloatVector.fromArray(S, in, o5);
        FloatVector a = d3.sub(d1), e = d4.sub(d2);
        a.fma(C1_5, d2.fma(CM2, d0.add(d4))).intoArray(out, off);
        d2.fma(C0_5, d3.fma(C2_5, d4.sub(d1))).intoArray(out, off + stride);
        d3.fma(C0_5, d2.fma(CM2_5, d4.add(d1))).intoArray(out, off + 2 * stride);
        a.fma(C2, e).intoArray(out, off + 3 * stride);
        a.fma(CM0_5, e).intoArray(out, off + 4 * stride);
        e.fma(C1_5, d3.fma(CM2, d5.add(d1))).intoArray(out, off + 5 * stride);
    }

    /**
     * {@link #inputPass(float[], int, int, int, int, int, int, float[], int, int)} on six vectors read from {@code x}
     * at byte offsets o, o + step, .., o + 5 step (native order); their sum goes to {@code out[sumAt]}, so that a NaN
     * or an infinity among them shows there.
     */
    static void inputPass(MemorySegment x, long o, long step, float[] out, int off, int stride, int sumAt) {
        FloatVector d0 = FloatVector.fromMemorySegment(S, x, o, NATIVE);
        FloatVector d1 = FloatVector.fromMemorySegment(S, x, o + step, NATIVE);
        FloatVector d2 = FloatVector.fromMemorySegment(S, x, o + 2 * step, NATIVE);
        FloatVector d3 = FloatVector.fromMemorySegment(S, x, o + 3 * step, NATIVE);
        FloatVector d4 = FloatVector.fromMemorySegment(S, x, o + 4 * step, NATIVE);
        FloatVector d5 = FloatVector.fromMemorySegment(S, x, o + 5 * step, NATIVE);
        FloatVector a = d3.sub(d1), e = d4.sub(d2);
        a.fma(C1_5, d2.fma(CM2, d0.add(d4))).intoArray(out, off);
        d2.fma(C0_5, d3.fma(C2_5, d4.sub(d1))).intoArray(out, off + stride);
        d3.fma(C0_5, d2.fma(CM2_5, d4.add(d1))).intoArray(out, off + 2 * stride);
        a.fma(C2, e).intoArray(out, off + 3 * stride);
        a.fma(CM0_5, e).intoArray(out, off + 4 * stride);
        e.fma(C1_5, d3.fma(CM2, d5.add(d1))).intoArray(out, off + 5 * stride);
        d0.add(d1).add(d2.add(d3)).add(d4.add(d5)).intoArray(out, sumAt);
    }

    /**
     * {@link #inputPass(float[], int, int, int, int, int, int, float[], int, int)} on the six vectors of {@code in} at
     * o, o + step, .., o + 5 step, stored to {@code out} at byte offsets off, off + stride, .. (native order).
     */
    static void inputPass(float[] in, int o, int step, MemorySegment out, long off, long stride) {
        FloatVector d0 = FloatVector.fromArray(S, in, o), d1 = FloatVector.fromArray(S, in, o + step);
        FloatVector d2 = FloatVector.fromArray(S, in, o + 2 * step), d3 = FloatVector.fromArray(S, in, o + 3 * step);
        FloatVector d4 = FloatVector.fromArray(S, in, o + 4 * step), d5 = FloatVector.fromArray(S, in, o + 5 * step);
        FloatVector a = d3.sub(d1), e = d4.sub(d2);
        a.fma(C1_5, d2.fma(CM2, d0.add(d4))).intoMemorySegment(out, off, NATIVE);
        d2.fma(C0_5, d3.fma(C2_5, d4.sub(d1))).intoMemorySegment(out, off + stride, NATIVE);
        d3.fma(C0_5, d2.fma(CM2_5, d4.add(d1))).intoMemorySegment(out, off + 2 * stride, NATIVE);
        a.fma(C2, e).intoMemorySegment(out, off + 3 * stride, NATIVE);
        a.fma(CM0_5, e).intoMemorySegment(out, off + 4 * stride, NATIVE);
        e.fma(C1_5, d3.fma(CM2, d5.add(d1))).intoMemorySegment(out, off + 5 * stride, NATIVE);
    }

    /** {@link #outputPass(float[], int, int, float[], int, int)} on six vectors read from {@code m} at byte offsets o, o + step, ... */
    static void outputPass(MemorySegment mm, long o, long step, float[] out, int off, int stride) {
        FloatVector m0 = FloatVector.fromMemorySegment(S, mm, o, NATIVE);
        FloatVector m1 = FloatVector.fromMemorySegment(S, mm, o + step, NATIVE);
        FloatVector m2 = FloatVector.fromMemorySegment(S, mm, o + 2 * step, NATIVE);
        FloatVector m3 = FloatVector.fromMemorySegment(S, mm, o + 3 * step, NATIVE);
        FloatVector m4 = FloatVector.fromMemorySegment(S, mm, o + 4 * step, NATIVE);
        FloatVector m5 = FloatVector.fromMemorySegment(S, mm, o + 5 * step, NATIVE);
        FloatVector s = m1.add(m2), d = m1.sub(m2);
        m0.add(s).add(m3).add(m4).intoArray(out, off);
        m4.fma(CM2, m3.fma(C0_5, d)).intoArray(out, off + stride);
        m4.fma(C4, m3.fma(C0_25, s)).intoArray(out, off + 2 * stride);
        m4.fma(CM8, m3.fma(C0_125, d.add(m5))).intoArray(out, off + 3 * stride);
    }

    /** A^T m for the six vectors of {@code in} at o, o + step, .., o + 5 step, stored at {@code out[off + i * stride]}. */
    static void outputPass(float[] in, int o, int step, float[] out, int off, int stride) {
        FloatVector m0 = FloatVector.fromArray(S, in, o), m1 = FloatVector.fromArray(S, in, o + step);
        FloatVector m2 = FloatVector.fromArray(S, in, o + 2 * step), m3 = FloatVector.fromArray(S, in, o + 3 * step);
        FloatVector m4 = FloatVector.fromArray(S, in, o + 4 * step), m5 = FloatVector.fromArray(S, in, o + 5 * step);
        FloatVector s = m1.add(m2), d = m1.sub(m2);
        m0.add(s).add(m3).add(m4).intoArray(out, off);
        m4.fma(CM2, m3.fma(C0_5, d)).intoArray(out, off + stride);
        m4.fma(C4, m3.fma(C0_25, s)).intoArray(out, off + 2 * stride);
        m4.fma(CM8, m3.fma(C0_125, d.add(m5))).intoArray(out, off + 3 * stride);
    }
}
