package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transforms of Winograd's F(2x2, 3x3): a 2x2 output tile from a 4x4 input tile, with Lavin and Gray's points
 * 0, 1, -1 and infinity (every entry 0, +-1 or +-1/2, so its rounding error is near a plain sum's):
 * <pre>
 * B^T = [1  0 -1  0]    G = [ 1    0    0 ]    A^T = [1 1  1  0]
 *       [0  1  1  0]        [1/2  1/2  1/2]          [0 1 -1 -1]
 *       [0 -1  1  0]        [1/2 -1/2  1/2]
 *       [0  1  0 -1]        [ 0    0    1 ]
 * </pre>
 * As {@link WinogradF43}: 1-D passes over vectors whose lanes are tiles, arrays in and out.
 */
final class WinogradF23 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private WinogradF23() {}

    static final double[][] G = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};

    /** B^T d for the four vectors of {@code in} at offsets o0..o3, stored at {@code out[off + i * stride]}. */
    static void inputPass(float[] in, int o0, int o1, int o2, int o3, float[] out, int off, int stride) {
        FloatVector d0 = FloatVector.fromArray(S, in, o0), d1 = FloatVector.fromArray(S, in, o1);
        FloatVector d2 = FloatVector.fromArray(S, in, o2), d3 = FloatVector.fromArray(S, in, o3);
        d0.sub(d2).intoArray(out, off);
        d1.add(d2).intoArray(out, off + stride);
        d2.sub(d1).intoArray(out, off + 2 * stride);
        d1.sub(d3).intoArray(out, off + 3 * stride);
    }

    /** A^T m for the four vectors of {@code in} at o, o + step, .., o + 3 step, stored at {@code out[off + i * stride]}. */
    static void outputPass(float[] in, int o, int step, float[] out, int off, int stride) {
        FloatVector m0 = FloatVector.fromArray(S, in, o), m1 = FloatVector.fromArray(S, in, o + step);
        FloatVector m2 = FloatVector.fromArray(S, in, o + 2 * step), m3 = FloatVector.fromArray(S, in, o + 3 * step);
        m0.add(m1).add(m2).intoArray(out, off);
        m1.sub(m2).sub(m3).intoArray(out, off + stride);
    }

    /**
     * V = B^T d B of one 4x4 tile for every channel group, both passes in one loop; the arguments are
     * {@link WinogradF43#inputTile}'s. {@code w} holds 16 vectors of scratch.
     */
    static void inputTile(MemorySegment x, long o, long pixel, long row, long group, int groups, int r0, int r1,
                             int c0, int c1, float[] w, MemorySegment v, long at, long lane, long pos) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        boolean full = c0 == 0 && c1 == 4;
        for (int g = 0; g < groups; g++) {
            long og = o + g * group;
            for (int k = 0; k < 4; k++) {
                FloatVector d0 = zero, d1 = zero, d2 = zero, d3 = zero;
                if (k >= r0 && k < r1) {
                    long rk = og + k * row;
                    if (full) {
                        d0 = FloatVector.fromMemorySegment(S, x, rk, NATIVE);
                        d1 = FloatVector.fromMemorySegment(S, x, rk + pixel, NATIVE);
                        d2 = FloatVector.fromMemorySegment(S, x, rk + 2 * pixel, NATIVE);
                        d3 = FloatVector.fromMemorySegment(S, x, rk + 3 * pixel, NATIVE);
                    } else {
                        if (c0 <= 0 && c1 > 0) d0 = FloatVector.fromMemorySegment(S, x, rk, NATIVE);
                        if (c0 <= 1 && c1 > 1) d1 = FloatVector.fromMemorySegment(S, x, rk + pixel, NATIVE);
                        if (c0 <= 2 && c1 > 2) d2 = FloatVector.fromMemorySegment(S, x, rk + 2 * pixel, NATIVE);
                        if (c0 <= 3 && c1 > 3) d3 = FloatVector.fromMemorySegment(S, x, rk + 3 * pixel, NATIVE);
                    }
                }
                int t = k * l;
                d0.sub(d2).intoArray(w, t);
                d1.add(d2).intoArray(w, t + 4 * l);
                d2.sub(d1).intoArray(w, t + 8 * l);
                d1.sub(d3).intoArray(w, t + 12 * l);
            }
            long vg = at + g * lane;
            for (int q = 0; q < 4; q++) {
                int c = q * 4 * l;
                FloatVector d0 = FloatVector.fromArray(S, w, c), d1 = FloatVector.fromArray(S, w, c + l);
                FloatVector d2 = FloatVector.fromArray(S, w, c + 2 * l), d3 = FloatVector.fromArray(S, w, c + 3 * l);
                long vq = vg + q * pos;
                d0.sub(d2).intoMemorySegment(v, vq, NATIVE);
                d1.add(d2).intoMemorySegment(v, vq + 4 * pos, NATIVE);
                d2.sub(d1).intoMemorySegment(v, vq + 8 * pos, NATIVE);
                d1.sub(d3).intoMemorySegment(v, vq + 12 * pos, NATIVE);
            }
        }
    }

    /**
     * Y = A^T M A of one tile for channel groups {@code [g0, g1)}: {@link WinogradF43#outputTile}'s arguments, with
     * group g's 2x2 outputs at {@code w[out + (g - g0) * 4 * L ..]} (r * 2 + c). The first 8 vectors of {@code w} are
     * scratch.
     */
    static void outputTile(MemorySegment mm, long at, long lane, long pos, int g0, int g1, float[] w, int out) {
        int l = S.length();
        for (int g = g0; g < g1; g++) {
            long mg = at + g * lane;
            for (int i = 0; i < 4; i++) {
                long o = mg + 4 * i * pos;
                FloatVector m0 = FloatVector.fromMemorySegment(S, mm, o, NATIVE);
                FloatVector m1 = FloatVector.fromMemorySegment(S, mm, o + pos, NATIVE);
                FloatVector m2 = FloatVector.fromMemorySegment(S, mm, o + 2 * pos, NATIVE);
                FloatVector m3 = FloatVector.fromMemorySegment(S, mm, o + 3 * pos, NATIVE);
                m0.add(m1).add(m2).intoArray(w, i * l);
                m1.sub(m2).sub(m3).intoArray(w, (4 + i) * l);
            }
            int y = out + (g - g0) * 4 * l;
            for (int c = 0; c < 2; c++) {
                int o = c * 4 * l;
                FloatVector m0 = FloatVector.fromArray(S, w, o), m1 = FloatVector.fromArray(S, w, o + l);
                FloatVector m2 = FloatVector.fromArray(S, w, o + 2 * l), m3 = FloatVector.fromArray(S, w, o + 3 * l);
                m0.add(m1).add(m2).intoArray(w, y + c * l);
                m1.sub(m2).sub(m3).intoArray(w, y + (2 + c) * l);
            }
        }
    }
}
