package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.NativeSgemmTest.floats;
import static io.jengine.cpu.nativelib.NativeSgemmTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A convolution's variant with oneDNN's Relu post-op against the same convolution followed by Relu: the same bits on
 * finite inputs, and a NaN lost where the plain one keeps it (which is why the engine runs the variant only where
 * {@link ConvBound} rules a NaN out).
 */
class DnnlConvVariantTest {
    private static final DnnlPostOp.Eltwise RELU = new DnnlPostOp.Eltwise(DnnlEltwise.RELU, 0f, 0f);

    @BeforeEach
    void needsDnnl() {
        NativeAssumptions.assumeDnnl();
    }

    @ParameterizedTest(name = "{0} -> {1} channels, {2}x{2} stride {3}, block {4}, residual {5}")
    @CsvSource({"16, 24, 1, 1, 8, false", "16, 32, 1, 1, 8, true", "8, 16, 3, 2, 8, false", "32, 16, 3, 1, 16, true",
        "24, 40, 1, 2, 8, true"})
    void theVariantIsThePlainConvolutionThenRelu(int c, int m, int k, int stride, int block, boolean residual) {
        ConvParams p = ConvParams.square(2, c, 11, m, k, stride, k / 2, 1, 1);
        Random r = new Random(c * 7L + m + k);
        float[] x = random(r, (int) p.srcElements()), w = random(r, (int) p.weightElements());
        float[] b = random(r, p.m()), res = random(r, (int) p.dstElements());
        List<DnnlPostOp> ops = residual ? List.of(DnnlPostOp.sum()) : List.of();
        try (Arena arena = Arena.ofConfined();
             DnnlConv2d conv = DnnlConv2d.prepareBlocked(p, MemorySegment.ofArray(w), b, ops, 1, block, true, block,
                     RELU)) {
            assertTrue(conv.hasVariant(), "oneDNN runs the Relu post-op with the same kernel and weights");
            MemorySegment xs = floats(arena, x);
            float[] plain = run(conv, arena, xs, res, residual, false);
            float[] fused = run(conv, arena, xs, res, residual, true);
            for (int i = 0; i < plain.length; i++) {
                assertEquals(Math.max(plain[i], 0f), fused[i], 0f, "element " + i);
            }

            x[3] = Float.NaN;
            MemorySegment withNaN = floats(arena, x);
            plain = run(conv, arena, withNaN, res, residual, false);
            fused = run(conv, arena, withNaN, res, residual, true);
            int lost = 0;
            for (int i = 0; i < plain.length; i++) {
                if (Float.isNaN(plain[i])) {
                    assertFalse(Float.isNaN(fused[i]), "oneDNN's Relu turns NaN into 0 at " + i);
                    lost++;
                }
            }
            assertTrue(lost > 0, "the NaN reaches the outputs its window covers");
        }
    }

    @ParameterizedTest(name = "block {0}")
    @CsvSource({"8", "16"})
    void aConvolutionWithoutAVariantRefusesToRunOne(int block) {
        ConvParams p = ConvParams.square(1, 16, 5, 16, 1, 1, 0, 1, 1);
        float[] w = random(new Random(1), (int) p.weightElements());
        try (Arena arena = Arena.ofConfined();
             DnnlConv2d conv = DnnlConv2d.prepareBlocked(p, MemorySegment.ofArray(w), null, List.of(), 1, block, true)) {
            assertFalse(conv.hasVariant());
            MemorySegment x = arena.allocate(p.srcElements() * 4, 64), y = arena.allocate(p.dstElements() * 4, 64);
            assertThrows(IllegalStateException.class, () -> conv.run(x, y, null, true));
        }
    }

    private static float[] run(DnnlConv2d conv, Arena arena, MemorySegment x, float[] res, boolean residual,
                               boolean variant) {
        MemorySegment y = floats(arena, res);
        conv.run(x, y, residual ? y : null, variant);
        return y.toArray(ValueLayout.JAVA_FLOAT);
    }
}
