package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.cpu.nativelib.NativeSgemm.Library;
import io.jengine.verify.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Both libraries' SGEMM against a naive double-precision loop, and their argument checks. */
class NativeSgemmTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {64, 31, 129}, {2, 100, 1}, {129, 3, 40}};
        for (Library lib : Library.values()) {
            for (int[] s : mnk) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    out.add(Arguments.of(lib, s[0], s[1], s[2], ta, tb, 0, 1f, 0f));
                }
                // leading dimensions wider than the matrices, offsets into the segments, alpha and beta
                out.add(Arguments.of(lib, s[0], s[1], s[2], false, true, 3, 0.7f, 0.5f));
                out.add(Arguments.of(lib, s[0], s[1], s[2], true, false, 5, -1.3f, 1f));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} M={1} N={2} K={3} tA={4} tB={5} pad={6} alpha={7} beta={8}")
    @MethodSource("cases")
    void matchesNaiveLoop(Library lib, int m, int n, int k, boolean ta, boolean tb, int pad, float alpha, float beta) {
        NativeAssumptions.assumeLoaded(lib);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        SgemmShape shape = new SgemmShape(ta, tb, m, n, k, lda, ldb, ldc, alpha, beta);
        check(lib, shape, pad, false, 1);
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void twoThreadsGiveTheSameAnswer(Library lib) {
        NativeAssumptions.assumeLoaded(lib);
        check(lib, new SgemmShape(false, false, 150, 130, 170, 170, 130, 130, 1f, 0f), 0, false, 2);
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void concurrentCallsWithDifferentThreadCounts(Library lib) throws Exception {
        NativeAssumptions.assumeLoaded(lib);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int threads = 1 + i % 2, size = 40 + i;
                done.add(pool.submit(() -> check(lib, SgemmShape.packed(size, size + 3, size + 5), 0, false, threads)));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void nanAndInfinityPropagate(Library lib) {
        NativeAssumptions.assumeLoaded(lib);
        check(lib, new SgemmShape(false, false, 9, 11, 13, 13, 11, 11, 1f, 0f), 0, true, 1);
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void emptyKScalesC(Library lib) {
        NativeAssumptions.assumeLoaded(lib);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = floats(arena, new float[] {1, 2, 3, Float.NaN, 5, 6});
            MemorySegment none = arena.allocate(4);
            NativeSgemm gemm = NativeSgemm.of(lib).orElseThrow();
            gemm.multiply(new SgemmShape(false, false, 2, 3, 0, 1, 3, 3, 1f, 2f), none, 0, none, 0, c, 0, 1);
            assertEquals(2f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(12f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 5));
            gemm.multiply(new SgemmShape(false, false, 2, 3, 0, 1, 3, 3, 1f, 0f), none, 0, none, 0, c, 0, 1);
            assertEquals(0f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 3), "beta 0 overwrites NaN");
        }
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void badArgumentsThrowBeforeTheCall(Library lib) {
        NativeAssumptions.assumeLoaded(lib);
        NativeSgemm gemm = NativeSgemm.of(lib).orElseThrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(6 * 4L), b = arena.allocate(12 * 4L), c = arena.allocate(8 * 4L);
            MemorySegment heap = MemorySegment.ofArray(new float[6]);
            assertMessage(() -> gemm.multiply(2, 4, 3, heap, b, c, 1), "A must be a native (off-heap) segment");
            assertMessage(() -> gemm.multiply(2, 4, 3, a, b, arena.allocate(7 * 4L), 1),
                    "C needs 32 bytes (offset 0 + 8 floats), the segment has 28");
            assertMessage(() -> gemm.multiply(2, 4, 4, a, b, c, 1), "A needs 32 bytes");
            assertMessage(() -> gemm.multiply(2, 4, 3, a, b, c, 0), "threads must be > 0, got 0");
            MemorySegment big = arena.allocate(64 * 4L);
            assertMessage(() -> gemm.multiply(2, 4, 3, big, big.asSlice(48), big.asSlice(80), 1),
                    "C must not overlap A or B");
            SgemmShape s = SgemmShape.packed(2, 4, 3);
            assertMessage(() -> gemm.multiply(s, a, 1, b, 0, c, 0, 1), "A needs 28 bytes (offset 1 + 6 floats)");
            assertMessage(() -> gemm.multiply(s, a, -1, b, 0, c, 0, 1), "A offset must be >= 0, got -1");
            assertMessage(() -> new SgemmShape(false, false, 2, 4, 3, 2, 4, 4, 1, 0),
                    "lda must be >= 3 (K for a non-transposed A (stored M x K)), got 2");
            assertMessage(() -> new SgemmShape(true, false, 5, 4, 3, 3, 4, 4, 1, 0),
                    "lda must be >= 5 (M for a transposed A (stored K x M)), got 3");
            assertMessage(() -> new SgemmShape(false, false, 2, 4, 3, 3, 4, 3, 1, 0), "ldc must be >= 4");
            assertMessage(() -> SgemmShape.packed(-1, 4, 3), "M must be >= 0, got -1");
        }
    }

    @Test
    void aClosedSegmentIsRefusedByTheRuntime() {
        NativeAssumptions.assumeDnnl();
        NativeSgemm gemm = NativeSgemm.of(Library.DNNL).orElseThrow();
        Arena arena = Arena.ofConfined();
        MemorySegment a = arena.allocate(4), b = arena.allocate(4), c = arena.allocate(4);
        arena.close();
        assertThrows(IllegalStateException.class, () -> gemm.multiply(1, 1, 1, a, b, c, 1));
    }

    static void assertMessage(Runnable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected),
                () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    /** Runs {@code s} on random operands placed at offsets, checks every element of C and that padding is kept. */
    private static void check(Library lib, SgemmShape s, int pad, boolean specials, int threads) {
        Random r = new Random(31L * s.m() + 7L * s.n() + s.k() + pad);
        long aOff = pad, bOff = 2L * pad, cOff = pad;
        float[] a = random(r, (int) (aOff + s.aElements()));
        float[] b = random(r, (int) (bOff + s.bElements()));
        float[] c = random(r, (int) (cOff + s.cElements()));
        if (specials) {
            a[(int) aOff + s.lda()] = Float.NaN;            // A[1][0]: row 1 of C is NaN
            b[(int) bOff + 2 * s.ldb() + 3] = Float.POSITIVE_INFINITY; // B[2][3]: column 3 is +-Inf
        }
        float[] want = c.clone();
        double[] bound = new double[c.length];
        for (int i = 0; i < s.m(); i++) {
            for (int j = 0; j < s.n(); j++) {
                double sum = 0, mag = 0;
                for (int p = 0; p < s.k(); p++) {
                    double x = a[(int) aOff + (s.transA() ? p * s.lda() + i : i * s.lda() + p)];
                    double y = b[(int) bOff + (s.transB() ? j * s.ldb() + p : p * s.ldb() + j)];
                    sum += x * y;
                    mag += Math.abs(x * y);
                }
                int at = (int) cOff + i * s.ldc() + j;
                double prior = s.beta() == 0 ? 0 : s.beta() * (double) c[at];
                want[at] = (float) (s.alpha() * sum + prior);
                bound[at] = Math.abs(s.alpha()) * mag + Math.abs(prior);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment as = floats(arena, a), bs = floats(arena, b), cs = floats(arena, c);
            NativeSgemm.of(lib).orElseThrow().multiply(s, as, aOff, bs, bOff, cs, cOff, threads);
            float[] got = cs.toArray(ValueLayout.JAVA_FLOAT);
            for (int at = 0; at < c.length; at++) {
                Tolerance t = Tolerance.float32Sum(s.k() + 1, bound[at]);
                if (!t.accepts(want[at], got[at])) {
                    fail(lib + " C element " + at + ": want " + want[at] + ", got " + got[at] + " (" + t + ")");
                }
            }
            if (specials) {
                assertTrue(Float.isNaN(got[(int) cOff + s.ldc()]), "NaN in A reaches C");
                assertTrue(Float.isInfinite(got[(int) cOff + 3]), "Inf in B reaches C");
            }
        }
    }

    static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (r.nextBoolean() ? 1 : -1) * (0.05f + 0.95f * r.nextFloat());
        return v;
    }

    static MemorySegment floats(Arena arena, float[] v) {
        MemorySegment s = arena.allocate((long) v.length * Float.BYTES, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    /**
     * {@code v} in a file of {@code dir}, mapped read-only into {@code arena}: as a plan's weights may be, pages a
     * native write would fault on.
     */
    static MemorySegment readOnlyFile(java.nio.file.Path dir, float[] v, Arena arena) throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile(dir, "weights", ".bin");
        MemorySegment bytes = MemorySegment.ofArray(new byte[v.length * Float.BYTES]);
        MemorySegment.copy(v, 0, bytes, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v.length);
        java.nio.file.Files.write(file, bytes.toArray(ValueLayout.JAVA_BYTE));
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            MemorySegment mapped = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, bytes.byteSize(), arena);
            assertTrue(mapped.isReadOnly() && mapped.isNative());
            return mapped;
        }
    }
}
