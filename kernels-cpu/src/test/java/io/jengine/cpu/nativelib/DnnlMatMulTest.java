package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.NativeSgemmTest.assertMessage;
import static io.jengine.cpu.nativelib.NativeSgemmTest.floats;
import static io.jengine.cpu.nativelib.NativeSgemmTest.random;
import static io.jengine.cpu.nativelib.NativeSgemmTest.readOnlyFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.verify.Tolerance;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** oneDNN's prepared matmul against a naive double-precision loop, and its argument checks. */
class DnnlMatMulTest {

    @BeforeEach
    void needsDnnl() {
        NativeAssumptions.assumeDnnl();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(1, 1, 1, false, false, List.of()),
                Arguments.of(7, 13, 5, false, true, List.of(DnnlPostOp.relu())),
                Arguments.of(33, 65, 17, true, true, List.of(DnnlPostOp.clip(-1f, 1f))),
                Arguments.of(50, 31, 129, true, false, List.of(DnnlPostOp.sum(), DnnlPostOp.relu())),
                Arguments.of(2, 100, 3, false, true, List.of(DnnlPostOp.leakyRelu(0.2f), new DnnlPostOp.Sum(2f))));
    }

    @ParameterizedTest(name = "m={0} k={1} n={2} transposed={3} bias={4} {5}")
    @MethodSource("cases")
    void matchesNaiveLoop(int m, int k, int n, boolean transposed, boolean withBias, List<DnnlPostOp> ops) {
        Random r = new Random(m * 1000L + k * 10L + n);
        float[] a = random(r, m * k), w = random(r, k * n), res = random(r, m * n);
        float[] bias = withBias ? random(r, n) : null;
        a[0] = Float.NaN; // row 0 of c is NaN up to the post-ops
        boolean sum = ops.stream().anyMatch(o -> o instanceof DnnlPostOp.Sum);
        // Two references: NaN kept by every op, and NaN as oneDNN's JIT kernels treat it in relu (alpha 0) and clip,
        // whose max/min instructions return the other operand (see DnnlEltwise). Each element must match one.
        double[][] want = {reference(a, w, bias, res, m, k, n, transposed, ops, false),
            reference(a, w, bias, res, m, k, n, transposed, ops, true)};
        double[] bound = reference(abs(a), abs(w), bias == null ? null : abs(bias), abs(res), m, k, n, transposed,
                ops.stream().filter(o -> o instanceof DnnlPostOp.Sum).toList(), false);
        try (Arena arena = Arena.ofConfined();
             DnnlMatMul mm = DnnlMatMul.prepare(m, k, n, w, transposed, bias, ops, 1)) {
            MemorySegment as = floats(arena, a), cs = arena.allocate((long) m * n * 4, 64);
            mm.run(as, cs, sum ? floats(arena, res) : null);
            float[] got = cs.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < got.length; i++) {
                Tolerance t = Tolerance.float32Sum(k + 2, bound[i]);
                if (!t.accepts(want[0][i], got[i]) && !t.accepts(want[1][i], got[i])) {
                    fail("c[" + i + "] (" + mm.implementation() + "): want " + want[0][i] + " or " + want[1][i]
                            + ", got " + got[i]);
                }
            }
            for (int i = n; i < got.length; i++) assertFalse(Float.isNaN(got[i]), "NaN stays in row 0");
        }
    }

    private static double[] reference(float[] a, float[] w, float[] bias, float[] res, int m, int k, int n,
                                      boolean transposed, List<DnnlPostOp> ops, boolean x86NaN) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = bias == null ? 0 : bias[j];
                for (int p = 0; p < k; p++) acc += (double) a[i * k + p] * (transposed ? w[j * k + p] : w[p * n + j]);
                for (DnnlPostOp op : ops) {
                    switch (op) {
                        case DnnlPostOp.Sum s -> acc += s.scale() * (double) res[i * n + j];
                        case DnnlPostOp.Eltwise e -> acc = eltwise(e, acc, x86NaN);
                    }
                }
                out[i * n + j] = acc;
            }
        }
        return out;
    }

    private static double eltwise(DnnlPostOp.Eltwise e, double v, boolean x86NaN) {
        if (Double.isNaN(v) && x86NaN) {
            if (e.kind() == DnnlEltwise.RELU && e.alpha() == 0) return 0;
            if (e.kind() == DnnlEltwise.CLIP) return e.alpha();
        }
        return switch (e.kind()) {
            case RELU -> v > 0 || Double.isNaN(v) ? v : e.alpha() * v;
            case CLIP -> Double.isNaN(v) ? v : Math.min(Math.max(v, e.alpha()), e.beta());
            default -> throw new IllegalArgumentException(e.toString());
        };
    }

    private static float[] abs(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.isNaN(v[i]) ? 0 : Math.abs(v[i]); // bounds stay finite
        return out;
    }

    @Test
    void stridedBatchesGiveTheDenseResultsAndLeaveTheGapsAlone() {
        int batch = 4, m = 6, k = 16, n = 24;
        long aStride = m * k + 16, cStride = m * n + 40;
        Random r = new Random(8);
        float[] a = random(r, batch * m * k), w = random(r, batch * k * n);
        try (Arena arena = Arena.ofConfined();
             DnnlMatMul dense = DnnlMatMul.prepareBatched(batch, m, k, n, w, 1);
             DnnlMatMul strided = DnnlMatMul.prepareBatched(batch, m, k, n, floats(arena, w), 1, aStride, cStride)) {
            MemorySegment want = arena.allocate(4L * batch * m * n, 64);
            dense.run(floats(arena, a), want, null);
            MemorySegment as = arena.allocate(4L * ((batch - 1) * aStride + m * k), 64);
            MemorySegment cs = arena.allocate(4L * ((batch - 1) * cStride + m * n), 64);
            as.fill((byte) 0x7f); // NaN-like garbage in the gaps must not reach c
            cs.fill((byte) 0x55);
            for (int b = 0; b < batch; b++) {
                MemorySegment.copy(a, b * m * k, as, ValueLayout.JAVA_FLOAT, 4L * b * aStride, m * k);
            }
            strided.run(as, cs, null);
            for (int b = 0; b < batch; b++) {
                assertEquals(-1, want.asSlice(4L * b * m * n, 4L * m * n)
                        .mismatch(cs.asSlice(4L * b * cStride, 4L * m * n)), "batch " + b);
                if (b + 1 < batch) {
                    MemorySegment gap = cs.asSlice(4L * (b * cStride + m * n), 4L * (cStride - m * n));
                    for (long i = 0; i < gap.byteSize(); i++) assertEquals(0x55, gap.get(ValueLayout.JAVA_BYTE, i));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> strided.run(as.asSlice(0, as.byteSize() - 4), cs, null));
        }
        assertMessage(() -> DnnlMatMul.prepareBatched(2, 3, 4, 5, MemorySegment.ofArray(new float[40]), 1, 11, 15),
                "batch strides 11 and 15 are below m * k = 12");
    }

    @Test
    void batchedProductsMatchNaiveLoops() {
        int batch = 5, m = 17, k = 24, n = 9;
        Random r = new Random(5);
        float[] a = random(r, batch * m * k), w = random(r, batch * k * n);
        try (Arena arena = Arena.ofConfined(); DnnlMatMul mm = DnnlMatMul.prepareBatched(batch, m, k, n, w, 2)) {
            MemorySegment cs = arena.allocate(4L * batch * m * n, 64);
            mm.run(floats(arena, a), cs, null);
            float[] got = cs.toArray(ValueLayout.JAVA_FLOAT);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0, mag = 0;
                        for (int q = 0; q < k; q++) {
                            double p = (double) a[(b * m + i) * k + q] * w[(b * k + q) * n + j];
                            s += p;
                            mag += Math.abs(p);
                        }
                        int o = (b * m + i) * n + j;
                        if (!Tolerance.float32Sum(k, mag).accepts(s, got[o])) {
                            fail("batch " + b + " c[" + i + "][" + j + "] = " + got[o] + ", want " + s);
                        }
                    }
                }
            }
        }
        assertMessage(() -> DnnlMatMul.prepareBatched(2, 3, 4, 5, new float[39], 1),
                "weights must hold batch * k * n = 40 floats, got 39");
    }

    /**
     * Weights in native memory, and in a read-only mapped file (a plan's), give what the same weights from an array
     * give, bit for bit, for a product and a batch of them (the latter as slices of a larger segment, as Winograd's
     * positions are handed over).
     */
    @Test
    void nativeAndReadOnlyWeightsGiveTheArraysOutputs(@TempDir Path dir) throws IOException {
        int m = 9, k = 40, n = 24, batch = 3;
        Random r = new Random(41);
        float[] a = random(r, batch * m * k), w = random(r, batch * k * n), bias = random(r, n);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment as = floats(arena, a), nativeW = floats(arena, w), mappedW = readOnlyFile(dir, w, arena);
            for (boolean transposed : new boolean[] {false, true}) {
                MemorySegment want = null;
                for (MemorySegment weights : List.of(MemorySegment.ofArray(w), nativeW, mappedW)) {
                    MemorySegment c = arena.allocate(4L * m * n, 64);
                    try (DnnlMatMul mm = DnnlMatMul.prepare(m, k, n, weights.asSlice(0, 4L * k * n), transposed, bias,
                            List.of(DnnlPostOp.relu()), 1)) {
                        mm.run(as.asSlice(0, 4L * m * k), c, null);
                    }
                    if (want == null) want = c;
                    else assertEquals(-1, want.mismatch(c), "transposed " + transposed + ", weights " + weights);
                }
            }
            MemorySegment want = null;
            for (MemorySegment weights : List.of(MemorySegment.ofArray(w), nativeW, mappedW)) {
                MemorySegment c = arena.allocate(4L * (batch - 1) * m * n, 64);
                // positions 1 and 2 of 3: a slice that starts inside the segment
                try (DnnlMatMul mm = DnnlMatMul.prepareBatched(batch - 1, m, k, n, weights.asSlice(4L * k * n), 2)) {
                    mm.run(as.asSlice(4L * m * k), c, null);
                }
                if (want == null) want = c;
                else assertEquals(-1, want.mismatch(c), "batched, weights " + weights);
            }
            assertTrue(want.getAtIndex(ValueLayout.JAVA_FLOAT, 3) != 0f, "an output was computed");
        }
    }

    /** A weights segment of the wrong size is refused with a message, before oneDNN could read past its end. */
    @Test
    void wrongSizedWeightSegmentsThrowBeforeAnyNativeCall() {
        try (Arena arena = Arena.ofConfined()) {
            assertMessage(() -> DnnlMatMul.prepare(2, 3, 4, arena.allocate(44), false, null, List.of(), 1),
                    "weights must hold k * n = 12 floats, got 11");
            assertMessage(() -> DnnlMatMul.prepare(2, 3, 4, arena.allocate(50).asReadOnly(), true, null, List.of(), 1),
                    "weights must hold k * n = 12 floats, got 50 bytes");
            assertMessage(() -> DnnlMatMul.prepareBatched(2, 3, 4, 5, arena.allocate(41 * 4), 1),
                    "weights must hold batch * k * n = 40 floats, got 41");
            assertMessage(() -> DnnlMatMul.prepareBatched(2, 3, 4, 5, (MemorySegment) null, 1),
                    "weights must hold batch * k * n = 40 floats, got null");
            // the primitive checks for itself too: its descriptor factory must never be reached
            DnnlPrimitive.Spec spec = new DnnlPrimitive.Spec("dnnl_matmul_primitive_desc_create",
                    (out, engine, src, w, b, dst, attr, a) -> {
                        throw new AssertionError("a native call was made");
                    },
                    new long[] {2, 3}, Dnnl.dnnl_ab, new long[] {2, 4}, Dnnl.dnnl_ab, new long[] {3, 4}, Dnnl.dnnl_ab,
                    arena.allocate(11 * 4), null, null, List.of(), 1, "matmul 2x3x4", Dnnl.dnnl_format_tag_undef);
            assertMessage(() -> DnnlPrimitive.prepare(spec),
                    "matmul 2x3x4: weights must be 12 floats (48 bytes), got 44 bytes");
        }
    }

    @Test
    void badArgumentsThrowBeforeAnyNativeCall() {
        assertMessage(() -> DnnlMatMul.prepare(2, 3, 4, new float[11], false, null, List.of(), 1),
                "weights must hold k * n = 12 floats, got 11");
        assertMessage(() -> DnnlMatMul.prepare(2, 3, 4, new float[12], false, new float[3], List.of(), 1),
                "bias must hold n = 4 floats, got 3");
        assertMessage(() -> DnnlMatMul.prepare(0, 3, 4, new float[12], false, null, List.of(), 1), "m must be > 0");
        try (Arena arena = Arena.ofConfined();
             DnnlMatMul mm = DnnlMatMul.prepare(2, 3, 4, new float[12], false, null, List.of(), 1)) {
            assertMessage(() -> mm.run(arena.allocate(20), arena.allocate(32), null),
                    "a needs 24 bytes (offset 0 + 6 floats), the segment has 20");
            assertMessage(() -> mm.run(MemorySegment.ofArray(new float[6]), arena.allocate(32), null),
                    "a must be a native (off-heap) segment");
        }
    }
}
