package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Every unary op against the reference's activation of the same name, out of place and in place. */
class UnaryActivationsTest {
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        1e-30f, -1e-30f, 50f, -50f, 100f, -100f};

    private static float[] params(UnaryOp op) {
        return switch (op) {
            case CLIP -> new float[] {-0.75f, 1.25f};
            case LEAKY_RELU -> new float[] {0.1f};
            case HARD_SIGMOID -> new float[] {0.2f, 0.5f};
            // steps of 0.05 around code 128 and 0.03 around -3: [-8, 8] reaches both ends of the codes
            case FAKE_QUANTIZE_U8 -> new float[] {0.05f, 128f};
            case FAKE_QUANTIZE_S8 -> new float[] {0.03f, -3f};
            default -> new float[0];
        };
    }

    /** Odd length (not a multiple of any vector width), random values in [-8, 8] and the special values. */
    private static float[] inputs(int n, long seed) {
        float[] x = FloatChecks.randomFloats(new SplittableRandom(seed), n, 8f);
        System.arraycopy(SPECIAL, 0, x, 3, SPECIAL.length);
        return x;
    }

    private static DoubleUnaryOperator reference(UnaryOp op) {
        if (op == UnaryOp.GELU_TANH) {
            double k = Math.sqrt(2 / Math.PI);
            return x -> 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x)));
        }
        return ReferenceRunner.activation(op.onnxName(), params(op));
    }

    private static void check(UnaryOp op, float[] x, float[] y) {
        DoubleUnaryOperator f = reference(op);
        for (int i = 0; i < x.length; i++) {
            double want = (float) f.applyAsDouble(x[i]);
            if (!Tolerance.FLOAT32.accepts(want, y[i])) fail(op + "(" + x[i] + ") = " + y[i] + ", expected " + want);
        }
    }

    @Test
    void everyOpMatchesTheReference() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : new int[] {1, 7, 37, 1001}) {
                float[] x = inputs(Math.max(n, SPECIAL.length + 3), n);
                float[] y = new float[x.length];
                UnaryActivations.apply(op, params(op), MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, x.length);
                check(op, x, y);
            }
        }
    }

    @Test
    void inPlaceOnNativeMemoryAtAnOffset() {
        float[] x = inputs(203, 5);
        for (UnaryOp op : UnaryOp.values()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(4L * (x.length + 3));
                MemorySegment.copy(x, 0, seg, ValueLayout.JAVA_FLOAT, 12, x.length);
                UnaryActivations.apply(op, params(op), seg, 12, seg, 12, x.length);
                check(op, x, seg.asSlice(12, 4L * x.length).toArray(ValueLayout.JAVA_FLOAT));
            }
        }
    }

    @Test
    void geluTanhMatchesTheGeluOpOfOpset20() {
        float[] x = inputs(301, 9);
        Tensor want = ReferenceRunner.single("Gelu", 20, new Tensor[] {FloatChecks.tensor(new long[] {x.length}, x)},
                Attribute.of("approximate", "tanh"));
        float[] y = new float[x.length];
        UnaryActivations.apply(UnaryOp.GELU_TANH, null, MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, x.length);
        FloatChecks.assertClose("Gelu tanh", want, y, Tolerance.FLOAT32);
    }

    @Test
    void badArgumentsAreRejectedWithTheirNumbers() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnaryActivations.apply(UnaryOp.RELU, null, s, 8, s, 8, 9));
        assertTrue(e.getMessage().contains("40 bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnaryActivations.apply(UnaryOp.RELU, null, s, 0, s, 4, 5));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnaryActivations.apply(UnaryOp.CLIP, null, s, 0, s, 0, 5));
        assertTrue(e.getMessage().contains("needs 2 parameters"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnaryOp.named("Swish"));
    }

    @Test
    void nativeOutputsMayCoincideWithTheirInputButNotPartlyOverlapIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(4 * 64, 64);
            for (int i = 0; i < 64; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i - 32f);
            UnaryActivations.apply(UnaryOp.RELU, null, s, 0, s, 0, 32);
            assertEquals(0f, s.getAtIndex(ValueLayout.JAVA_FLOAT, 3), "in place");
            UnaryActivations.apply(UnaryOp.RELU, null, s, 128, s, 0, 32);
            assertEquals(1f, s.getAtIndex(ValueLayout.JAVA_FLOAT, 1), "disjoint halves");
            for (long shift : new long[] {4, -4, 120}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> UnaryActivations.apply(UnaryOp.RELU, null, s, 4, s, 4 + shift, 31));
                assertTrue(e.getMessage().contains("overlaps"), shift + ": " + e.getMessage());
            }
            // a slice of the same memory: another segment object, the same addresses
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnaryActivations.apply(UnaryOp.RELU, null, s, 0, s.asSlice(8), 0, 16));
            assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        }
    }
}
