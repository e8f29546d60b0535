package io.jengine.cpu.simd.conv;

import static io.jengine.cpu.simd.conv.DirectConvReference.floats;
import static io.jengine.cpu.simd.conv.DirectConvReference.normal;
import static io.jengine.cpu.simd.conv.DirectConvReference.segment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The tile transforms on the channel-blocked and channels-last layouts, with the products between them computed here
 * (a plain float sum in increasing input channel, as the bound assumes), against the double-precision direct
 * convolution element by element within {@link WinogradConv3x3}'s bound: every layout, variant, pad, chunking and
 * epilogue, and the non-finite inputs that the caller must compute another way.
 */
class BlockedWinogradTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void oddSizesBatchesAndPadsOnBothLayouts() {
        int[][] shapes = { // batch, inC / L, H, W, outC / L, padTop, padLeft, padBottom, padRight
                {1, 1, 7, 7, 1, 1, 1, 1, 1}, {2, 2, 13, 10, 1, 1, 1, 1, 1}, {1, 1, 6, 9, 2, 0, 2, 2, 0},
                {1, 2, 1, 1, 1, 1, 1, 1, 1}, {2, 1, 9, 14, 3, 0, 0, 0, 0}, {1, 3, 17, 5, 2, 2, 1, 0, 2},
                // more output channel groups than one output pass takes
                {1, 2, 5, 6, 19, 1, 1, 1, 1}};
        long seed = 1;
        for (WinogradVariant v : WinogradVariant.values()) {
            for (int block : new int[] {L, 0}) {
                for (int[] s : shapes) {
                    ConvParams p = new ConvParams(s[0], s[1] * L, s[2], s[3], s[4] * L, 3, 3, 1, 1, s[5], s[6], s[7],
                            s[8], 1, 1, 1);
                    check(v, p, block, seed++, "None", null, false, false, Integer.MAX_VALUE, 1);
                }
            }
        }
    }

    @Test
    void everyActivationWithBiasAndResidualInChunks() {
        String[] names = {"None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "SiLU", "Gelu"};
        float[][] params = {{}, {}, {-0.5f, 0.7f}, {0.1f}, {}, {0.2f, 0.5f}, {}, {}, {}, {}};
        for (int i = 0; i < names.length; i++) {
            for (WinogradVariant v : WinogradVariant.values()) {
                ConvParams p = ConvParams.of(2, 2 * L, 9, 11, L, 3, 1, 1, 1, 1);
                // 7 tiles per chunk: chunks cross tile rows and images, the last one short
                check(v, p, i % 2 == 0 ? L : 0, 200 + i, names[i], params[i], true, true, 7, 2);
            }
        }
    }

    @Test
    void twoThreadsChunksAndGapsGiveTheSameBitsAsOne() {
        ConvParams p = ConvParams.of(2, 2 * L, 12, 10, 2 * L, 3, 1, 1, 1, 1);
        Random r = new Random(7);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 0.1);
        for (WinogradVariant v : WinogradVariant.values()) {
            BlockedWinograd t = new BlockedWinograd(p, L, v, normal(r, p.outC(), 1), false,
                    FusedActivation.of("Gelu", null));
            float[] u = t.transformWeights(w);
            float[] one = run(t, u, segment(x), null, t.tiles(), 1, false), two = run(t, u, segment(x), null, 5, 2, true);
            assertArrayEquals(one, two);
        }
    }

    @Test
    void theResidualMayBeTheOutputItself() {
        ConvParams p = ConvParams.of(1, L, 8, 8, L, 3, 1, 1, 1, 1);
        Random r = new Random(9);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 0.2), res = normal(r, p.outputSize(), 1);
        BlockedWinograd t = new BlockedWinograd(p, L, WinogradVariant.F4X4, null, true, FusedActivation.of("Relu", null));
        float[] u = t.transformWeights(w);
        float[] apart = run(t, u, segment(x), segment(res), t.tiles(), 1, false);
        MemorySegment y = segment(res);
        MemorySegment v = Arena.ofAuto().allocate(4L * t.positions() * t.tiles() * p.inC(), 64);
        MemorySegment m = Arena.ofAuto().allocate(4L * t.positions() * t.tiles() * p.outC(), 64);
        t.input(segment(x), 0, t.tiles(), v, t.tiles(), 1);
        multiply(t, u, v, (long) t.tiles() * p.inC(), m, (long) t.tiles() * p.outC(), t.tiles());
        t.output(m, 0, t.tiles(), t.tiles(), y, y, 1);
        assertArrayEquals(apart, floats(y));
        assertThrows(IllegalArgumentException.class,
                () -> t.output(m, 0, t.tiles(), t.tiles(), y.asSlice(4), y.asSlice(0, y.byteSize() - 4), 1));
    }

    @Test
    void nonFiniteInputsAreReportedNotComputed() {
        ConvParams p = ConvParams.of(1, L, 9, 9, L, 3, 1, 1, 1, 1);
        Random r = new Random(3);
        BlockedWinograd t = new BlockedWinograd(p, L, WinogradVariant.F4X4, null, false, null);
        MemorySegment v = Arena.ofAuto().allocate(4L * t.positions() * t.tiles() * p.inC(), 64);
        float[] x = normal(r, p.inputSize(), 1);
        assertTrue(t.inputInRange(segment(x), 1));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int at : new int[] {0, x.length / 2 + 1, x.length - 3}) {
                float[] y = x.clone();
                y[at] = bad;
                assertFalse(t.inputInRange(segment(y), 2), "input holding " + bad + " at " + at);
            }
        }
        float[] huge = x.clone();
        huge[17] = -3e38f; // finite, but a transform of it overflows: reported too, computed directly
        assertFalse(t.inputInRange(segment(huge), 1));
        float[] large = x.clone();
        // the largest the transforms take, in both signs: every transformed value stays finite
        for (int i = 0; i < large.length; i++) large[i] = r.nextBoolean() ? BlockedWinograd.INPUT_LIMIT : -BlockedWinograd.INPUT_LIMIT;
        assertTrue(t.inputInRange(segment(large), 1));
        t.input(segment(large), 0, t.tiles(), v, t.tiles(), 1);
        for (long i = 0; i < v.byteSize() / 4; i++) {
            assertTrue(Float.isFinite(v.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i)), "V[" + i + "] finite");
        }
    }

    @Test
    void unsupportedGeometryAndBadBuffersAreNamed() {
        assertTrue(BlockedWinograd.unsupportedReason(ConvParams.of(1, L, 8, 8, L, 3, 2, 1, 1, 1), L).contains("strides"));
        assertTrue(BlockedWinograd.unsupportedReason(ConvParams.of(1, L + 1, 8, 8, L, 3, 1, 1, 1, 1), 0)
                .contains("not multiples of the vector width"));
        assertTrue(BlockedWinograd.unsupportedReason(ConvParams.of(1, 2 * L, 8, 8, 2 * L, 3, 1, 1, 1, 1), 2 * L)
                .contains("is not the vector width"));
        assertNull(BlockedWinograd.unsupportedReason(ConvParams.of(1, L, 8, 8, L, 3, 1, 1, 1, 1), 0));
        ConvParams p = ConvParams.of(1, L, 8, 8, L, 3, 1, 1, 1, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BlockedWinograd(p, L, WinogradVariant.F4X4, new float[3], false, null));
        assertTrue(e.getMessage().contains("bias has 3 values"), e.getMessage());
        BlockedWinograd t = new BlockedWinograd(p, L, WinogradVariant.F4X4, null, false, null);
        e = assertThrows(IllegalArgumentException.class, () -> t.transformWeights(new float[5]));
        assertTrue(e.getMessage().contains("weights must hold"), e.getMessage());
        MemorySegment v = Arena.ofAuto().allocate(4L * t.positions() * t.tiles() * L, 64);
        e = assertThrows(IllegalArgumentException.class,
                () -> t.input(segment(new float[10]), 0, t.tiles(), v, t.tiles(), 1));
        assertTrue(e.getMessage().contains("input segment"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> t.input(segment(new float[(int) p.inputSize()]), 0, t.tiles() + 1, v, t.tiles() + 1, 1));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    }

    /** NCHW to the layout ({@code block} L: [N, C/L, H, W, L]; 0: [N, H, W, C]). */
    static float[] toLayout(float[] a, int n, int c, int h, int w, int block) {
        float[] out = new float[a.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int from = ((i * c + ch) * h + y) * w + x;
                        int to = block == 0 ? ((i * h + y) * w + x) * c + ch
                                : (((i * (c / block) + ch / block) * h + y) * w + x) * block + ch % block;
                        out[to] = a[from];
                    }
                }
            }
        }
        return out;
    }

    static float[] fromLayout(float[] a, int n, int c, int h, int w, int block) {
        float[] out = new float[a.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int to = ((i * c + ch) * h + y) * w + x;
                        int from = block == 0 ? ((i * h + y) * w + x) * c + ch
                                : (((i * (c / block) + ch / block) * h + y) * w + x) * block + ch % block;
                        out[to] = a[from];
                    }
                }
            }
        }
        return out;
    }

    /** M[xi] = V[xi] U[xi], summed in float in increasing input channel. */
    /** M = V U per position, V and M {@code vStride} and {@code mStride} floats from one position to the next. */
    private static void multiply(BlockedWinograd t, float[] u, MemorySegment v, long vStride, MemorySegment m,
                                 long mStride, int rows) {
        int inC = t.params().inC(), outC = t.params().outC();
        float[] vv = floats(v);
        float[] mm = new float[(int) (m.byteSize() / 4)];
        for (int xi = 0; xi < t.positions(); xi++) {
            for (int r = 0; r < rows; r++) {
                for (int oc = 0; oc < outC; oc++) {
                    float s = 0;
                    for (int ic = 0; ic < inC; ic++) {
                        s += vv[(int) (xi * vStride) + r * inC + ic] * u[(xi * inC + ic) * outC + oc];
                    }
                    mm[(int) (xi * mStride) + r * outC + oc] = s;
                }
            }
        }
        MemorySegment.copy(mm, 0, m, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, mm.length);
    }

    /**
     * The whole convolution in chunks of {@code rows} tiles; x and res in the layout, the result too. V and M are
     * laid out with {@link BlockedWinograd#positionStride}'s gaps where {@code gaps}, densely otherwise.
     */
    private static float[] run(BlockedWinograd t, float[] u, MemorySegment x, MemorySegment res, int rows, int threads,
                               boolean gaps) {
        rows = Math.min(rows, t.tiles());
        ConvParams p = t.params();
        long vStride = gaps ? BlockedWinograd.positionStride(rows, p.inC()) : (long) rows * p.inC();
        long mStride = gaps ? BlockedWinograd.positionStride(rows, p.outC()) : (long) rows * p.outC();
        MemorySegment y = Arena.ofAuto().allocate(p.outputSize() * Float.BYTES, 64);
        MemorySegment v = Arena.ofAuto().allocate(4L * t.positions() * vStride, 64);
        MemorySegment m = Arena.ofAuto().allocate(4L * t.positions() * mStride, 64);
        for (int t0 = 0; t0 < t.tiles(); t0 += rows) {
            int t1 = Math.min(t.tiles(), t0 + rows);
            if (gaps) t.input(x, t0, t1, v, rows, vStride, threads);
            else t.input(x, t0, t1, v, rows, threads);
            multiply(t, u, v, vStride, m, mStride, rows);
            if (gaps) t.output(m, t0, t1, rows, mStride, res, y, threads);
            else t.output(m, t0, t1, rows, res, y, threads);
        }
        return floats(y);
    }

    private static void check(WinogradVariant v, ConvParams p, int block, long seed, String act, float[] params,
                              boolean bias, boolean residual, int rows, int threads) {
        Random r = new Random(seed);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 1 / Math.sqrt(9.0 * p.inC()));
        float[] b = bias ? normal(r, p.outC(), 0.5) : null, res = residual ? normal(r, p.outputSize(), 1) : null;
        int outH = p.outH(), outW = p.outW();
        BlockedWinograd t = new BlockedWinograd(p, block, v, b, residual, FusedActivation.of(act, params));
        float[] got = fromLayout(run(t, t.transformWeights(w),
                segment(toLayout(x, p.batch(), p.inC(), p.inH(), p.inW(), block)),
                residual ? segment(toLayout(res, p.batch(), p.outC(), outH, outW, block)) : null, rows, threads,
                seed % 3 != 0),
                p.batch(), p.outC(), outH, outW, block);
        double[] want = DirectConvReference.conv(p, x, w, b, res, act, params).y();
        WinogradConv3x3Test.assertWithinBound(v, p, x, w, b, res, want, got, v + " block " + block + " " + p + " " + act);
    }
}
