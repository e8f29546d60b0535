package io.jengine.cpu.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transcendental activations on float arrays in place, vector by vector: each accurate to a few float ulps
 * (relative), with NaN propagated and the infinities giving their limits, since the reference computes the same
 * functions in double.
 *
 * <p>e^x is written out in each loop instead of being a helper: a method that takes or returns a vector is not always
 * inlined by C2 (the Vector API's own methods are force-inlined, ours are not), and a vector that crosses a real call
 * is boxed on the heap, which costs more than the arithmetic. The e^x used: x = n ln2 + r with |r| <= ln2 / 2 (n
 * rounded by adding 1.5 * 2^23), e^r by Cephes' expf polynomial (about 1 ulp), times 2^(n-1) built in the exponent
 * bits and then 2 (2^n itself would overflow the exponent field at n = 128, where e^x is still finite); +inf above
 * ln(FLT_MAX), and 0 instead of a subnormal below ln(FLT_MIN) (a 1e-38 is 0 at any float32 tolerance).
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final FloatVector LOG2E = FloatVector.broadcast(S, 1.44269504088896341f);
    // ln 2 split so that n * LN2_HI is exact for the |n| <= 128 that occur (Cody and Waite, as in Cephes expf).
    private static final FloatVector LN2_HI = FloatVector.broadcast(S, -0.693359375f);
    private static final FloatVector LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
    private static final FloatVector ROUNDER = FloatVector.broadcast(S, 0x1.8p23f);
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float EXP_HI = 88.72283f, EXP_LO = -87.33654f;
    private static final FloatVector P0 = FloatVector.broadcast(S, 1.9875691500e-4f);
    private static final FloatVector P1 = FloatVector.broadcast(S, 1.3981999507e-3f);
    private static final FloatVector P2 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector P3 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector P4 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector P5 = FloatVector.broadcast(S, 5.0000001201e-1f);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f), TWO = FloatVector.broadcast(S, 2f);

    private VectorMath() {}

    /** a[i] = 1 / (1 + e^-a[i]), times a[i] as well for SiLU, for i in [off, off + n), n a multiple of the lanes. */
    static void sigmoid(float[] a, int off, int n, boolean timesX) {
        for (int i = off; i < off + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector z = x.neg();
            // e^z, z = -x (see the class comment)
            FloatVector zc = z.max(EXP_LO).min(EXP_HI);
            FloatVector t = zc.fma(LOG2E, ROUNDER);
            FloatVector k = t.sub(ROUNDER);
            FloatVector r = k.fma(LN2_LO, k.fma(LN2_HI, zc));
            FloatVector p = r.fma(P0, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5).fma(r.mul(r), r).add(ONE);
            IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUNDER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul((FloatVector) bits.reinterpretAsFloats()).mul(TWO)
                    .blend(Float.POSITIVE_INFINITY, z.compare(VectorOperators.GT, EXP_HI));
            // e = +inf below x = -88.7 makes the quotient 0, as it should be.
            FloatVector s = ONE.div(e.add(ONE));
            (timesX ? s.mul(x) : s).intoArray(a, i);
        }
    }

    private static final FloatVector T0 = FloatVector.broadcast(S, -5.70498872745e-3f);
    private static final FloatVector T1 = FloatVector.broadcast(S, 2.06390887954e-2f);
    private static final FloatVector T2 = FloatVector.broadcast(S, -5.37397155531e-2f);
    private static final FloatVector T3 = FloatVector.broadcast(S, 1.33314422036e-1f);
    private static final FloatVector T4 = FloatVector.broadcast(S, -3.33332819422e-1f);

    /**
     * tanh as Cephes tanhf: an odd minimax polynomial below |x| = 0.625 (where 1 - 2 / (e^2|x| + 1) would cancel),
     * that exponential form above (where it loses less than a bit), the sign restored last.
     */
    static void tanh(float[] a, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector s = x.mul(x);
            FloatVector small = s.fma(T0, T1).fma(s, T2).fma(s, T3).fma(s, T4).mul(s).fma(x, x);
            FloatVector z = x.abs().mul(TWO);
            // e^z, z = 2|x| (see the class comment)
            FloatVector zc = z.min(EXP_HI);
            FloatVector t = zc.fma(LOG2E, ROUNDER);
            FloatVector k = t.sub(ROUNDER);
            FloatVector r = k.fma(LN2_LO, k.fma(LN2_HI, zc));
            FloatVector p = r.fma(P0, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5).fma(r.mul(r), r).add(ONE);
            IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUNDER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul((FloatVector) bits.reinterpretAsFloats()).mul(TWO)
                    .blend(Float.POSITIVE_INFINITY, z.compare(VectorOperators.GT, EXP_HI));
            FloatVector large = ONE.sub(TWO.div(e.add(ONE)));
            large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
            large.blend(small, x.abs().compare(VectorOperators.LT, 0.625f)).intoArray(a, i);
        }
    }

    private static final FloatVector E0 = FloatVector.broadcast(S, 0.17087277f);
    private static final FloatVector E1 = FloatVector.broadcast(S, -0.82215223f);
    private static final FloatVector E2 = FloatVector.broadcast(S, 1.48851587f);
    private static final FloatVector E3 = FloatVector.broadcast(S, -1.13520398f);
    private static final FloatVector E4 = FloatVector.broadcast(S, 0.27886807f);
    private static final FloatVector E5 = FloatVector.broadcast(S, -0.18628806f);
    private static final FloatVector E6 = FloatVector.broadcast(S, 0.09678418f);
    private static final FloatVector E7 = FloatVector.broadcast(S, 0.37409196f);
    private static final FloatVector E8 = FloatVector.broadcast(S, 1.00002368f);
    private static final FloatVector E9 = FloatVector.broadcast(S, -1.26551223f);
    private static final FloatVector HALF = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector RSQRT2 = FloatVector.broadcast(S, 0.70710678118654752f);

    /**
     * Gelu, 0.5 x (1 + erf(x / sqrt 2)), with 1 + erf written as erfc(|x| / sqrt 2) for x < 0 and 2 - erfc for x >= 0,
     * since for negative x Gelu is x times a tiny erfc and needs its relative, not absolute, accuracy. erfc(z) for
     * z >= 0 is Numerical Recipes' Chebyshev fit "erfcc", t e^(-z^2 + poly(t)) with t = 1 / (1 + z / 2), relative
     * error below 1.2e-7 everywhere. For x < 0 the rounding of the exponential's argument (about x^2 / 2) adds a
     * relative x^2 / 2 * 2^-24: 1e-6 at x = -5, where Gelu is 7e-6 in magnitude, so never more than 1e-11 absolute.
     */
    static void gelu(float[] a, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector z = x.abs().mul(RSQRT2);
            FloatVector tt = ONE.div(z.fma(HALF, ONE));
            FloatVector q = tt.fma(E0, E1).fma(tt, E2).fma(tt, E3).fma(tt, E4).fma(tt, E5).fma(tt, E6).fma(tt, E7)
                    .fma(tt, E8).fma(tt, E9);
            FloatVector w = z.neg().fma(z, q);
            // e^w (see the class comment); w <= -0.6, so only the lower clamp matters
            FloatVector zc = w.max(EXP_LO);
            FloatVector t = zc.fma(LOG2E, ROUNDER);
            FloatVector k = t.sub(ROUNDER);
            FloatVector r = k.fma(LN2_LO, k.fma(LN2_HI, zc));
            FloatVector p = r.fma(P0, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5).fma(r.mul(r), r).add(ONE);
            IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUNDER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
            FloatVector erfc = tt.mul(p.mul((FloatVector) bits.reinterpretAsFloats()).mul(TWO));
            FloatVector onePlusErf = TWO.sub(erfc).blend(erfc, x.compare(VectorOperators.LT, 0f));
            x.mul(HALF).mul(onePlusErf).intoArray(a, i);
        }
    }
}
