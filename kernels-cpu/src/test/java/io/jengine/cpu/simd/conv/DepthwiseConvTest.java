package io.jengine.cpu.simd.conv;

import static io.jengine.cpu.simd.conv.DirectConvReference.floats;
import static io.jengine.cpu.simd.conv.DirectConvReference.normal;
import static io.jengine.cpu.simd.conv.DirectConvReference.segment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.verify.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The depthwise kernel against a double-precision direct convolution, within the float32 summation bound. */
class DepthwiseConvTest {
    @Test
    void kernelsStridesPadsAndDilations() {
        long seed = 1;
        // inC, multiplier, H, W, k, stride, pads t l b r, dilation, batch
        int[][] cases = {
                {5, 1, 7, 7, 3, 1, 1, 1, 1, 1, 1, 1}, {3, 1, 13, 13, 3, 2, 1, 1, 1, 1, 1, 2},
                {4, 1, 14, 14, 5, 1, 2, 2, 2, 2, 1, 1}, {2, 1, 17, 23, 5, 2, 2, 2, 2, 2, 1, 1},
                {3, 1, 56, 56, 3, 1, 1, 1, 1, 1, 1, 1}, {3, 1, 57, 41, 3, 2, 0, 1, 1, 0, 1, 1},
                {2, 2, 9, 11, 3, 1, 2, 2, 2, 2, 2, 1}, {3, 3, 1, 1, 3, 1, 1, 1, 1, 1, 1, 2},
                {2, 1, 6, 1, 3, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 10, 37, 7, 3, 3, 0, 2, 3, 1, 1},
                // wide rows, so that the four-vector blocks run at every stride and with dilation
                {2, 1, 9, 75, 3, 2, 1, 1, 1, 1, 1, 1}, {2, 1, 6, 70, 3, 1, 2, 2, 2, 2, 2, 1},
                {1, 2, 5, 101, 5, 3, 2, 2, 2, 2, 2, 1}, {2, 1, 7, 113, 3, 2, 0, 0, 1, 1, 1, 1}};
        for (int[] c : cases) {
            ConvParams p = new ConvParams(c[11], c[0], c[2], c[3], c[0] * c[1], c[4], c[4], c[5], c[5], c[6], c[7],
                    c[8], c[9], c[10], c[10], c[0]);
            check(p, seed++, "None", null, false, false, 1);
        }
    }

    @Test
    void everyPadCombinationAtBothStrides() {
        long seed = 50;
        for (int stride = 1; stride <= 2; stride++) {
            for (int pads = 0; pads < 81; pads++) {
                int t = pads % 3, l = pads / 3 % 3, b = pads / 9 % 3, r = pads / 27;
                check(new ConvParams(1, 2, 7, 10, 2, 3, 3, stride, stride, t, l, b, r, 1, 1, 2), seed++, "None", null,
                        true, false, 1);
            }
        }
    }

