package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.util.SplittableRandom;

/** Seeded inputs and element-wise comparisons for the fast-kernel tests. */
final class FloatChecks {
    private FloatChecks() {}

    /** Non-zero values in [-scale, scale], away from zero so that no element is accidentally exact. */
    static float[] randomFloats(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float m = (float) (0.05 + 0.95 * rnd.nextDouble()) * scale;
            v[i] = rnd.nextBoolean() ? m : -m;
        }
        return v;
    }

    static Tensor tensor(long[] shape, float[] values) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (int i = 0; i < values.length; i++) t.setFloat(i, values[i]);
        return t;
    }

    /** Fails naming the first element outside the tolerance. */
    static void assertClose(String what, Tensor want, float[] got, Tolerance tol) {
        if (want.size() != got.length) fail(what + ": expected " + want.size() + " elements, got " + got.length);
        for (int i = 0; i < got.length; i++) {
            double w = want.getDouble(i);
            if (!tol.accepts(w, got[i])) fail(what + ": element " + i + " expected " + w + ", got " + got[i]);
        }
    }

    /** As {@link #assertClose(String, Tensor, float[], Tolerance)} with a tolerance per element. */
    static void assertClose(String what, Tensor want, float[] got, java.util.function.IntFunction<Tolerance> tol) {
        if (want.size() != got.length) fail(what + ": expected " + want.size() + " elements, got " + got.length);
        for (int i = 0; i < got.length; i++) {
            double w = want.getDouble(i);
            if (!tol.apply(i).accepts(w, got[i])) fail(what + ": element " + i + " expected " + w + ", got " + got[i]);
        }
    }

    /** The distance from {@code got} to the float nearest {@code exact}, in units in the last place of that float. */
    static double ulps(double exact, float got) {
        float want = (float) exact;
        if (Float.isNaN(want) || Float.isNaN(got)) return Float.isNaN(want) == Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        if (Float.isInfinite(want) || Float.isInfinite(got)) return want == got ? 0 : Double.POSITIVE_INFINITY;
        return Math.abs(got - exact) / Math.ulp(want);
    }
}
