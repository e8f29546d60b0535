package io.jengine.runtime;

import io.jengine.tensor.BFloat16;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Measures a graph input's {@link io.jengine.spi.KernelContext#inputBound}: its largest magnitude, if all finite. */
final class ValueBounds {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ValueBounds() {}

    /**
     * The largest magnitude in a float32 or bfloat16 tensor whose values are all finite; NaN for one that holds a NaN
     * or an infinity, for other types and for values that are not tensors (nothing is claimed about them).
     */
    static float measure(Value v) {
        if (v instanceof Tensor b && b.dtype() == DType.BFLOAT16) return measureBf16(b);
        if (!(v instanceof Tensor t) || t.dtype() != DType.FLOAT32) return Float.NaN;
        MemorySegment data = t.data();
        long n = t.size();
        // Four running maxima by plain comparisons (which a NaN never wins), and beside them the sum of magnitudes,
        // which a NaN or an infinity makes non-finite: so does an overflowing sum, and then nothing is claimed.
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0, sum = 0;
        long i = 0;
        for (; i + 4 <= n; i += 4) {
            float a = Math.abs(data.getAtIndex(FLOAT, i)), b = Math.abs(data.getAtIndex(FLOAT, i + 1));
            float c = Math.abs(data.getAtIndex(FLOAT, i + 2)), d = Math.abs(data.getAtIndex(FLOAT, i + 3));
            m0 = a > m0 ? a : m0;
            m1 = b > m1 ? b : m1;
            m2 = c > m2 ? c : m2;
            m3 = d > m3 ? d : m3;
            sum += (a + b) + (c + d);
        }
        for (; i < n; i++) {
            float a = Math.abs(data.getAtIndex(FLOAT, i));
            m0 = a > m0 ? a : m0;
            sum += a;
        }
        if (!(sum < Float.POSITIVE_INFINITY)) return Float.NaN;
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /** A bound as a kernel declared it, kept only if it is one: a finite, non-negative magnitude; else NaN. */
    /** As {@link #measure} on bfloat16 values (the activations between bfloat16 layers), widened exactly. */
    private static float measureBf16(Tensor t) {
        MemorySegment data = t.data();
        long n = t.size();
        float m = 0, sum = 0;
        for (long i = 0; i < n; i++) {
            float a = Math.abs(BFloat16.toFloat(data.getAtIndex(ValueLayout.JAVA_SHORT, i)));
            m = a > m ? a : m;
            sum += a;
        }
        return sum < Float.POSITIVE_INFINITY ? m : Float.NaN;
    }

    static float declared(float bound) {
        return bound >= 0 && bound < Float.POSITIVE_INFINITY ? bound : Float.NaN;
    }

    /**
     * Whether every value of {@code v} is finite and at most {@code bound} in magnitude: element by element, for
     * checking what a kernel declared (a float32 or bfloat16 tensor; anything else holds no bound).
     */
    static boolean holds(Value v, float bound) {
        if (v instanceof Tensor b && b.dtype() == DType.BFLOAT16) {
            for (long i = 0, n = b.size(); i < n; i++) {
                if (!(Math.abs(b.getDouble(i)) <= bound)) return false; // widened exactly; NaN compares false
            }
            return true;
        }
        if (!(v instanceof Tensor t) || t.dtype() != DType.FLOAT32) return false;
        MemorySegment data = t.data();
        for (long i = 0, n = t.size(); i < n; i++) {
            if (!(Math.abs(data.getAtIndex(FLOAT, i)) <= bound)) return false; // NaN compares false
        }
        return true;
    }
}