    @Test
    void everyActivationWithBiasAndResidual() {
        String[] names = {"None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "SiLU", "Gelu"};
        float[][] params = {{}, {}, {-0.5f, 0.7f}, {0.1f}, {}, {0.2f, 0.5f}, {}, {}, {}, {}};
        for (int i = 0; i < names.length; i++) {
            check(ConvParams.of(2, 11, 12, 19, 11, 3, 1 + i % 2, 1, 1, 11), 200 + i, names[i], params[i], true, true, 2);
        }
    }

    @Test
    void twoThreadsGiveTheSameBitsAsOne() {
        ConvParams p = ConvParams.of(2, 9, 21, 30, 9, 5, 2, 2, 1, 9);
        Random r = new Random(9);
        MemorySegment x = segment(normal(r, p.inputSize(), 1));
        DepthwiseConv conv = DepthwiseConv.prepare(p, segment(normal(r, p.weightSize(), 0.3)),
                Epilogue.of(normal(r, 9, 1), false, FusedActivation.of("SiLU", null)));
        assertArrayEquals(run(conv, x, null, 1), run(conv, x, null, 2));
    }

    @Test
    void nanAndInfinityReachExactlyTheirWindows() {
        ConvParams p = ConvParams.of(1, 2, 9, 9, 2, 3, 1, 1, 1, 2);
        Random r = new Random(4);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 0.5);
        x[4 * 9 + 4] = Float.NaN;
        x[81 + 2 * 9 + 6] = Float.NEGATIVE_INFINITY;
        float[] y = run(DepthwiseConv.prepare(p, segment(w), Epilogue.none()), segment(x), null, 1);
        for (int c = 0; c < 2; c++) {
            int iy = c == 0 ? 4 : 2, ix = c == 0 ? 4 : 6;
            for (int oy = 0; oy < 9; oy++) {
                for (int ox = 0; ox < 9; ox++) {
                    float v = y[(c * 9 + oy) * 9 + ox];
                    boolean reached = Math.abs(oy - iy) <= 1 && Math.abs(ox - ix) <= 1;
                    if (!reached) assertTrue(Float.isFinite(v), "channel " + c + " at " + oy + "," + ox);
                    else if (c == 0) assertTrue(Float.isNaN(v));
                    else assertTrue(Float.isInfinite(v), "an infinity times a finite weight stays infinite");
                }
            }
        }
    }

    @Test
    void badInputIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> DepthwiseConv.prepare(
                ConvParams.of(1, 4, 5, 5, 4, 3, 1, 1, 1, 2), segment(new float[18]), Epilogue.none()));
        assertTrue(e.getMessage().contains("group is 2, not inC = 4"), e.getMessage());
        ConvParams p = ConvParams.of(1, 4, 5, 5, 8, 3, 1, 1, 1, 4);
        e = assertThrows(IllegalArgumentException.class, () -> DepthwiseConv.prepare(p, segment(new float[71]),
                Epilogue.none()));
        assertTrue(e.getMessage().contains("expected at least 72 floats"), e.getMessage());
        DepthwiseConv conv = DepthwiseConv.prepare(p, segment(new float[72]), Epilogue.of(null, true, null));
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(segment(new float[100]), null,
                segment(new float[200]), 1));
        assertTrue(e.getMessage().contains("residual segment is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(segment(new float[100]),
                segment(new float[200]), segment(new float[200]), 0));
        assertTrue(e.getMessage().contains("threads must be positive, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvParams.of(1, 4, 5, 5, 6, 3, 1, 1, 1, 4));
        assertTrue(e.getMessage().contains("group 4 must divide inC 4 and outC 6"), e.getMessage());
    }

    private static float[] run(DepthwiseConv conv, MemorySegment x, MemorySegment res, int threads) {
        MemorySegment y = Arena.ofAuto().allocate(conv.params().outputSize() * Float.BYTES, 64);
        conv.run(x, res, y, threads);
        return floats(y);
    }

    private static void check(ConvParams p, long seed, String act, float[] params, boolean bias, boolean residual,
                              int threads) {
        Random r = new Random(seed);
        float[] x = normal(r, p.inputSize(), 1), w = normal(r, p.weightSize(), 1.0 / p.kH());
        float[] b = bias ? normal(r, p.outC(), 0.5) : null, res = residual ? normal(r, p.outputSize(), 1) : null;
        DepthwiseConv conv = DepthwiseConv.prepare(p, segment(w), Epilogue.of(b, residual, FusedActivation.of(act, params)));
        float[] got = run(conv, segment(x), residual ? segment(res) : null, threads);
        DirectConvReference.Result want = DirectConvReference.conv(p, x, w, b, res, act, params);
        for (int i = 0; i < got.length; i++) {
            Tolerance tol = Tolerance.float32Sum(want.terms(), want.magnitude()[i]);
            if (!tol.accepts(want.y()[i], got[i])) {
                throw new AssertionError(p + " " + act + " at " + i + ": want " + want.y()[i] + ", got " + got[i]);
            }
        }
        assertFalse(got.length == 0);
    }
}
