package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.cpu.ref.ReferenceActivations;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The vector transcendentals and every activation against the reference's double-precision functions, far tighter
 * than the GEMM tolerance (whose 1e-3 relative margin would hide a wrong coefficient), plus the special values.
 */
class ActivationAccuracyTest {
    /** Checks {@code act} at many points of [lo, hi] within {@code rel} relative plus {@code abs} absolute error. */
    private static void sweep(String name, Activation act, DoubleUnaryOperator want, double lo, double hi, double rel,
            double abs) {
        int points = 200_003;
        for (int i = 0; i <= points; i++) {
            float x = (float) (lo + (hi - lo) * i / points);
            double w = want.applyAsDouble(x);
            float got = act.apply(x);
            if (!(Math.abs(got - w) <= rel * Math.abs(w) + abs)) {
                fail(name + "(" + x + ") = " + got + ", want " + w + " (error " + Math.abs(got - w) / Math.abs(w) + " relative)");
            }
        }
    }

    private static DoubleUnaryOperator ref(String name, float... p) { return ReferenceActivations.of(name, p); }

    @Test
    void transcendentalsAreWithinAFewUlps() {
        // One float ulp is 6e-8 to 1.2e-7 relative.
        sweep("Sigmoid", Activation.sigmoid(), ref("Sigmoid"), -87, 30, 4e-7, 1e-38);
        sweep("SiLU", Activation.silu(), ref("SiLU"), -80, 30, 4e-7, 1e-36);
        // The reference forms 1 + erf(z) from a double erf near -1, which carries an absolute error of an ulp of 1
        // (2.2e-16, times |x| / 2 in Gelu) and is exactly 0 below x = -8.49; the float version uses erfc, which
        // keeps its relative precision there.
        sweep("Gelu", Activation.gelu(), ref("Gelu"), -12, 12, 5e-7, 2e-15);
        sweep("Tanh", Activation.tanh(), ref("Tanh"), -12, 12, 3e-6, 1e-38);
        sweep("Tanh near 0", Activation.tanh(), ref("Tanh"), -0.2, 0.2, 3e-6, 1e-38);
        sweep("Gelu near 0", Activation.gelu(), ref("Gelu"), -0.01, 0.01, 5e-7, 1e-38);
    }

    @Test
    void piecewiseActivationsAreExactUpToTheirFloatRounding() {
        sweep("Relu", Activation.relu(), ref("Relu"), -5, 5, 0, 0);
        sweep("Clip", Activation.clip(-1.5f, 2f), ref("Clip", -1.5f, 2f), -5, 5, 0, 0);
        sweep("LeakyRelu", Activation.leakyRelu(0.01f), ref("LeakyRelu", 0.01f), -5, 5, 1e-7, 0);
        sweep("HardSigmoid", Activation.hardSigmoid(0.2f, 0.5f), ref("HardSigmoid", 0.2f, 0.5f), -5, 5, 2e-7, 1e-8);
        // Near x = -3, x / 6 + 0.5 cancels: its float rounding (an ulp of 0.5) times |x| is the absolute error.
        sweep("HardSwish", Activation.hardSwish(), ref("HardSwish"), -5, 5, 3e-7, 3 * 6e-8);
    }

    @Test
    void specialValuesMatchTheReference() {
        String[] names = {"None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "SiLU", "Gelu"};
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 100f, -100f, 1e-30f};
        for (String n : names) {
            float[] p = switch (n) {
                case "Clip", "HardSigmoid" -> new float[] {0.25f, 0.75f};
                case "LeakyRelu" -> new float[] {0.1f};
                default -> new float[0];
            };
            Activation act = Activation.of(n, p);
            for (float x : specials) {
                double want = ref(n, p).applyAsDouble(x);
                float got = act.apply(x);
                if (Double.isNaN(want) || Double.isInfinite(want)) {
                    assertEquals((float) want, got, n + "(" + x + ")");
                } else {
                    assertTrue(Math.abs(got - want) <= 1e-6 * Math.abs(want) + 1e-37, n + "(" + x + ") = " + got + ", want " + want);
                }
            }
        }
    }
}
