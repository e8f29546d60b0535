package io.jengine.cpu.nativelib;

import io.jengine.ir.FusedOpSpec;
import io.jengine.tensor.BFloat16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations a convolution writing bfloat16 activations applies after oneDNN where no post-op may: Relu and
 * Clip, which only pass a value through or replace it by a bound, so that applied to the rounded output with the
 * bounds rounded too they give exactly the rounded reference ({@code clip(bf16(y)) = bf16(clip(y))}: rounding is
 * monotone). NaN passes through both, as the reference keeps it; -0 becomes +0 under Relu, as {@code max(x, 0)} does.
 * Where the input is known finite ({@link ConvBound}), the convolution runs oneDNN's post-op instead
 * ({@link #postOpWhenFinite}), which differs from these only on NaN.
 */
final class Bf16Activation {
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT;
    /** A rounded value's magnitude exceeds the exact one's by at most half a unit in the last of 8 bits. */
    private static final double ROUNDING = 1 + 0x1p-8;
    /**
     * The slack on a convolution's bound ({@link ConvBound#of(float, float, double)}) for bfloat16 products: each
     * operand rounded, so each product up to {@code ROUNDING^2} over the exact one, and float32 accumulation on top.
     */
    static final double PRODUCT_SLACK = ROUNDING * ROUNDING * (1 + 0x1p-12);

    private final boolean relu;
    /** Clip's bounds, rounded to bfloat16. */
    private final float loValue, hiValue;

    private Bf16Activation(boolean relu, float lo, float hi) {
        this.relu = relu;
        this.loValue = BFloat16.toFloat(BFloat16.fromFloat(lo));
        this.hiValue = BFloat16.toFloat(BFloat16.fromFloat(hi));
    }

    /** The pass for {@code a}: Relu or Clip ({@link FusedOpSpec.Activation#passesValuesOrBounds}, less none). */
    static Bf16Activation of(FusedOpSpec.Activation a) {
        if (a.name().equals("Relu")) return new Bf16Activation(true, 0, 0);
        if (a.name().equals("Clip") && a.params().length == 2) return new Bf16Activation(false, a.params()[0], a.params()[1]);
        throw new IllegalArgumentException("no bfloat16 pass for activation " + a.name());
    }

    /** oneDNN's post-op for {@code a}, exact on finite values (Relu, Clip), or null. */
    static DnnlPostOp.Eltwise postOpWhenFinite(FusedOpSpec.Activation a) {
        if (a.name().equals("Relu")) return new DnnlPostOp.Eltwise(DnnlEltwise.RELU, 0f, 0f);
        if (a.name().equals("Clip") && a.params().length == 2) {
            return new DnnlPostOp.Eltwise(DnnlEltwise.CLIP, a.params()[0], a.params()[1]);
        }
        return null;
    }

    /**
     * The bound on the bfloat16 output's magnitudes given {@code bound} on the result before {@code a}, rounding
     * included; NaN where none is known (then the next layer measures its input, or runs its NaN-keeping pass).
     */
    static float bound(FusedOpSpec.Activation a, double bound) {
        if (Double.isNaN(bound)) return Float.NaN;
        if (a.isNone() || a.name().equals("Relu")) return (float) (bound * ROUNDING);
        if (a.name().equals("Clip") && a.params().length == 2) {
            return (float) (Math.max(Math.abs(a.params()[0]), Math.abs(a.params()[1])) * ROUNDING);
        }
        return Float.NaN;
    }

    /**
     * Applies the activation in place to the first {@code n} bfloat16 values of {@code y}: each widened exactly to
     * float32 (its bits shifted up), clamped with {@code Math.max} and {@code Math.min}'s rules (NaN kept, -0 below +0),
     * and narrowed back by the shift, exact since every result is an input or a rounded bound.
     */
    void apply(MemorySegment y, long n) {
        SegmentChecks.bytes("y", y, n, 2);
        int lanes = F.length();
        long i = 0;
        for (long end = n - n % lanes; i < end; i += lanes) {
            ShortVector s = ShortVector.fromMemorySegment(S, y, 2 * i, ByteOrder.nativeOrder());
            FloatVector v = ((IntVector) s.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
            v = relu ? v.max(0f) : v.max(loValue).min(hiValue);
            ((ShortVector) v.reinterpretAsInts().lanewise(VectorOperators.ASHR, 16).convertShape(VectorOperators.I2S, S, 0))
                    .intoMemorySegment(y, 2 * i, ByteOrder.nativeOrder());
        }
        for (; i < n; i++) {
            float v = BFloat16.toFloat(y.getAtIndex(BF16, i));
            float r = relu ? Math.max(v, 0f) : Math.min(Math.max(v, loValue), hiValue);
            y.setAtIndex(BF16, i, (short) (Float.floatToRawIntBits(r) >>> 16));
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** As many shorts as the preferred float vector has lanes. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(16 * F.length()));
}
