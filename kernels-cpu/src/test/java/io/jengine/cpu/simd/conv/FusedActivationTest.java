package io.jengine.cpu.simd.conv;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceActivations;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Every fused activation against the reference formula in double, on a sweep across the whole float range, random
 * values, and the special values (NaN, the infinities, signed zeros, the edges of the exponential's range).
 */
class FusedActivationTest {
    static final String[] NAMES = {"None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
            "SiLU", "Gelu"};
    static final float[][] PARAMS = {{}, {}, {-0.5f, 0.7f}, {0.1f}, {}, {0.2f, 0.5f}, {}, {}, {}, {}};

    @Test
    void matchesTheReferenceEverywhere() {
        float[] x = values();
        for (int k = 0; k < NAMES.length; k++) {
            DoubleUnaryOperator want = ReferenceActivations.of(NAMES[k], PARAMS[k]);
            float[] got = x.clone();
            FusedActivation.of(NAMES[k], PARAMS[k]).applyInPlace(got, 0, got.length);
            for (int i = 0; i < x.length; i++) {
                double w = want.applyAsDouble(x[i]);
                float g = got[i];
                boolean ok = Double.isNaN(w) ? Float.isNaN(g)
                        : Double.isInfinite(w) ? g == w
                        : g == w || Math.abs(g - w) <= 4e-7 * Math.abs(w) + 1e-30 + cancellation(NAMES[k], PARAMS[k], x[i]);
                if (!ok) throw new AssertionError(NAMES[k] + "(" + x[i] + "): want " + w + ", got " + g);
            }
        }
    }

    /**
     * A few float ulps relative (4e-7) is the bound, plus 1e-30 absolute (sigmoid's e^-x overflows below x = -88.7,
     * so SiLU's x sigmoid(x), about 1e-37 there, comes out 0); HardSigmoid and HardSwish
     * also round a x + b, which near the clamp's lower edge cancels to a small result, so they get two roundings of
     * the terms' size: u (|a x| + |b|), times |x| for HardSwish.
     */
    private static double cancellation(String name, float[] p, float x) {
        double u = 0x1p-24;
        return switch (name) {
            case "HardSigmoid" -> 2 * u * (Math.abs(p[0] * x) + Math.abs(p[1]));
            case "HardSwish" -> 2 * u * Math.abs(x) * (Math.abs(x / 6) + 0.5);
            // Here the reference is the less accurate one: its 1 + erf(x / sqrt 2) in double cancels to double's
            // resolution (it returns 0 from x = -8.5 on), while the kernel computes erfc directly.
            // For x < 0 the kernel's e^(-x^2/2 + ...) carries the rounding of its argument, relative x^2/2 * u, plus
            // erfc's fit (1.2e-7).
            case "Gelu" -> Math.abs(x) * 0x1p-52 + (x < 0 ? (x * x / 2 * u + 1.2e-7) * Math.abs(x) * 0.5 * erfcBound(x) : 0);
            default -> 0;
        };
    }

    /** An upper bound on erfc(|x| / sqrt 2) for x < 0: e^(-x^2/2) (Chernoff), at most 1. */
    private static double erfcBound(float x) { return Math.exp(-(double) x * x / 2); }

    @Test
    void unknownNamesAndMissingParametersAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> FusedActivation.of("Softsign", null));
        assertTrue(e.getMessage().contains("'Softsign' cannot be fused"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FusedActivation.of("Clip", new float[] {0f}));
        assertTrue(e.getMessage().contains("Clip needs 2 parameter(s), got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FusedActivation.of("Clip", new float[] {1f, 0f}));
        assertTrue(e.getMessage().contains("min <= max"), e.getMessage());
    }

    /** The test values, padded to a whole number of vectors. */
    private static float[] values() {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72f, 88.73f, -87.3f, -87.4f, -88.8f, 89f, -104f,
                0.625f, -0.625f, 0.62499994f, 1e-4f, -1e-4f, 1e-30f, 44f, -44f, 9f, -9f, 3f, -3f, 0.5f, -0.5f};
        Random r = new Random(1);
        int n = special.length + 2001 + 4000;
        float[] x = new float[Math.ceilDiv(n, FloatVector.SPECIES_PREFERRED.length()) * FloatVector.SPECIES_PREFERRED.length()];
        System.arraycopy(special, 0, x, 0, special.length);
        int i = special.length;
        for (int k = 0; k <= 2000; k++) x[i++] = -20f + k * 0.02f;
        while (i < x.length) x[i++] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian() * 3));
        return x;
    }
}
