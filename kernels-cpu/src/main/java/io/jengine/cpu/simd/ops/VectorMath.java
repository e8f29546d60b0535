package io.jengine.cpu.simd.ops;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 exp, log, log1p, tanh, sigmoid and erf over whole vectors, each within a few ulps of the exact result
 * (bounds tested against {@link Math} and the reference's double erf). Range reduction plus a short polynomial and no
 * table lookups, so every lane runs the same instructions; NaN, infinities, signed zeros and subnormals are blended
 * in at the end rather than branched on.
 *
 * <p>Coefficients: exp, log and tanh are Cephes' single-precision minimax polynomials (S. Moshier); erf uses the
 * two minimax fits of Arm's optimized-routines {@code erff} (MIT licence): {@code x + x P(x^2)} below 0.875 and
 * {@code 1 - exp(-Q(|x|))} up to 4.
 */
public final class VectorMath {
    /** The vector shape every compute function of this package uses: the widest the machine runs well. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that n * LN2_HI is exact for the |n| <= 150 that exp meets (Cody-Waite).
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    // Adding 1.5 * 2^23 rounds a float below 2^22 in magnitude to an integer, which lands in the low mantissa bits.
    private static final float ROUND = 0x1.8p23f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float SQRT2 = 1.41421356237f;

    /**
     * The reference's max step: the later value replaces the earlier only if greater, or if a NaN where the earlier is
     * not. Cheaper than {@code FloatVector.max}, whose Math.max semantics (+0.0 above -0.0, a NaN from either side)
     * take extra blends, and it keeps the reference's choice between -0.0 and +0.0 (whichever came first).
     */
    static FloatVector firstMax(FloatVector earlier, FloatVector later) {
        return later.blend(earlier,
                later.compare(LE, earlier).or(earlier.compare(NE, earlier)));
    }

    /**
     * The sum of a vector's lanes, first to last. {@code reduceLanes(ADD)} leaves the order unspecified, and the
     * compiled intrinsic and the interpreter's code do sum in different orders: a model's results moved by an ulp over
     * its first runs, while the JIT compiled its kernels. One fixed order makes every run alike.
     */
    public static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

    /** e^x; overflows to +Inf above 88.72, underflows through the subnormals to +0 below -103.97. */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-104f).min(89f);
        FloatVector t = xc.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND));
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(F, 1.9875691500e-4f), FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        // 2^n in two factors: n reaches 128 and -150, outside a single float's exponent range.
        IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
        IntVector n1 = ni.lanewise(ASHR, 1), n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        return y.mul(s1).mul(s2).blend(x, x.test(IS_NAN));
    }

    /** The natural logarithm: NaN below zero, -Inf at either zero, +Inf at +Inf. */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.lt(Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = xs.reinterpretAsInts();
        FloatVector e = (FloatVector) bits.lanewise(LSHR, 23).sub(127).convert(I2F, 0);
        e = e.sub(FloatVector.broadcast(F, 23f), subnormal);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        // m in [sqrt(1/2), sqrt(2)) keeps f = m - 1 small on both sides of zero.
        VectorMask<Float> high = m.compare(GT, SQRT2);
        m = m.blend(m.mul(0.5f), high);
        e = e.add(FloatVector.broadcast(F, 1f), high);
        FloatVector f = m.sub(1f), z = f.mul(f);
        FloatVector p = f.fma(FloatVector.broadcast(F, 7.0376836292e-2f), FloatVector.broadcast(F, -1.1514610310e-1f));
        p = p.fma(f, FloatVector.broadcast(F, 1.1676998740e-1f));
        p = p.fma(f, FloatVector.broadcast(F, -1.2420140846e-1f));
        p = p.fma(f, FloatVector.broadcast(F, 1.4249322787e-1f));
        p = p.fma(f, FloatVector.broadcast(F, -1.6668057665e-1f));
        p = p.fma(f, FloatVector.broadcast(F, 2.0000714765e-1f));
        p = p.fma(f, FloatVector.broadcast(F, -2.4999993993e-1f));
        p = p.fma(f, FloatVector.broadcast(F, 3.3333331174e-1f));
        FloatVector y = p.mul(f).mul(z);
        y = e.fma(FloatVector.broadcast(F, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(F, -0.5f), y);
        FloatVector res = e.fma(FloatVector.broadcast(F, LN2_HI), f.add(y));
        res = res.blend(Float.NaN, x.lt(0f));
        res = res.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        res = res.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY));
        return res.blend(x, x.test(IS_NAN));
    }

    /**
     * log(1 + u) for u >= 0, accurate for tiny u: log(w) * u / (w - 1) with w = 1 + u cancels the rounding of w
     * (Goldberg, "What every computer scientist should know about floating-point arithmetic", theorem 4).
     */
    static FloatVector log1pNonNegative(FloatVector u) {
        FloatVector w = u.add(1f);
        FloatVector r = log(w).mul(u.div(w.sub(1f)));
        return r.blend(u, w.eq(1f)).blend(u, u.eq(Float.POSITIVE_INFINITY));
    }

    /** The hyperbolic tangent; odd, so -0.0 stays -0.0. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs(), z = x.mul(x);
        FloatVector p = z.fma(FloatVector.broadcast(F, -5.70498872745e-3f), FloatVector.broadcast(F, 2.06390887954e-2f));
        p = p.fma(z, FloatVector.broadcast(F, -5.37397155531e-2f));
        p = p.fma(z, FloatVector.broadcast(F, 1.33314422036e-1f));
        p = p.fma(z, FloatVector.broadcast(F, -3.33332819422e-1f));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector big = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(exp(a.add(a)).add(1f)));
        // tanh has the sign of x everywhere; setting it also keeps -0.0, which x + x*z*P would round to +0.0.
        return copySign(small.blend(big, a.compare(GE, 0.625f)), x);
    }

    /**
     * 1 / (1 + e^-x), as e^x / (1 + e^x) for negative x so that e^-x cannot overflow where the result is e^x itself,
     * down to the subnormals.
     */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg()), d = e.add(1f);
        return FloatVector.broadcast(F, 1f).div(d).blend(e.div(d), x.lt(0f));
    }

    /** The error function; +-1 from |x| = 4, where erfc is below float's resolution of 1. */
    public static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector big = FloatVector.broadcast(F, 1f).sub(exp(erfcExponent(a).neg())).blend(1f, a.compare(GE, 4f));
        return erfSmall(x).blend(copySign(big, x), a.compare(GE, 0.875f));
    }

    /**
     * 1 + erf(z), without the cancellation that adding 1 to erf(z) near -1 would suffer: for z <= -0.875 it is
     * erfc(|z|), taken from the fit directly, and past |z| = 4 from erfc's asymptotic series. One exp serves both
     * ranges (its argument is blended). Split in two for loops that must stay small enough for the JIT to inline
     * everything: {@link #onePlusErfExponent} gives the exp argument, {@link #onePlusErfFinish} the rest.
     */
    static FloatVector onePlusErf(FloatVector z) { return onePlusErfFinish(z, exp(onePlusErfExponent(z))); }

    /** The argument whose exp {@link #onePlusErfFinish} needs: -Q(|z|) below |z| = 4, -z^2 from there. */
    static FloatVector onePlusErfExponent(FloatVector z) {
        FloatVector a = z.abs();
        return erfcExponent(a).blend(a.mul(a), a.compare(GE, 4f)).neg();
    }

    /** 1 + erf(z) given {@code e}, the exp of {@link #onePlusErfExponent}(z). */
    static FloatVector onePlusErfFinish(FloatVector z, FloatVector e) {
        FloatVector a = z.abs();
        // erfc(a) ~ e^{-a^2} / (a sqrt(pi)) (1 - 1/(2a^2) + 3/(4a^4) - 15/(8a^6)): relative error below 1e-4 from 4.
        FloatVector inv = FloatVector.broadcast(F, 1f).div(a.mul(a));
        FloatVector series = inv.fma(FloatVector.broadcast(F, -1.875f), FloatVector.broadcast(F, 0.75f)).fma(inv, FloatVector.broadcast(F, -0.5f)).fma(inv, FloatVector.broadcast(F, 1f));
        FloatVector erfc = e.blend(e.mul(series).div(a.mul(1.7724538509f)), a.compare(GE, 4f));
        FloatVector big = erfc.blend(FloatVector.broadcast(F, 2f).sub(erfc), z.compare(GT, 0f));
        return erfSmall(z).add(1f).blend(big, a.compare(GE, 0.875f));
    }

    /** erf(x) = x + x P(x^2), valid for |x| < 0.875 (and exact to the last bit for tiny and subnormal x). */
    private static FloatVector erfSmall(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector r = x2.fma(FloatVector.broadcast(F, -0x1.3a1a82p-11f), FloatVector.broadcast(F, 0x1.473f48p-8f));
        r = r.fma(x2, FloatVector.broadcast(F, -0x1.b68bd2p-6f));
        r = r.fma(x2, FloatVector.broadcast(F, 0x1.ce1a46p-4f));
        r = r.fma(x2, FloatVector.broadcast(F, -0x1.8126e0p-2f));
        r = r.fma(x2, FloatVector.broadcast(F, 0x1.06eba6p-3f));
        return r.fma(x, x);
    }

    /** Q(a) with erfc(a) = exp(-Q(a)) for a in [0.875, 4). */
    private static FloatVector erfcExponent(FloatVector a) {
        FloatVector a2 = a.mul(a);
        FloatVector r = a.fma(FloatVector.broadcast(F, 0x1.222900p-16f), FloatVector.broadcast(F, -0x1.91d2ccp-12f));
        FloatVector u = a.fma(FloatVector.broadcast(F, 0x1.fd1336p-9f), FloatVector.broadcast(F, -0x1.8d6300p-6f));
        r = r.fma(a2, u);
        r = r.fma(a, FloatVector.broadcast(F, 0x1.b55cb0p-4f));
        r = r.fma(a, FloatVector.broadcast(F, 0x1.450aa0p-1f));
        r = r.fma(a, FloatVector.broadcast(F, 0x1.079d0cp-3f));
        return r.fma(a, a);
    }

    /** |v| with the sign bit of {@code sign}. */
    static FloatVector copySign(FloatVector v, FloatVector sign) {
        IntVector s = sign.reinterpretAsInts().and(0x80000000);
        return v.abs().reinterpretAsInts().or(s).reinterpretAsFloats();
    }
}
