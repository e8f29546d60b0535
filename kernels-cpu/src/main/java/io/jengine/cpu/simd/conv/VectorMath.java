package io.jengine.cpu.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float transcendental functions on whole vectors, for the activations the epilogue applies: each accurate to a few
 * float ulps (relative), with NaN propagated and the infinities giving their limits, since the reference computes the
 * same functions in double.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {}

    /** A constant in every lane. */
    private static FloatVector B(float v) { return FloatVector.broadcast(S, v); }

    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that n * LN2_HI is exact for the |n| <= 128 that occur (Cody and Waite, as in Cephes expf).
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    // Adding 1.5 * 2^23 rounds a float below 2^22 to an integer, which then sits in the low mantissa bits.
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float EXP_HI = 88.72283f, EXP_LO = -87.33654f;

    /**
     * e^x to about 1 ulp: x = n ln2 + r with |r| <= ln2 / 2, e^r by Cephes' degree-7 minimax polynomial, times 2^n
     * built in the exponent bits. Above ln(FLT_MAX) it is +inf; below ln(FLT_MIN) it flushes to 0 instead of
     * returning a subnormal (nothing downstream can tell a 1e-38 from 0 at float32 tolerance).
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(B(-LN2_HI), xc);
        r = n.fma(B(-LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, B(8.3334519073e-3f));
        p = p.fma(r, B(4.1665795894e-2f));
        p = p.fma(r, B(1.6666665459e-1f));
        p = p.fma(r, B(5.0000001201e-1f));
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^(n-1), then times 2: 2^n itself would overflow the exponent field for n = 128, where e^x is still finite.
        IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUNDER_BITS - 126).lanewise(VectorOperators.LSHL, 23);
        FloatVector y = p.mul((FloatVector) bits.reinterpretAsFloats()).mul(2f);
        return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
    }

    /** 1 / (1 + e^-x): e^-x overflows to +inf for x below -88.7, where the quotient correctly becomes 0. */
    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(x.species(), 1f).div(exp(x.neg()).add(1f));
    }

    /**
     * tanh as Cephes tanhf: an odd minimax polynomial below |x| = 0.625 (where 1 - 2 / (e^2x + 1) would cancel),
     * the exponential form above (where it cannot lose more than a bit), the sign restored last.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector s = x.mul(x);
        FloatVector small = s.fma(-5.70498872745e-3f, 2.06390887954e-2f);
        small = small.fma(s, B(-5.37397155531e-2f));
        small = small.fma(s, B(1.33314422036e-1f));
        small = small.fma(s, B(-3.33332819422e-1f));
        small = small.mul(s).fma(x, x);
        FloatVector e = exp(z.add(z));
        FloatVector large = FloatVector.broadcast(x.species(), 1f).sub(FloatVector.broadcast(x.species(), 2f).div(e.add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, z.compare(VectorOperators.LT, 0.625f));
    }

    /**
     * erfc(z) for z >= 0 with relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit "erfcc"):
     * relative, not absolute, accuracy is what Gelu needs for negative inputs, where it is x times a tiny erfc.
     */
    static FloatVector erfcNonNegative(FloatVector z) {
        FloatVector t = FloatVector.broadcast(z.species(), 1f).div(z.fma(0.5f, 1f));
        FloatVector p = t.fma(0.17087277f, -0.82215223f);
        p = p.fma(t, B(1.48851587f));
        p = p.fma(t, B(-1.13520398f));
        p = p.fma(t, B(0.27886807f));
        p = p.fma(t, B(-0.18628806f));
        p = p.fma(t, B(0.09678418f));
        p = p.fma(t, B(0.37409196f));
        p = p.fma(t, B(1.00002368f));
        p = p.fma(t, B(-1.26551223f));
        return t.mul(exp(p.sub(z.mul(z))));
    }

    /** 0.5 x (1 + erf(x / sqrt 2)), with 1 + erf written as erfc(|x| / sqrt 2) or 2 - erfc(...) to keep relative accuracy. */
    static FloatVector gelu(FloatVector x) {
        FloatVector c = erfcNonNegative(x.abs().mul(0.70710678118654752f));
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector onePlusErf = FloatVector.broadcast(x.species(), 2f).sub(c).blend(c, negative);
        return x.mul(0.5f).mul(onePlusErf);
    }
}
