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

    /**
     * V = B^T d B of one tile for every channel group of a channel-blocked or channels-last input, both passes in one
     * loop so that nothing per group is a call. The tile's 6x6 inputs start at byte offset {@code o} of {@code x}
     * (steps {@code pixel} along a row, {@code row} down, {@code group} to the next channel group); only rows
     * {@code [r0, r1)} and columns {@code [c0, c1)} lie inside the input, the rest is zero padding (never read). V[q]
     * of group g goes to {@code v} at {@code at + g * lane + q * pos}. {@code w} holds 36 vectors of scratch.
     */
    static void inputTile(MemorySegment x, long o, long pixel, long row, long group, int groups, int r0, int r1,
                             int c0, int c1, float[] w, MemorySegment v, long at, long lane, long pos) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c15 = FloatVector.broadcast(S, 1.5f), cm2 = FloatVector.broadcast(S, -2f);
        FloatVector c05 = FloatVector.broadcast(S, 0.5f), c25 = FloatVector.broadcast(S, 2.5f);
        FloatVector cm25 = FloatVector.broadcast(S, -2.5f), c2 = FloatVector.broadcast(S, 2f);
        FloatVector cm05 = FloatVector.broadcast(S, -0.5f);
        boolean full = c0 == 0 && c1 == 6;
        for (int g = 0; g < groups; g++) {
            long og = o + g * group;
            for (int k = 0; k < 6; k++) {
                FloatVector d0 = zero, d1 = zero, d2 = zero, d3 = zero, d4 = zero, d5 = zero;
                if (k >= r0 && k < r1) {
                    long rk = og + k * row;
                    if (full) {
                        d0 = FloatVector.fromMemorySegment(S, x, rk, NATIVE);
                        d1 = FloatVector.fromMemorySegment(S, x, rk + pixel, NATIVE);
                        d2 = FloatVector.fromMemorySegment(S, x, rk + 2 * pixel, NATIVE);
                        d3 = FloatVector.fromMemorySegment(S, x, rk + 3 * pixel, NATIVE);
                        d4 = FloatVector.fromMemorySegment(S, x, rk + 4 * pixel, NATIVE);
                        d5 = FloatVector.fromMemorySegment(S, x, rk + 5 * pixel, NATIVE);
                    } else {
                        if (c0 <= 0 && c1 > 0) d0 = FloatVector.fromMemorySegment(S, x, rk, NATIVE);
                        if (c0 <= 1 && c1 > 1) d1 = FloatVector.fromMemorySegment(S, x, rk + pixel, NATIVE);
                        if (c0 <= 2 && c1 > 2) d2 = FloatVector.fromMemorySegment(S, x, rk + 2 * pixel, NATIVE);
                        if (c0 <= 3 && c1 > 3) d3 = FloatVector.fromMemorySegment(S, x, rk + 3 * pixel, NATIVE);
                        if (c0 <= 4 && c1 > 4) d4 = FloatVector.fromMemorySegment(S, x, rk + 4 * pixel, NATIVE);
                        if (c0 <= 5 && c1 > 5) d5 = FloatVector.fromMemorySegment(S, x, rk + 5 * pixel, NATIVE);
                    }
                }
                // the row pass, stored transposed: w[i * 6 + k] is frequency i of row k
                FloatVector a = d3.sub(d1), e = d4.sub(d2);
                int t = k * l;
                a.fma(c15, d2.fma(cm2, d0.add(d4))).intoArray(w, t);
                d2.fma(c05, d3.fma(c25, d4.sub(d1))).intoArray(w, t + 6 * l);
                d3.fma(c05, d2.fma(cm25, d4.add(d1))).intoArray(w, t + 12 * l);
                a.fma(c2, e).intoArray(w, t + 18 * l);
                a.fma(cm05, e).intoArray(w, t + 24 * l);
                e.fma(c15, d3.fma(cm2, d5.add(d1))).intoArray(w, t + 30 * l);
            }
            long vg = at + g * lane;
            for (int q = 0; q < 6; q++) {
                int c = q * 6 * l;
                FloatVector d0 = FloatVector.fromArray(S, w, c), d1 = FloatVector.fromArray(S, w, c + l);
                FloatVector d2 = FloatVector.fromArray(S, w, c + 2 * l), d3 = FloatVector.fromArray(S, w, c + 3 * l);
                FloatVector d4 = FloatVector.fromArray(S, w, c + 4 * l), d5 = FloatVector.fromArray(S, w, c + 5 * l);
                FloatVector a = d3.sub(d1), e = d4.sub(d2);
                long vq = vg + q * pos;
                a.fma(c15, d2.fma(cm2, d0.add(d4))).intoMemorySegment(v, vq, NATIVE);
                d2.fma(c05, d3.fma(c25, d4.sub(d1))).intoMemorySegment(v, vq + 6 * pos, NATIVE);
                d3.fma(c05, d2.fma(cm25, d4.add(d1))).intoMemorySegment(v, vq + 12 * pos, NATIVE);
                a.fma(c2, e).intoMemorySegment(v, vq + 18 * pos, NATIVE);
                a.fma(cm05, e).intoMemorySegment(v, vq + 24 * pos, NATIVE);
                e.fma(c15, d3.fma(cm2, d5.add(d1))).intoMemorySegment(v, vq + 30 * pos, NATIVE);
            }
        }
    }

    /**
     * Y = A^T M A of one tile for channel groups {@code [g0, g1)}, both passes in one loop: M[p] of group g is read
     * from {@code mm} at {@code at + g * lane + p * pos}, and group g's 4x4 outputs go to
     * {@code w[out + (g - g0) * 16 * L ..]} row by row (r * 4 + c), for {@link BlockedWinograd}'s epilogue. The first
     * 24 vectors of {@code w} are scratch.
     */
    static void outputTile(MemorySegment mm, long at, long lane, long pos, int g0, int g1, float[] w, int out) {
        int l = S.length();
        FloatVector c05 = FloatVector.broadcast(S, 0.5f), cm2 = FloatVector.broadcast(S, -2f);
        FloatVector c4 = FloatVector.broadcast(S, 4f), c025 = FloatVector.broadcast(S, 0.25f);
        FloatVector cm8 = FloatVector.broadcast(S, -8f), c0125 = FloatVector.broadcast(S, 0.125f);
        for (int g = g0; g < g1; g++) {
            long mg = at + g * lane;
            for (int i = 0; i < 6; i++) {
                long o = mg + 6 * i * pos;
                FloatVector m0 = FloatVector.fromMemorySegment(S, mm, o, NATIVE);
                FloatVector m1 = FloatVector.fromMemorySegment(S, mm, o + pos, NATIVE);
                FloatVector m2 = FloatVector.fromMemorySegment(S, mm, o + 2 * pos, NATIVE);
                FloatVector m3 = FloatVector.fromMemorySegment(S, mm, o + 3 * pos, NATIVE);
                FloatVector m4 = FloatVector.fromMemorySegment(S, mm, o + 4 * pos, NATIVE);
                FloatVector m5 = FloatVector.fromMemorySegment(S, mm, o + 5 * pos, NATIVE);
                FloatVector s = m1.add(m2), d = m1.sub(m2);
                int t = i * l;
                m0.add(s).add(m3).add(m4).intoArray(w, t);
                m4.fma(cm2, m3.fma(c05, d)).intoArray(w, t + 6 * l);
                m4.fma(c4, m3.fma(c025, s)).intoArray(w, t + 12 * l);
                m4.fma(cm8, m3.fma(c0125, d.add(m5))).intoArray(w, t + 18 * l);
            }
            int y = out + (g - g0) * 16 * l;
            for (int c = 0; c < 4; c++) {
                int o = c * 6 * l;
                FloatVector m0 = FloatVector.fromArray(S, w, o), m1 = FloatVector.fromArray(S, w, o + l);
                FloatVector m2 = FloatVector.fromArray(S, w, o + 2 * l), m3 = FloatVector.fromArray(S, w, o + 3 * l);
                FloatVector m4 = FloatVector.fromArray(S, w, o + 4 * l), m5 = FloatVector.fromArray(S, w, o + 5 * l);
                FloatVector s = m1.add(m2), d = m1.sub(m2);
                m0.add(s).add(m3).add(m4).intoArray(w, y + c * l);
                m4.fma(cm2, m3.fma(c05, d)).intoArray(w, y + (4 + c) * l);
                m4.fma(c4, m3.fma(c025, s)).intoArray(w, y + (8 + c) * l);
                m4.fma(cm8, m3.fma(c0125, d.add(m5))).intoArray(w, y + (12 + c) * l);
            }
        }
    }
}
