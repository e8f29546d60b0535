package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.verify.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Seeded non-zero data, segments and the float32-sum comparison shared by the SIMD kernel tests. */
final class SimdTestData {
    private SimdTestData() {}

    /** Uniform values in [-1, 1), never within 1e-3 of zero. */
    static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float x = r.nextFloat() * 2 - 1;
            v[i] = Math.abs(x) < 1e-3f ? 0.5f : x;
        }
        return v;
    }

    /** A native segment holding {@code v}, with {@code pad} extra floats of garbage after it. */
    static MemorySegment segment(float[] v, int pad) {
        MemorySegment s = Arena.ofAuto().allocate(4L * (v.length + pad), 64);
        for (int i = 0; i < v.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, v[i]);
        for (int i = 0; i < pad; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, v.length + i, 1e30f);
        return s;
    }

    static float[] floats(MemorySegment s, long fromIndex, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = s.getAtIndex(ValueLayout.JAVA_FLOAT, fromIndex + i);
        return v;
    }

    /** Fails naming the first element outside {@code Tolerance.float32Sum(terms, magnitude[i])} of want[i]. */
    static void assertSums(String what, double[] want, double[] magnitude, int terms, float[] got) {
        for (int i = 0; i < want.length; i++) {
            Tolerance t = Tolerance.float32Sum(terms, magnitude[i]);
            if (!t.accepts(want[i], got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", want " + want[i] + " (sum of " + terms
                        + " products of magnitude " + magnitude[i] + ")");
            }
        }
    }
}
