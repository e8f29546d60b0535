package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.FusedOpSpec;
import io.jengine.tensor.BFloat16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Relu and Clip on bfloat16 outputs: the rounded reference, NaN kept, -0 to +0, every length (vector body and tail). */
class Bf16ActivationTest {
    @ParameterizedTest(name = "{0} over {1} values")
    @CsvSource({"Relu, 1", "Relu, 37", "Relu, 1000", "Clip, 5", "Clip, 16", "Clip, 999"})
    void givesTheRoundedReference(String name, int n) {
        float lo = -0.3f, hi = 0.7f; // neither is a bfloat16 value: the bounds are rounded as the reference's output is
        FusedOpSpec.Activation a = name.equals("Clip") ? new FusedOpSpec.Activation("Clip", new float[] {lo, hi})
                : new FusedOpSpec.Activation("Relu", new float[0]);
        Random r = new Random(n);
        float[] special = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, lo, hi, -1e-30f};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment y = arena.allocate(2L * n + 6, 2).asSlice(2, 2L * n); // not vector-aligned
            short[] in = new short[n];
            for (int i = 0; i < n; i++) {
                float v = i < special.length ? special[i] : (float) r.nextGaussian();
                in[i] = BFloat16.fromFloat(v);
                y.setAtIndex(ValueLayout.JAVA_SHORT, i, in[i]);
            }
            Bf16Activation.of(a).apply(y, n);
            for (int i = 0; i < n; i++) {
                double x = BFloat16.toFloat(in[i]);
                double want = Double.isNaN(x) ? x : name.equals("Relu") ? Math.max(x, 0) : Math.min(Math.max(x, lo), hi);
                short got = y.getAtIndex(ValueLayout.JAVA_SHORT, i);
                if (Double.isNaN(want)) {
                    assertTrue(Float.isNaN(BFloat16.toFloat(got)), "NaN at " + i);
                } else {
                    assertEquals(BFloat16.fromFloat((float) want), got, "element " + i + " of " + x);
                }
            }
            if (name.equals("Relu") && n > 1) assertEquals((short) 0, y.getAtIndex(ValueLayout.JAVA_SHORT, 1), "-0 becomes +0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"None, true", "Relu, true", "Clip, true", "Sigmoid, false", "SiLU, false"})
    void handlesWhatPassesValuesOrBoundsThrough(String name, boolean want) {
        float[] p = name.equals("Clip") ? new float[] {0, 6} : new float[0];
        assertEquals(want, new FusedOpSpec.Activation(name, p).passesValuesOrBounds());
        assertFalse(new FusedOpSpec.Activation("Clip", new float[0]).passesValuesOrBounds(), "Clip without bounds");
    }
}
