package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.FloatChecks.ulps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.cpu.ref.ReferenceRunner;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The vector exp, log, tanh, sigmoid and erf against double-precision Math over the whole float range, in ulps. */
class VectorMathTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 88.72283f,
        88.72284f, -87.33655f, -103.9f, -104.5f, 0.625f, -0.625f, 0.875f, -0.875f, 4f, -4f, 1e-30f, 3.9999f};

    /** Every finite float exponent, both signs, plus a dense band in [-lo, hi] where the functions vary most. */
    private static float[] inputs(float band) {
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 40_000;
        float[] x = new float[n + SPECIAL.length];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt() & 0xff7fffff | (rnd.nextInt(254) << 23) & 0x7f800000)
                    : (float) ((rnd.nextDouble() * 2 - 1) * band);
            if (i % 2 == 0 && rnd.nextBoolean()) x[i] = -Math.abs(x[i]);
        }
        System.arraycopy(SPECIAL, 0, x, n, SPECIAL.length);
        return x;
    }

    private static float[] apply(UnaryOp op, float[] x) {
        float[] y = new float[x.length];
        UnaryActivations.apply(op, null, MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, x.length);
        return y;
    }

    private static void assertUlps(UnaryOp op, DoubleUnaryOperator exact, float band, double maxUlps) {
        float[] x = inputs(band);
        float[] y = apply(op, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = exact.applyAsDouble(x[i]);
            double e = ulps(want, y[i]);
            if (!(e <= maxUlps)) fail(op + "(" + x[i] + ") = " + y[i] + ", expected " + (float) want + " (" + e + " ulps)");
            worst = Math.max(worst, e);
        }
        assertTrue(worst <= maxUlps);
    }

    @Test
    void expWithinTwoUlps() { assertUlps(UnaryOp.EXP, Math::exp, 110, 2); }

    @Test
    void logWithinTwoUlps() {
        assertUlps(UnaryOp.LOG, Math::log, 4, 2);
        float[] y = apply(UnaryOp.LOG, new float[] {-0f, 0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE});
        assertEquals(Float.NEGATIVE_INFINITY, y[0]);
        assertEquals(Float.NEGATIVE_INFINITY, y[1]);
        assertTrue(Float.isNaN(y[2]) && Float.isNaN(y[3]));
        assertEquals(Float.POSITIVE_INFINITY, y[4]);
        assertEquals((float) Math.log(Float.MIN_VALUE), y[5], 1e-5f);
    }

    @Test
    void tanhWithinThreeUlps() { assertUlps(UnaryOp.TANH, Math::tanh, 12, 3); }

    @Test
    void sigmoidWithinThreeUlps() { assertUlps(UnaryOp.SIGMOID, x -> 1 / (1 + Math.exp(-x)), 100, 3); }

    @Test
    void erfWithinTwoUlps() { assertUlps(UnaryOp.ERF, ReferenceRunner::erf, 5, 2); }

    @Test
    void softplusWithinThreeUlps() {
        assertUlps(UnaryOp.SOFTPLUS, x -> x > 30 ? x : Math.log1p(Math.exp(x)), 110, 3);
    }

    @Test
    void oddFunctionsKeepTheSignOfZero() {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.TANH, UnaryOp.ERF, UnaryOp.NEG, UnaryOp.GELU}) {
            float[] y = apply(op, new float[] {-0f, 0f});
            float negZero = op == UnaryOp.NEG ? 0f : -0f, posZero = op == UnaryOp.NEG ? -0f : 0f;
            assertEquals(Float.floatToRawIntBits(negZero), Float.floatToRawIntBits(y[0]), op + "(-0)");
            assertEquals(Float.floatToRawIntBits(posZero), Float.floatToRawIntBits(y[1]), op + "(+0)");
        }
    }
}
