package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Softmax and LogSoftmax against the reference, over the last axis and a middle one, with special rows, in place. */
class SoftmaxTest {
    private static final long[][] SHAPES = {{3, 37}, {2, 4, 128}, {1, 5}, {2, 3, 7, 19}, {4, 1000}, {2, 33, 21}};

    private static float[] values(long n, long seed) {
        return FloatChecks.randomFloats(new SplittableRandom(seed), (int) n, 12f);
    }

    private static void check(long[] shape, int axis, boolean log, boolean inPlace) {
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        long dim = shape[axis];
        float[] v = values(outer * dim * inner, outer * 1000 + dim * 10 + inner);
        if (outer > 1) {
            // Row 1 holds a NaN; where inner is 1, row 0 (in inner lane 0) a +Inf: both rows turn NaN in the reference.
            v[(int) (dim * inner + inner)] = Float.NaN;
            v[0] = Float.POSITIVE_INFINITY;
        }
        Tensor x = FloatChecks.tensor(shape, v);
        Tensor want = ReferenceRunner.single(log ? "LogSoftmax" : "Softmax", 13, new Tensor[] {x},
                Attribute.of("axis", (long) axis));
        float[] y = inPlace ? v : new float[v.length];
        MemorySegment src = MemorySegment.ofArray(v), dst = MemorySegment.ofArray(y);
        if (log) Softmax.logSoftmax(src, 0, dst, 0, outer, dim, inner, 3);
        else Softmax.softmax(src, 0, dst, 0, outer, dim, inner, 3);
        // The float sum of dim positive terms is within (dim + 2) u of its value, relatively: softmax's outputs
        // carry that relative error, LogSoftmax's the same absolute error (that of log(sum)).
        String what = (log ? "LogSoftmax " : "Softmax ") + java.util.Arrays.toString(shape) + " axis " + axis;
        FloatChecks.assertClose(what, want, y,
                i -> Tolerance.float32Sum(dim, log ? 1 : Math.abs(want.getDouble(i))));
    }

    @Test
    void lastAxisMatchesTheReference() {
        for (long[] s : SHAPES) {
            check(s, s.length - 1, false, false);
            check(s, s.length - 1, true, false);
        }
    }

    @Test
    void middleAxisMatchesTheReference() {
        for (long[] s : SHAPES) {
            if (s.length < 3) continue;
            for (int axis = 0; axis < s.length - 1; axis++) {
                check(s, axis, false, false);
                check(s, axis, true, false);
            }
        }
    }

    @Test
    void inPlace() {
        check(new long[] {3, 77}, 1, false, true);
        check(new long[] {3, 77}, 1, true, true);
        check(new long[] {3, 7, 45}, 1, false, true);
        check(new long[] {3, 7, 45}, 1, true, true);
    }

    @Test
    void largeLogitsDoNotOverflow() {
        float[] v = {1000f, 999f, -1000f, 1e30f, 1e30f};
        float[] y = new float[5];
        Softmax.softmax(MemorySegment.ofArray(v), 0, MemorySegment.ofArray(y), 0, 1, 5, 1, 1);
        assertTrue(y[3] == 0.5f && y[4] == 0.5f && y[0] == 0f, java.util.Arrays.toString(y));
    }
}
