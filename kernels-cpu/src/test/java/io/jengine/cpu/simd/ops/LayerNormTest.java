package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LayerNormalization against the reference kernel, with and without bias, its statistics outputs, in place. */
class LayerNormTest {
    private static void check(long[] shape, int axis, boolean withBias, boolean inPlace, float offset) {
        long r0 = 1, s0 = 1;
        for (int d = 0; d < shape.length; d++) if (d < axis) r0 *= shape[d]; else s0 *= shape[d];
        long rows = r0, size = s0;
        SplittableRandom rnd = new SplittableRandom(rows * 31 + size);
        float[] x = FloatChecks.randomFloats(rnd, (int) (rows * size), 3f);
        for (int i = 0; i < x.length; i++) x[i] += offset; // a large mean: the variance must still be about it
        float[] scale = FloatChecks.randomFloats(rnd, (int) size, 2f), bias = FloatChecks.randomFloats(rnd, (int) size, 1f);
        long[] normShape = java.util.Arrays.copyOfRange(shape, axis, shape.length);
        Tensor xt = FloatChecks.tensor(shape, x);
        Value[] in = withBias
                ? new Value[] {xt, FloatChecks.tensor(normShape, scale), FloatChecks.tensor(normShape, bias)}
                : new Value[] {xt, FloatChecks.tensor(normShape, scale)};
        String[] names = withBias ? new String[] {"X", "S", "B"} : new String[] {"X", "S"};
        Value[] want = ReferenceRunner.run("LayerNormalization", 17, names, new String[] {"Y", "M", "I"}, in,
                Attribute.of("axis", (long) axis), Attribute.of("epsilon", 1e-5f));
        float[] y = inPlace ? x.clone() : new float[x.length], mean = new float[(int) rows], inv = new float[(int) rows];
        new LayerNorm(size, 1e-5f).run(MemorySegment.ofArray(inPlace ? y : x), 0, MemorySegment.ofArray(scale), 0,
                withBias ? MemorySegment.ofArray(bias) : null, 0, MemorySegment.ofArray(y), 0,
                MemorySegment.ofArray(mean), 0, MemorySegment.ofArray(inv), 0, rows, 3);
        Tensor m = (Tensor) want[1], s = (Tensor) want[2];
        // Float sums over the row: the mean is off by about size*u*mean|x|, which (x - mean) * invStd * scale
        // magnifies by invStd * |scale|; the variance's relative error moves y by the same relative amount.
        double[] meanAbs = new double[(int) rows];
        for (int i = 0; i < x.length; i++) meanAbs[(int) (i / size)] += Math.abs(x[i]) / size;
        String what = "LayerNormalization " + java.util.Arrays.toString(shape) + " axis " + axis;
        FloatChecks.assertClose(what, (Tensor) want[0], y, i -> {
            int r = (int) (i / size), c = (int) (i % size);
            double inv0 = s.getDouble(r);
            return Tolerance.float32Sum(size, Math.abs(scale[c]) * inv0 * (meanAbs[r] + Math.abs(x[i] - m.getDouble(r)))
                    + (withBias ? Math.abs(bias[c]) : 0));
        });
        FloatChecks.assertClose(what + " mean", m, mean, r -> Tolerance.float32Sum(size, meanAbs[r]));
        FloatChecks.assertClose(what + " inv_std_dev", s, inv, Tolerance.float32Sum(size, 1));
    }

    @Test
    void matchesTheReference() {
        check(new long[] {2, 5, 768}, 2, true, false, 0);     // bert's hidden size
        check(new long[] {3, 37}, 1, false, false, 0);
        check(new long[] {2, 3, 5, 7}, 2, true, false, 0);     // normalized over two dims
        check(new long[] {4, 1}, 1, true, false, 0);
        check(new long[] {2, 9, 129}, 2, true, false, 100f);  // mean far from zero
    }

    @Test
    void inPlace() {
        check(new long[] {3, 7, 45}, 2, true, true, 0);
        check(new long[] {5, 16}, 1, false, true, 0);
    }

    @Test
    void shortScaleIsRejected() {
        MemorySegment x = MemorySegment.ofArray(new float[20]), s = MemorySegment.ofArray(new float[9]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerNorm(10, 1e-5f).run(x, 0, s, 0, null, 0, x, 0, null, 0, null, 0, 2, 1));
        assertTrue(e.getMessage().contains("scale needs 40 bytes"), e.getMessage());
    }
}
