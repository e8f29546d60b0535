package io.jengine.cpu.simd.conv;

import static io.jengine.cpu.simd.conv.DirectConvReference.floats;
import static io.jengine.cpu.simd.conv.DirectConvReference.normal;
import static io.jengine.cpu.simd.conv.DirectConvReference.segment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.verify.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both Winograd variants against a double-precision direct convolution, element by element within the bound derived in
 * {@link WinogradConv3x3}'s Javadoc, and on realistic data within 1e-5 of the output's magnitude.
 */
class WinogradConv3x3Test {
    @Test
    void oddSizesBatchesAndChannels() {
        int[][] shapes = { // batch, inC, H, W, outC, pad
                {1, 3, 7, 7, 5, 1}, {2, 13, 13, 13, 7, 0}, {1, 8, 14, 14, 16, 1}, {2, 5, 1, 1, 3, 1},
                {1, 4, 3, 3, 4, 0}, {1, 9, 56, 56, 10, 1}, {2, 17, 10, 6, 19, 1}, {1, 1, 5, 23, 1, 2}};
        long seed = 1;
        for (WinogradVariant v : WinogradVariant.values()) {
            for (int[] s : shapes) {
                check(v, ConvParams.of(s[0], s[1], s[2], s[3], s[4], 3, 1, s[5], 1, 1), seed++, "None", null, false,
                        false, 1);
            }
        }
    }

