package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.NativeSgemmTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Primitives created where bfloat16 arithmetic is allowed: on a CPU with bfloat16 they compute within bfloat16's
 * rounding of float32 (8 significant bits per product); on one without, oneDNN either computes float32 or has no
 * direct kernel, which is refused as any other (the tactic declines) — never a wrong or crashed run.
 */
class DnnlMathTest {
    @BeforeEach
    void needsDnnl() {
        NativeAssumptions.assumeDnnl();
    }

    @Test
    void aConvolutionAllowedBf16IsCloseToFloat32OrRefused() {
        ConvParams p = ConvParams.square(1, 16, 10, 16, 3, 1, 1, 1, 1);
        Random r = new Random(3);
        float[] x = random(r, (int) p.srcElements()), w = random(r, (int) p.weightElements()), b = random(r, p.m());
        float[] strict = run(p, x, w, b, false);
        float[] bf16;
        try {
            bf16 = run(p, x, w, b, true);
        } catch (UnsupportedOperationException noKernel) {
            assertTrue(noKernel.getMessage().contains("oneDNN has only"), noKernel.getMessage());
            return;
        }
        double scale = 0, err = 0;
        for (int i = 0; i < strict.length; i++) {
            scale = Math.max(scale, Math.abs(strict[i]));
            err = Math.max(err, Math.abs(strict[i] - bf16[i]));
        }
        // 144 products each within 2^-8 relative: a sum's error stays within a few percent of the largest output
        assertTrue(err <= 0.03 * scale, "bf16 error " + err + " against outputs up to " + scale);
    }

    @Test
    void theScopeEndsWithThePreparation() {
        assertEquals(false, DnnlMath.bf16());
        assertEquals(true, DnnlMath.allowingBf16(true, DnnlMath::bf16));
        assertEquals(false, DnnlMath.allowingBf16(false, DnnlMath::bf16));
        assertEquals(false, DnnlMath.bf16());
    }

    private static float[] run(ConvParams p, float[] x, float[] w, float[] b, boolean bf16) {
        try (DnnlConv2d conv = DnnlMath.allowingBf16(bf16, () -> DnnlConv2d.prepare(p, w, b, List.of(), 1));
             Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(4L * x.length, 64), ys = arena.allocate(4L * p.dstElements(), 64);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            conv.run(xs, ys, null);
            return ys.toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
