package io.jengine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise float32 transcendentals for epilogues and elementwise tactics, written out so that they cost a fixed
 * handful of FMAs on every machine (the Vector API's own EXP falls back to a scalar loop where no vector math library
 * is present). exp, sigmoid and Gelu are within a few float ulps of the exact values, tanh within about 25; NaN
 * stays NaN.
 */
public final class FloatVectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    // Cephes expf: ln 2 split so that n * LN2_HI is exact for |n| < 2^9, and the minimax polynomial of e^r on
    // |r| <= ln2/2, within one ulp.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f,
            P3 = 4.1665795894E-2f, P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;
    /** exp(x) overflows float above this and drops below the smallest normal float under EXP_MIN. */
    private static final float EXP_MAX = 88.72283905206835f, EXP_MIN = -87.33654475f;
    /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;

    private FloatVectorMath() {}

    private static FloatVector k(float c) { return FloatVector.broadcast(S, c); }

    /**
     * e^x; +Inf above 88.72, and 0 where the result would fall below about twice the smallest normal float (from
     * x ~ -86.9 on): an absolute error under 2.4e-38 that spares the subnormal exponent encoding.
     */
    public static FloatVector exp(FloatVector x) { return expOfSum(x, FloatVector.zero(S)); }

    /**
     * e^(a + b) for an argument given as an unevaluated sum with |b| much smaller than |a| (a float and its
     * remainder): the range reduction subtracts n ln 2 from a exactly before adding b, so the rounding of a + b costs
     * nothing. Same range and flushing as {@link #exp}.
     */
    static FloatVector expOfSum(FloatVector a, FloatVector b) {
        FloatVector x = a.add(b);
        // Clamping keeps n in the exponent's range; MIN/MAX follow Math.min/max, so NaN passes through. Lanes where
        // the clamp bites are replaced by the blends at the end.
        FloatVector n = x.max(-100f).min(100f).mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(k(-LN2_HI), a).add(b);
        r = n.fma(k(-LN2_LO), r);
        FloatVector p = r.fma(P0, P1).fma(r, k(P2)).fma(r, k(P3)).fma(r, k(P4)).fma(r, k(P5));
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n is built as 2^(n-1) * 2 so that n = 128 (x just below EXP_MAX) still has an exponent field.
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(126).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = p.add(p).mul(bits.reinterpretAsFloats());
        e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
        return e.blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
    }

    /** The logistic function 1 / (1 + e^-x): exactly 0 far below zero, 1 far above. */
    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /**
     * tanh(x): 1 - 2 / (e^2x + 1), which is within about 20 ulps from |x| = 1/8 on; below that its cancellation would
     * lose digits, so the Taylor series to x^9 (truncation error under 1e-9 relative) takes over.
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector viaExp = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(x.add(x)).add(1f)));
        FloatVector x2 = x.mul(x);
        FloatVector series = x2.fma(62f / 2835f, -17f / 315f).fma(x2, k(2f / 15f)).fma(x2, k(-1f / 3f)).mul(x2).fma(x, x);
        return viaExp.blend(series, x.abs().compare(VectorOperators.LT, 0.125f));
    }

    /**
     * Gelu's exact form 0.5 x (1 + erf(x / sqrt 2)), within a few ulps everywhere. 1 + erf is taken from erfc(|z|)
     * (Numerical Recipes' Chebyshev fit {@code erfcc}, 1.2e-7 relative) on either side of zero, so that it keeps its
     * relative precision where erf approaches -1. The fit is t * e^(-z^2 + poly(t)); z^2 = x^2 / 2 is formed exactly
     * (x^2 split into a float and its FMA remainder, passed to one exp as an unevaluated sum) because an error d in the exponent is a relative error d in the
     * result, and rounding z or z^2 would cost 2e-6 at z = 4.5.
     */
    public static FloatVector gelu(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(ax.fma(k(0.5f * 0.70710678118654752f), k(1f)));
        FloatVector poly = t.fma(0.17087277f, -0.82215223f).fma(t, k(1.48851587f)).fma(t, k(-1.13520398f))
                .fma(t, k(0.27886807f)).fma(t, k(-0.18628806f)).fma(t, k(0.09678418f)).fma(t, k(0.37409196f))
                .fma(t, k(1.00002368f)).fma(t, k(-1.26551223f));
        FloatVector hi = ax.mul(ax), lo = ax.fma(ax, hi.neg());
        FloatVector erfc = t.mul(expOfSum(hi.mul(-0.5f), lo.fma(k(-0.5f), poly)));
        // Beyond |x| = 20 erfc is 0 in float; the guard also keeps inf * inf - inf (NaN) out of the remainder.
        erfc = erfc.blend(0f, ax.compare(VectorOperators.GT, 20f));
        FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, x.compare(VectorOperators.LT, 0f));
        return x.mul(0.5f).mul(onePlusErf);
    }
}
