package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused attention against its reference kernel: bert's shapes, odd shapes, masks, fully masked rows, NaN guard. */
class ScaledDotProductAttentionTest {
    private static final double U = 0x1p-24;

    private static void check(long[] qs, long[] ks, long[] vs, long[] ms, float sq, float sk, Float nanValue, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor q = FloatChecks.tensor(qs, FloatChecks.randomFloats(rnd, (int) Shapes.size(qs), 1.5f));
        Tensor k = FloatChecks.tensor(ks, FloatChecks.randomFloats(rnd, (int) Shapes.size(ks), 1.5f));
        Tensor v = FloatChecks.tensor(vs, FloatChecks.randomFloats(rnd, (int) Shapes.size(vs), 2f));
        Tensor mask = null;
        if (ms != null) {
            float[] mv = FloatChecks.randomFloats(rnd, (int) Shapes.size(ms), 1f);
            mv[1] = Float.NEGATIVE_INFINITY;
            // A fully masked row (when the mask has rows): softmax of -Inf only is NaN, or nan_value.
            if (ms[ms.length - 2] > 1) for (int j = 0; j < ms[ms.length - 1]; j++) mv[(int) ms[ms.length - 1] + j] = Float.NEGATIVE_INFINITY;
            mask = FloatChecks.tensor(ms, mv);
        }
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.of("q_scale", sq), Attribute.of("k_scale", sk)));
        if (nanValue != null) attrs.add(Attribute.of("nan_value", nanValue));
        Value[] in = mask == null ? new Value[] {q, k, v} : new Value[] {q, k, v, mask};
        Tensor want = ReferenceRunner.fused("ScaledDotProductAttention", in, attrs.toArray(Attribute[]::new));

        ScaledDotProductAttention att = new ScaledDotProductAttention(qs, ks, vs, ms, sq, sk, nanValue);
        assertArrayEquals(want.shape(), att.outShape());
        float[] y = new float[(int) want.size()];
        att.run(q.data(), 0, k.data(), 0, v.data(), 0, mask == null ? null : mask.data(), 0, MemorySegment.ofArray(y), 0, 3);
        FloatChecks.assertClose("attention " + Shapes.format(qs), want, y, bounds(q, k, v, sq * sk));
    }

    /**
     * Per output element: a score is a float sum of D products, off by (D + 2) u sum|q k| at most; the softmax turns
     * score errors into relative errors of p up to twice the largest; the output sums Sk products p v. So the error
     * is at most u * sum_j p_j |v_jc| * ((Sk + 2) + 2 (D + 2) max_j sum_d |q_d k_dj|), the probabilities p taken
     * without the mask (a looser magnitude, never tighter: the mask only removes terms).
     */
    private static java.util.function.IntFunction<Tolerance> bounds(Tensor q, Tensor k, Tensor v, double scale) {
        int r = q.rank();
        int s = (int) q.dim(r - 2), d = (int) q.dim(r - 1), sk = (int) k.dim(r - 1), dv = (int) v.dim(r - 1);
        return e -> {
            int c = e % dv, row = e / dv, b = row / s, i = row % s;
            double[] sc = new double[sk];
            double max = Double.NEGATIVE_INFINITY, mag = 0, sum = 0;
            for (int j = 0; j < sk; j++) {
                double acc = 0, m = 0;
                for (int t = 0; t < d; t++) {
                    double prod = q.getDouble((long) (b * s + i) * d + t) * k.getDouble((long) (b * d + t) * sk + j) * scale;
                    acc += prod;
                    m += Math.abs(prod);
                }
                sc[j] = acc;
                max = Math.max(max, acc);
                mag = Math.max(mag, m);
            }
            for (int j = 0; j < sk; j++) sum += Math.exp(sc[j] - max);
            double pv = 0;
            for (int j = 0; j < sk; j++) pv += Math.exp(sc[j] - max) / sum * Math.abs(v.getDouble((long) (b * sk + j) * dv + c));
            return new Tolerance(Tolerance.FLOAT32.rtol(), Tolerance.FLOAT32.atol() + U * pv * ((sk + 2) + 2 * (d + 2) * mag));
        };
    }

    @Test
    void bertShapesWithAPaddingMask() {
        check(new long[] {1, 2, 128, 64}, new long[] {1, 2, 64, 128}, new long[] {1, 2, 128, 64}, new long[] {1, 1, 1, 128},
                0.35355339f, 0.35355339f, null, 1);
    }

    @Test
    void oddShapesWithoutAMask() {
        check(new long[] {2, 3, 5, 9}, new long[] {2, 3, 9, 13}, new long[] {2, 3, 13, 7}, null, 1f, 0.5f, null, 2);
        check(new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 3}, null, 1f, 1f, null, 3);
    }

    @Test
    void fullyMaskedRowsGiveNanOrTheNanValue() {
        long[] qs = {2, 2, 6, 5}, ks = {2, 2, 5, 11}, vs = {2, 2, 11, 19}, ms = {2, 1, 6, 11};
        check(qs, ks, vs, ms, 1f, 1f, null, 4);
        check(qs, ks, vs, ms, 1f, 1f, 0f, 5);
    }

    @Test
    void badShapesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ScaledDotProductAttention(
                new long[] {2, 4, 8}, new long[] {2, 7, 4}, new long[] {2, 4, 3}, null, 1, 1, null));
        assertTrue(e.getMessage().contains("must have 8 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScaledDotProductAttention(
                new long[] {2, 4, 8}, new long[] {2, 8, 4}, new long[] {2, 4, 3}, new long[] {3, 1, 4}, 1, 1, null));
    }
}
