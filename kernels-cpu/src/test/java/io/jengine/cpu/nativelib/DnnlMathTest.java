package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.NativeSgemmTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Primitives created where bfloat16 arithmetic is allowed compute on the source and weights rounded to bfloat16
 * (nearest even), accumulating in float32: the same as a float32 primitive run on values rounded beforehand, and
 * measurably unlike float32 on the values as given. A CPU without bfloat16 arithmetic may have no such kernel, which is
 * refused as any other (the tactic declines); a CPU with it must run it.
 */
class DnnlMathTest {
    @BeforeEach
    void needsDnnl() {
        NativeAssumptions.assumeDnnl();
    }

    @Test
    void aConvolutionAllowedBf16ComputesOnBf16RoundedValues() {
        ConvParams p = ConvParams.square(1, 32, 10, 32, 3, 1, 1, 1, 1);
        Random r = new Random(3);
        float[] x = random(r, (int) p.srcElements()), w = random(r, (int) p.weightElements()), b = random(r, p.m());
        checkBf16(bf16 -> conv(p, bf16 ? x : rounded(x), bf16 ? w : rounded(w), b, bf16), conv(p, x, w, b, false),
                "convolution");
    }

    @Test
    void aMatMulAllowedBf16ComputesOnBf16RoundedValues() {
        int m = 7, k = 96, n = 40;
        Random r = new Random(5);
        float[] a = random(r, m * k), w = random(r, k * n), b = random(r, n);
        checkBf16(bf16 -> matmul(m, k, n, bf16 ? a : rounded(a), bf16 ? w : rounded(w), b, bf16),
                matmul(m, k, n, a, w, b, false), "matmul");
    }

    @Test
    void theScopeEndsWithThePreparation() {
        assertEquals(false, DnnlMath.bf16());
        assertEquals(true, DnnlMath.allowingBf16(true, DnnlMath::bf16));
        assertEquals(false, DnnlMath.allowingBf16(false, DnnlMath::bf16));
        assertEquals(false, DnnlMath.bf16());
    }

    /**
     * {@code run.apply(true)}: the primitive allowed bf16 on the raw values; {@code run.apply(false)}: float32 on the
     * values rounded to bf16 first. They agree to float32's accumulation error, and differ from float32 on the raw
     * values ({@code strict}) by far more.
     */
    private static void checkBf16(Function<Boolean, float[]> run, float[] strict, String what) {
        float[] bf16;
        try {
            bf16 = run.apply(true);
        } catch (UnsupportedOperationException noKernel) {
            assertTrue(noKernel.getMessage().contains("oneDNN has only"), noKernel.getMessage());
            assertFalse(cpuHasBf16(), "this CPU has bfloat16 arithmetic, yet no " + what + " kernel: " + noKernel);
            return;
        }
        float[] onRounded = run.apply(false);
        double scale = 0, fromRounded = 0, fromStrict = 0;
        for (int i = 0; i < strict.length; i++) {
            scale = Math.max(scale, Math.abs(strict[i]));
            fromRounded = Math.max(fromRounded, Math.abs(onRounded[i] - bf16[i]));
            fromStrict = Math.max(fromStrict, Math.abs(strict[i] - bf16[i]));
        }
        assertTrue(fromRounded <= 1e-5 * scale, what + ": bf16 result " + fromRounded
                + " from float32 on bf16-rounded values (outputs up to " + scale + ")");
        // bf16 keeps 8 significant bits: hundreds of products each off by up to 2^-9 leave a visible trace
        assertTrue(fromStrict >= 1e-3 * scale, what + ": bf16 result within " + fromStrict
                + " of float32 on the raw values (outputs up to " + scale + "): computed in float32?");
    }

    /** {@code v} rounded to the nearest bfloat16 (ties to even), as a float. */
    static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }

    private static float[] rounded(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = bf16(v[i]);
        return out;
    }

    /** Whether this CPU has AVX512-BF16 or AMX-BF16 (from /proc/cpuinfo; false where it cannot be read). */
    static boolean cpuHasBf16() {
        try {
            return Pattern.compile("\\b(avx512_bf16|amx_bf16)\\b").matcher(Files.readString(Path.of("/proc/cpuinfo")))
                    .find();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static float[] conv(ConvParams p, float[] x, float[] w, float[] b, boolean bf16) {
        try (DnnlConv2d conv = DnnlMath.allowingBf16(bf16, () -> DnnlConv2d.prepare(p, w, b, List.of(), 1));
             Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(4L * x.length, 64), ys = arena.allocate(4L * p.dstElements(), 64);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            conv.run(xs, ys, null);
            return ys.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    private static float[] matmul(int m, int k, int n, float[] a, float[] w, float[] b, boolean bf16) {
        try (DnnlMatMul mm = DnnlMath.allowingBf16(bf16,
                () -> DnnlMatMul.prepare(m, k, n, w, false, b, List.of(), 1));
             Arena arena = Arena.ofConfined()) {
            MemorySegment as = arena.allocate(4L * a.length, 64), cs = arena.allocate(4L * m * n, 64);
            MemorySegment.copy(a, 0, as, ValueLayout.JAVA_FLOAT, 0, a.length);
            mm.run(as, cs, null);
            return cs.toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