    @Test
    void everyPadCombination() {
        long seed = 100;
        for (int t = 0; t <= 2; t++) {
            for (int l = 0; l <= 2; l++) {
                for (int b = 0; b <= 2; b++) {
                    for (int r = 0; r <= 2; r++) {
                        for (WinogradVariant v : WinogradVariant.values()) {
                            check(v, new ConvParams(1, 3, 6, 9, 7, 3, 3, 1, 1, t, l, b, r, 1, 1, 1), seed++, "None",
                                    null, true, false, 1);
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyActivationWithBiasAndResidual() {
        String[] names = {"None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "SiLU", "Gelu"};
        float[][] params = {{}, {}, {-0.5f, 0.7f}, {0.1f}, {}, {0.2f, 0.5f}, {}, {}, {}, {}};
        for (int i = 0; i < names.length; i++) {
            for (WinogradVariant v : WinogradVariant.values()) {
                check(v, ConvParams.of(2, 6, 9, 11, 10, 3, 1, 1, 1, 1), 200 + i, names[i], params[i], true, true, 2);
            }
        }
    }

    @Test
    void twoThreadsGiveTheSameBitsAsOne() {
        for (WinogradVariant v : WinogradVariant.values()) {
            // 2 images of 4 x 5 tiles: 40 tiles, cut into blocks of 48 for one thread and of 32 for two.
            ConvParams p = ConvParams.of(2, 16, 4 * v.tile, 5 * v.tile, 13, 3, 1, 1, 1, 1);
            Random r = new Random(7);
            MemorySegment x = segment(normal(r, p.inputSize(), 1)), w = segment(normal(r, p.weightSize(), 0.1));
            WinogradConv3x3 conv = WinogradConv3x3.prepare(p, w, Epilogue.of(normal(r, p.outC(), 1), false,
                    FusedActivation.of("Gelu", null)), v);
            assertTrue(conv.blockTiles(1) != conv.blockTiles(2), "the thread counts should cut the tiles differently");
            float[] one = run(conv, x, null, 1), two = run(conv, x, null, 2);
            assertArrayEquals(one, two);
            assertArrayEquals(one, run(conv, x, null, 2), "a second run gives the same bits");
        }
    }

    @Test
    void realisticDataWithinOneInHundredThousandOfTheOutputMagnitude() {
        ConvParams p = ConvParams.of(1, 64, 15, 14, 64, 3, 1, 1, 1, 1);
        Random r = new Random(11);
        float[] w = normal(r, p.weightSize(), 1 / Math.sqrt(9 * 64));
        float[] gaussian = normal(r, p.inputSize(), 1);
        float[] relu = gaussian.clone();
        for (int i = 0; i < relu.length; i++) relu[i] = Math.max(0f, relu[i]);
        for (WinogradVariant v : WinogradVariant.values())
        for (float[] x : new float[][] {gaussian, relu}) {
            WinogradConv3x3 conv = WinogradConv3x3.prepare(p, segment(w), Epilogue.none(), v);
            double[] want = DirectConvReference.conv(p, x, w, null, null, "None", null).y();
            float[] got = run(conv, segment(x), null, 1);
            double err = 0, scale = 0;
            for (int i = 0; i < got.length; i++) {
                err = Math.max(err, Math.abs(got[i] - want[i]));
                scale = Math.max(scale, Math.abs(want[i]));
            }
            assertTrue(err <= 1e-5 * scale, v + ": max error " + err + " vs output magnitude " + scale);
        }
    }

    @Test
    void nanReachesEveryOutputOfItsWindowAndNoOtherTile() {
        ConvParams p = ConvParams.of(1, 3, 13, 13, 4, 3, 1, 1, 1, 1);
        Random r = new Random(3);
        float[] x = normal(r, p.inputSize(), 1);
        float[] w = normal(r, p.weightSize(), 0.3);
        int iy = 6, ix = 9;
        x[(13 + iy) * 13 + ix] = Float.NaN; // channel 1
        for (WinogradVariant v : WinogradVariant.values()) {
        int m = v.tile;
        float[] y = run(WinogradConv3x3.prepare(p, segment(w), Epilogue.none(), v), segment(x), null, 1);
        for (int oc = 0; oc < 4; oc++) {
            for (int oy = 0; oy < 13; oy++) {
                for (int ox = 0; ox < 13; ox++) {
                    float val = y[(oc * 13 + oy) * 13 + ox];
                    boolean reached = Math.abs(oy - iy) <= 1 && Math.abs(ox - ix) <= 1;
                    // A tile's input patch spans its outputs -1 .. +m (pad 1): only tiles whose patch holds the NaN change.
                    boolean samePatch = iy >= m * (oy / m) - 1 && iy <= m * (oy / m) + m
                            && ix >= m * (ox / m) - 1 && ix <= m * (ox / m) + m;
                    if (reached) assertTrue(Float.isNaN(val), "output " + oc + "," + oy + "," + ox + " should be NaN");
                    if (!samePatch) assertFalse(Float.isNaN(val), "output " + oc + "," + oy + "," + ox + " should be finite");
                }
            }
        }
        }
    }

    @Test
    void infinityGivesNonFiniteOutputsWhereItReaches() {
        ConvParams p = ConvParams.of(1, 2, 8, 8, 3, 3, 1, 1, 1, 1);
        Random r = new Random(5);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 0.3);
        x[3 * 8 + 4] = Float.POSITIVE_INFINITY;
        float[] y = run(WinogradConv3x3.prepare(p, segment(w), Epilogue.none()), segment(x), null, 1);
        for (int oc = 0; oc < 3; oc++) {
            for (int oy = 2; oy <= 4; oy++) {
                for (int ox = 3; ox <= 5; ox++) assertFalse(Float.isFinite(y[(oc * 8 + oy) * 8 + ox]));
            }
            assertTrue(Float.isFinite(y[(oc * 8 + 7) * 8 + 7]), "a tile whose patch misses the infinity stays finite");
        }
    }

    @Test
    void badInputIsNamed() {
        ConvParams p = ConvParams.of(1, 2, 5, 5, 3, 3, 1, 1, 1, 1);
        MemorySegment w = segment(new float[(int) p.weightSize()]);
        var e = assertThrows(IllegalArgumentException.class,
                () -> WinogradConv3x3.prepare(ConvParams.of(1, 2, 5, 5, 3, 3, 2, 1, 1, 1), w, Epilogue.none()));
        assertTrue(e.getMessage().contains("strides are 2x2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> WinogradConv3x3.prepare(p, segment(new float[10]), Epilogue.none()));
        assertTrue(e.getMessage().contains("weights segment holds 40 bytes, expected at least 54 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> WinogradConv3x3.prepare(p, w, Epilogue.of(new float[2], false, null)));
        assertTrue(e.getMessage().contains("bias has 2 values, expected outC = 3"), e.getMessage());
        WinogradConv3x3 conv = WinogradConv3x3.prepare(p, w, Epilogue.none());
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(segment(new float[49]),
                null, segment(new float[75]), 1));
        assertTrue(e.getMessage().contains("input segment holds 196 bytes, expected at least 50 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(segment(new float[50]),
                null, segment(new float[74]), 1));
        assertTrue(e.getMessage().contains("output segment"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(segment(new float[50]),
                segment(new float[75]), segment(new float[75]), 1));
        assertTrue(e.getMessage().contains("epilogue adds none"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvParams.of(1, 2, 1, 1, 3, 3, 1, 0, 1, 1));
        assertTrue(e.getMessage().contains("kernel extent 3x3 exceeds the padded input 1x1"), e.getMessage());
    }

    private static float[] run(WinogradConv3x3 conv, MemorySegment x, MemorySegment res, int threads) {
        MemorySegment y = Arena.ofAuto().allocate(conv.params().outputSize() * Float.BYTES, 64);
        conv.run(x, res, y, threads);
        return floats(y);
    }

    /**
     * Runs a seeded case and checks every element against the direct convolution within
     * {@code Tolerance.float32Sum(inC + 22, kappa * W * D + |bias| + |residual|)}.
     */
    static void check(WinogradVariant v, ConvParams p, long seed, String act, float[] params, boolean bias,
                      boolean residual, int threads) {
        Random r = new Random(seed);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 1 / Math.sqrt(9.0 * p.inC()));
        float[] b = bias ? normal(r, p.outC(), 0.5) : null, res = residual ? normal(r, p.outputSize(), 1) : null;
        WinogradConv3x3 conv = WinogradConv3x3.prepare(p, segment(w),
                Epilogue.of(b, residual, FusedActivation.of(act, params)), v);
        float[] got = run(conv, segment(x), residual ? segment(res) : null, threads);
        double[] want = DirectConvReference.conv(p, x, w, b, res, act, params).y();
        assertWithinBound(v, p, x, w, b, res, want, got, v + " " + p + " " + act);
    }

    /**
     * Every element of {@code got} (NCHW) against {@code want} within {@code Tolerance.float32Sum(inC + 22, kappa * W
     * * D + |bias| + |residual|)}, the bound of {@link WinogradConv3x3}'s Javadoc.
     */
    static void assertWithinBound(WinogradVariant v, ConvParams p, float[] x, float[] w, float[] b, float[] res,
                                  double[] want, float[] got, String what) {
        int outH = p.outH(), outW = p.outW();
        assertEquals(want.length, got.length);
        for (int n = 0; n < p.batch(); n++) {
            for (int oc = 0; oc < p.outC(); oc++) {
                double wSum = 0;
                for (int i = 0; i < 9 * p.inC(); i++) wSum += Math.abs(w[oc * 9 * p.inC() + i]);
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int o = ((n * p.outC() + oc) * outH + oy) * outW + ox;
                        double mag = v.kappa * wSum * patchMax(p, x, n, v.tile, oy / v.tile, ox / v.tile)
                                + (b == null ? 0 : Math.abs(b[oc])) + (res == null ? 0 : Math.abs(res[o]));
                        Tolerance tol = Tolerance.float32Sum(p.inC() + 22, mag);
                        if (!tol.accepts(want[o], got[o])) {
                            throw new AssertionError(what + " at n=" + n + " oc=" + oc + " y=" + oy + " x=" + ox
                                    + ": want " + want[o] + ", got " + got[o] + " (" + tol + ")");
                        }
                    }
                }
            }
        }
    }

    /** The largest |x| in tile (ty, tx)'s (m+2)x(m+2) input patch over all channels of image n (padding counts as 0). */
    private static double patchMax(ConvParams p, float[] x, int n, int m, int ty, int tx) {
        double max = 0;
        for (int c = 0; c < p.inC(); c++) {
            for (int iy = m * ty - p.padTop(); iy < m * ty - p.padTop() + m + 2; iy++) {
                for (int ix = m * tx - p.padLeft(); ix < m * tx - p.padLeft() + m + 2; ix++) {
                    if (iy >= 0 && iy < p.inH() && ix >= 0 && ix < p.inW()) {
                        max = Math.max(max, Math.abs(x[((n * p.inC() + c) * p.inH() + iy) * p.inW() + ix]));
                    }
                }
            }
        }
        return max;
    }
}
