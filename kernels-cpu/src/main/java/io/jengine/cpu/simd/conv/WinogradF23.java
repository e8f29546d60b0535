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

    /** U = G g G^T of one 3x3 kernel {@code g} (row-major at {@code off}) into {@code u[i * 4 + j]}, in double. */
    static void weight(float[] g, int off, double[] u) {
        WinogradF43.weight(G, g, off, u);
    }

    /** B^T d for the four vectors of {@code in} at offsets o0..o3, stored at {@code out[off + i * stride]}. */
    static void inputPass(float[] in, int o0, int o1, int o2, int o3, float[] out, int off, int stride) {
        FloatVector d0 = FloatVector.fromArray(S, in, o0), d1 = FloatVector.fromArray(S, in, o1);
        FloatVector d2 = FloatVector.fromArray(S, in, o2), d3 = FloatVector.fromArray(S, in, o3);
        d0.sub(d2).intoArray(out, off);
        d1.add(d2).intoArray(out, off + stride);
        d2.sub(d1).intoArray(out, off + 2 * stride);
        d1.sub(d3).intoArray(out, off + 3 * stride);
    }

    /** {@link #inputPass(float[], int, int, int, int, float[], int, int)} from a segment; see {@link WinogradF43}'s. */
    static void inputPass(MemorySegment x, long o, long step, float[] out, int off, int stride, int sumAt) {
        FloatVector d0 = FloatVector.fromMemorySegment(S, x, o, NATIVE);
        FloatVector d1 = FloatVector.fromMemorySegment(S, x, o + step, NATIVE);
        FloatVector d2 = FloatVector.fromMemorySegment(S, x, o + 2 * step, NATIVE);
        FloatVector d3 = FloatVector.fromMemorySegment(S, x, o + 3 * step, NATIVE);
        d0.sub(d2).intoArray(out, off);
        d1.add(d2).intoArray(out, off + stride);
        d2.sub(d1).intoArray(out, off + 2 * stride);
        d1.sub(d3).intoArray(out, off + 3 * stride);
        d0.add(d1).add(d2.add(d3)).intoArray(out, sumAt);
    }

    /** {@link #inputPass(float[], int, int, int, int, float[], int, int)} stored to a segment at byte offsets off, off + stride, .. */
    static void inputPass(float[] in, int o, int step, MemorySegment out, long off, long stride) {
        FloatVector d0 = FloatVector.fromArray(S, in, o), d1 = FloatVector.fromArray(S, in, o + step);
        FloatVector d2 = FloatVector.fromArray(S, in, o + 2 * step), d3 = FloatVector.fromArray(S, in, o + 3 * step);
        d0.sub(d2).intoMemorySegment(out, off, NATIVE);
        d1.add(d2).intoMemorySegment(out, off + stride, NATIVE);
        d2.sub(d1).intoMemorySegment(out, off + 2 * stride, NATIVE);
        d1.sub(d3).intoMemorySegment(out, off + 3 * stride, NATIVE);
    }

    /** {@link #outputPass(float[], int, int, float[], int, int)} from a segment, at byte offsets o, o + step, ... */
    static void outputPass(MemorySegment mm, long o, long step, float[] out, int off, int stride) {
        FloatVector m0 = FloatVector.fromMemorySegment(S, mm, o, NATIVE);
        FloatVector m1 = FloatVector.fromMemorySegment(S, mm, o + step, NATIVE);
        FloatVector m2 = FloatVector.fromMemorySegment(S, mm, o + 2 * step, NATIVE);
        FloatVector m3 = FloatVector.fromMemorySegment(S, mm, o + 3 * step, NATIVE);
        m0.add(m1).add(m2).intoArray(out, off);
        m1.sub(m2).sub(m3).intoArray(out, off + stride);
    }

    /** A^T m for the four vectors of {@code in} at o, o + step, .., o + 3 step, stored at {@code out[off + i * stride]}. */
    static void outputPass(float[] in, int o, int step, float[] out, int off, int stride) {
        FloatVector m0 = FloatVector.fromArray(S, in, o), m1 = FloatVector.fromArray(S, in, o + step);
        FloatVector m2 = FloatVector.fromArray(S, in, o + 2 * step), m3 = FloatVector.fromArray(S, in, o + 3 * step);
        m0.add(m1).add(m2).intoArray(out, off);
        m1.sub(m2).sub(m3).intoArray(out, off + stride);
    }
}
