package io.jengine.cpu.simd.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The layer-wide weight transform gives, bit for bit, what a one-kernel transform in the same order gives. */
class WinogradWeightsTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"F4X4, 3, 16", "F4X4, 5, 7", "F2X2, 8, 13", "F2X2, 2, 1", "F4X4, 16, 24"})
    void matchesTheOneKernelTransform(WinogradVariant v, int inC, int outC) {
        Random r = new Random(inC * 131L + outC);
        float[] w = new float[outC * inC * 9];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        w[5] = Float.NaN;
        w[w.length - 1] = Float.NEGATIVE_INFINITY;
        float[] u = WinogradWeights.transform(v, w, outC, inC);
        int pos = v.alpha * v.alpha;
        assertEquals(pos * inC * outC, u.length);
        double[] t = new double[pos];
        for (int oc = 0; oc < outC; oc++) {
            for (int ic = 0; ic < inC; ic++) {
                oneKernel(v.g(), w, (oc * inC + ic) * 9, t);
                for (int xi = 0; xi < pos; xi++) {
                    float want = (float) t[xi], got = u[(xi * inC + ic) * outC + oc];
                    String at = "oc " + oc + " ic " + ic + " position " + xi + ": " + want + " vs " + got;
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), at);
                }
            }
        }
    }

    /** U = G g G^T of one 3x3 kernel (row-major at {@code off}) into {@code u[i * alpha + j]}, in double. */
    private static void oneKernel(double[][] gm, float[] g, int off, double[] u) {
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
     * From and into segments, native and read-only, with the input channels staged in blocks of any size (one
     * channel, blocks that do not divide them, all at once), the transform gives the array version's floats.
     */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"F4X4, 3, 16", "F2X2, 8, 13", "F4X4, 16, 24"})
    void segmentsInBlocksGiveTheArrayTransform(WinogradVariant v, int inC, int outC) {
        Random r = new Random(inC * 17L + outC);
        float[] w = new float[outC * inC * 9];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[] want = WinogradWeights.transform(v, w, outC, inC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment weights = arena.allocate(4L * w.length, 64);
            MemorySegment.copy(w, 0, weights, ValueLayout.JAVA_FLOAT, 0, w.length);
            weights = weights.asReadOnly();
            // a tensor's memory need not be aligned to its floats
            MemorySegment unaligned = arena.allocate(4L * w.length + 2, 64).asSlice(2);
            MemorySegment.copy(w, 0, unaligned, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, w.length);
            int perChannel = v.positions() * outC; // U of one input channel
            for (MemorySegment source : new MemorySegment[] {weights, unaligned}) {
                for (int block : new int[] {1, perChannel, 2 * perChannel, 3 * perChannel, 5 * perChannel,
                    WinogradWeights.BLOCK_FLOATS}) {
                    MemorySegment u = arena.allocate(4L * want.length, 64);
                    u.fill((byte) 0x7f);
                    WinogradWeights.transform(v, source, u, outC, inC, block);
                    assertEquals(-1, u.mismatch(MemorySegment.ofArray(want)), "blocks of " + block + " floats");
                }
            }
            MemorySegment ro = weights;
            assertThrows(IllegalArgumentException.class, () -> WinogradWeights.transform(v, ro.asSlice(4),
                    arena.allocate(4L * want.length), outC, inC));
            assertThrows(IllegalArgumentException.class, () -> WinogradWeights.transform(v, ro,
                    arena.allocate(4L * want.length - 4), outC, inC));
        }
    }

    @ParameterizedTest(name = "{0} weights")
    @CsvSource({"35", "37"})
    void refusesWeightsOfTheWrongSize(int n) {
        assertThrows(IllegalArgumentException.class,
                () -> WinogradWeights.transform(WinogradVariant.F4X4, new float[n], 2, 2));
    }
}
