package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.NativeSgemmTest.assertMessage;
import static io.jengine.cpu.nativelib.NativeSgemmTest.floats;
import static io.jengine.cpu.nativelib.NativeSgemmTest.random;
import static io.jengine.cpu.nativelib.NativeSgemmTest.readOnlyFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** oneDNN's prepared convolution against a naive double-precision loop, and its argument checks. */
class DnnlConv2dTest {

    @BeforeEach
    void needsDnnl() {
        NativeAssumptions.assumeDnnl();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("3x3 pad 1, no bias", ConvParams.square(2, 3, 7, 5, 3, 1, 1, 1, 1), false, List.of()),
                Arguments.of("strides, dilations, asymmetric pads, 2 groups, bias, relu",
                        new ConvParams(2, 4, 9, 11, 6, 3, 2, 2, 1, 2, 1, 1, 0, 2, 1, 2), true,
                        List.of(DnnlPostOp.relu())),
                Arguments.of("depthwise stride 2, bias, clip", ConvParams.square(2, 8, 9, 8, 3, 2, 1, 1, 8), true,
                        List.of(DnnlPostOp.clip(-0.5f, 0.5f))),
                Arguments.of("1x1, odd channels, leaky relu", ConvParams.of(2, 13, 5, 6, 17, 1, 1), true,
                        List.of(DnnlPostOp.leakyRelu(0.1f))),
                Arguments.of("residual sum then relu", ConvParams.square(2, 16, 10, 24, 3, 1, 1, 1, 1), true,
                        List.of(DnnlPostOp.sum(), DnnlPostOp.relu())),
                Arguments.of("relu then scaled sum, 4 groups", ConvParams.square(2, 12, 6, 20, 3, 1, 2, 2, 4), false,
                        List.of(DnnlPostOp.relu(), new DnnlPostOp.Sum(0.5f))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesNaiveLoop(String name, ConvParams p, boolean withBias, List<DnnlPostOp> ops) {
        Random r = new Random(name.hashCode());
        float[] x = random(r, (int) p.srcElements());
        float[] w = random(r, (int) p.weightElements());
        float[] b = withBias ? random(r, p.m()) : null;
        float[] res = random(r, (int) p.dstElements());
        boolean sum = ops.stream().anyMatch(o -> o instanceof DnnlPostOp.Sum);
        check(p, x, w, b, sum ? res : null, ops, 1, false);
        check(p, x, w, b, sum ? res : null, ops, 2, false);
    }

    @Test
    void residualMayBeTheOutputItself() {
        ConvParams p = ConvParams.square(2, 5, 6, 7, 3, 1, 1, 1, 1);
        Random r = new Random(5);
        List<DnnlPostOp> ops = List.of(DnnlPostOp.sum(), DnnlPostOp.relu());
        check(p, random(r, (int) p.srcElements()), random(r, (int) p.weightElements()), random(r, p.m()),
                random(r, (int) p.dstElements()), ops, 1, true);
    }

    @Test
    void nanAndInfinityPropagate() {
        ConvParams p = ConvParams.square(2, 3, 8, 4, 3, 1, 1, 1, 1);
        Random r = new Random(9);
        float[] x = random(r, (int) p.srcElements());
        x[2 * 64 + 3 * 8 + 3] = Float.NaN;                      // image 0, channel 2, (3, 3)
        x[(int) (p.srcElements() / 2) + 5 * 8 + 6] = Float.POSITIVE_INFINITY; // image 1, channel 0, (5, 6)
        float[] y = check(p, x, random(r, (int) p.weightElements()), random(r, p.m()), null, List.of(), 1, false);
        assertTrue(Float.isNaN(y[3 * 8 + 3]) && Float.isNaN(y[2 * 8 + 4]), "NaN reaches its 3x3 neighbourhood");
        assertTrue(Float.isInfinite(y[(int) (p.dstElements() / 2) + 5 * 8 + 6]), "Inf reaches the output");
        assertFalse(Float.isNaN(y[0]), "far from the NaN the output is finite");
    }

    @Test
    void aClosedConvolutionRefusesToRunInsteadOfTouchingFreedMemory() {
        ConvParams p = ConvParams.square(1, 4, 6, 8, 3, 1, 1, 1, 1);
        Random r = new Random(3);
        DnnlConv2d conv = DnnlConv2d.prepare(p, random(r, (int) p.weightElements()), null, List.of(), 1);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(4 * p.srcElements(), 64), y = a.allocate(4 * p.dstElements(), 64);
            conv.run(x, y, null);
            conv.close();
            conv.close(); // a second close (the engine's, then the garbage collector's) frees nothing twice
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> conv.run(x, y, null));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void aReleasableKernelReleasesOnceAndRunsItsKernel() {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger(),
                releases = new java.util.concurrent.atomic.AtomicInteger();
        io.jengine.spi.Kernel k = ReleasableKernel.of(new io.jengine.spi.Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) { runs.incrementAndGet(); }

            @Override
            public int inPlaceInput() { return 3; }

            @Override
            public boolean compiledByJit() { return false; }
        }, releases::incrementAndGet);
        k.run(null);
        assertEquals(1, runs.get());
        assertEquals(3, k.inPlaceInput());
        assertEquals(-1, k.viewOf());
        assertFalse(k.compiledByJit());
        k.close();
        k.close();
        assertEquals(1, releases.get());
    }

    @Test
    void runsADirectKernelNeverAGemmDrivenOne() {
        for (ConvParams p : List.of(ConvParams.square(1, 16, 12, 16, 3, 1, 1, 1, 1), ConvParams.of(1, 64, 7, 7, 32, 1, 1),
                ConvParams.square(1, 24, 9, 24, 3, 2, 1, 1, 24))) {
            try (DnnlConv2d conv = DnnlConv2d.prepare(p, new float[(int) p.weightElements()], null, List.of(), 1)) {
                String impl = conv.implementation();
                assertFalse(impl.contains("gemm:") || impl.startsWith("gemm") || impl.startsWith("ref"), p + ": " + impl);
            }
        }
    }

    @Test
    void reportsTheChosenImplementation() {
        try (DnnlConv2d conv = DnnlConv2d.prepare(ConvParams.square(1, 8, 8, 8, 3, 1, 1, 1, 1),
                new float[8 * 8 * 9], null, List.of(), 1)) {
            assertFalse(conv.implementation().isBlank());
            assertFalse(conv.implementation().equals("unknown"));
        }
    }

    @Test
    void badArgumentsThrowBeforeAnyNativeCall() {
        ConvParams p = ConvParams.square(1, 2, 4, 3, 3, 1, 1, 1, 1);
        float[] w = new float[(int) p.weightElements()];
        assertMessage(() -> DnnlConv2d.prepare(p, new float[5], null, List.of(), 1),
                "weights must hold m * c/groups * kH * kW = 54 floats, got 5");
        assertMessage(() -> DnnlConv2d.prepare(p, w, new float[2], List.of(), 1), "bias must hold m = 3 floats, got 2");
        assertMessage(() -> DnnlConv2d.prepare(p, w, null, List.of(DnnlPostOp.sum(), DnnlPostOp.sum()), 1),
                "at most one sum post-op, got 2");
        assertMessage(() -> DnnlConv2d.prepare(p, w, null, List.of(), 0), "threads must be > 0, got 0");
        assertMessage(() -> ConvParams.square(1, 3, 4, 3, 3, 1, 1, 1, 2), "groups=2 must divide input channels c=3");
        assertMessage(() -> ConvParams.square(1, 2, 4, 3, 7, 1, 0, 1, 1), "does not fit the padded 4x4 input");
        assertMessage(() -> ConvParams.square(1, 2, 4, 3, 3, 0, 1, 1, 1), "strideH must be > 0, got 0");
        try (Arena arena = Arena.ofConfined();
             DnnlConv2d plain = DnnlConv2d.prepare(p, w, null, List.of(), 1);
             DnnlConv2d residual = DnnlConv2d.prepare(p, w, null, List.of(DnnlPostOp.sum()), 1)) {
            MemorySegment x = arena.allocate(p.srcElements() * 4), y = arena.allocate(p.dstElements() * 4);
            assertMessage(() -> plain.run(MemorySegment.ofArray(new float[32]), y, null),
                    "x must be a native (off-heap) segment");
            assertMessage(() -> plain.run(x, arena.allocate(p.dstElements() * 4 - 4), null),
                    "y needs 192 bytes (offset 0 + 48 floats), the segment has 188");
            assertMessage(() -> plain.run(x, x, null), "y needs 192 bytes");
            MemorySegment big = arena.allocate(1024);
            assertMessage(() -> plain.run(big, big.asSlice(64), null), "x and y overlap");
            assertMessage(() -> plain.run(x, y, y), "no sum post-op");
            assertMessage(() -> residual.run(x, y, null), "the sum post-op needs a residual, got null");
            assertMessage(() -> residual.run(x, y, arena.allocate(8)), "residual needs 192 bytes");
            plain.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> plain.run(x, y, null));
            assertTrue(e.getMessage().contains("closed"));
        }
    }

    /**
     * Weights in native memory, and in a read-only mapped file (a plan's), are reordered from where they lie and give
     * what the same weights from an array give, bit for bit: the same reorder into the same primitive.
     */
    @Test
    void nativeAndReadOnlyWeightsGiveTheArraysOutputs(@TempDir Path dir) throws IOException {
        ConvParams p = ConvParams.square(2, 16, 10, 24, 3, 1, 1, 1, 1);
        Random r = new Random(17);
        float[] x = random(r, (int) p.srcElements()), w = random(r, (int) p.weightElements()), b = random(r, p.m());
        List<DnnlPostOp> ops = List.of(DnnlPostOp.leakyRelu(0.1f));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment xs = floats(arena, x), nativeW = floats(arena, w), mappedW = readOnlyFile(dir, w, arena);
            assertSame(nativeW, DnnlPrimitive.readable(arena, nativeW), "native weights are read where they lie");
            assertTrue(DnnlPrimitive.readable(arena, MemorySegment.ofArray(w)).isNative(), "heap weights are copied");
            for (int block : new int[] {-1, 8}) {
                MemorySegment want = null;
                for (MemorySegment weights : List.of(MemorySegment.ofArray(w), nativeW, mappedW)) {
                    MemorySegment y = arena.allocate(p.dstElements() * 4, 64);
                    try (DnnlConv2d conv = block < 0 ? DnnlConv2d.prepare(p, weights, b, ops, 1)
                            : DnnlConv2d.prepareBlocked(p, weights, b, ops, 1, block, true)) {
                        // the blocked layout's memory is as large as NCHW's: the same x serves as input
                        conv.run(xs, y, null);
                    }
                    if (want == null) want = y;
                    else assertEquals(-1, want.mismatch(y), "block " + block + ", weights " + weights);
                }
                assertTrue(want.getAtIndex(ValueLayout.JAVA_FLOAT, 7) != 0f, "an output was computed");
            }
            assertEquals(-1, nativeW.mismatch(MemorySegment.ofArray(w)), "the weights were only read");
        }
    }

    /** A weights segment of the wrong size is refused with a message, before oneDNN could read past its end. */
    @Test
    void wrongSizedWeightSegmentsThrowBeforeAnyNativeCall() {
        ConvParams p = ConvParams.square(1, 2, 4, 3, 3, 1, 1, 1, 1); // 54 weights
        try (Arena arena = Arena.ofConfined()) {
            assertMessage(() -> DnnlConv2d.prepare(p, arena.allocate(53 * 4), null, List.of(), 1),
                    "weights must hold m * c/groups * kH * kW = 54 floats, got 53");
            assertMessage(() -> DnnlConv2d.prepare(p, arena.allocate(55 * 4).asReadOnly(), null, List.of(), 1),
                    "weights must hold m * c/groups * kH * kW = 54 floats, got 55");
            assertMessage(() -> DnnlConv2d.prepareBlocked(p, arena.allocate(54 * 4 - 2), null, List.of(), 1, 0, true),
                    "weights must hold m * c/groups * kH * kW = 54 floats, got 214 bytes");
            assertMessage(() -> DnnlConv2d.prepare(p, (MemorySegment) null, null, List.of(), 1),
                    "weights must hold m * c/groups * kH * kW = 54 floats, got null");
        }
    }

    @Test
    void anErrorStatusBecomesANativeCallException() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = Dnnl.dnnl_memory_desc_create_with_tag(out, 4, Dnnl.dims(arena, 1, -3, 4, 4), Dnnl.dnnl_f32,
                    Dnnl.dnnl_abcd);
            NativeCallException e = assertThrows(NativeCallException.class,
                    () -> DnnlStatus.check(status, "dnnl_memory_desc_create_with_tag", "dims 1x-3x4x4"));
            assertEquals("dnnl_invalid_arguments", e.statusName());
            assertEquals("oneDNN dnnl_memory_desc_create_with_tag failed: dnnl_invalid_arguments (2); dims 1x-3x4x4",
                    e.getMessage());
        }
    }

    @Test
    void aConvolutionOneDnnRefusesIsANativeCallException() {
        // A destination that does not match the geometry: oneDNN's descriptor check, not ours, must catch it.
        try (Arena arena = Arena.ofConfined(); DnnlHandles h = new DnnlHandles()) {
            MemorySegment src = md(h, arena, 1, 2, 5, 5), w = md(h, arena, 3, 2, 3, 3), dst = md(h, arena, 1, 3, 9, 9);
            MemorySegment none = Dnnl.dims(arena);
            NativeCallException e = assertThrows(NativeCallException.class, () -> h.create(
                    "dnnl_convolution_forward_primitive_desc_create",
                    out -> Dnnl.dnnl_convolution_forward_primitive_desc_create(out, DnnlEngine.cpu(),
                            Dnnl.dnnl_forward_inference, Dnnl.dnnl_convolution_direct, src, w, MemorySegment.NULL,
                            dst, Dnnl.dims(arena, 1, 1), none, none, none, MemorySegment.NULL),
                    Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", "5x5 -> 9x9"));
            assertEquals("dnnl_invalid_arguments", e.statusName());
            assertTrue(e.getMessage().startsWith(
                    "oneDNN dnnl_convolution_forward_primitive_desc_create failed: dnnl_invalid_arguments (2)"));
        }
    }

    private static MemorySegment md(DnnlHandles h, Arena arena, long... dims) {
        MemorySegment d = Dnnl.dims(arena, dims);
        return h.create("dnnl_memory_desc_create_with_tag",
                out -> Dnnl.dnnl_memory_desc_create_with_tag(out, dims.length, d, Dnnl.dnnl_f32, Dnnl.dnnl_abcd),
                Dnnl::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy", null);
    }

    /** Runs the prepared convolution (twice, to show it is reusable) and checks y against the naive loop. */
    private static float[] check(ConvParams p, float[] x, float[] w, float[] b, float[] residual,
                                 List<DnnlPostOp> ops, int threads, boolean inPlace) {
        int oh = p.outH(), ow = p.outW(), cg = p.c() / p.groups(), mg = p.m() / p.groups();
        double[] want = new double[(int) p.dstElements()];
        double[] bound = new double[want.length];
        for (int n = 0; n < p.n(); n++) {
            for (int m = 0; m < p.m(); m++) {
                int g = m / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = b == null ? 0 : b[m], mag = Math.abs(acc);
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ky = 0; ky < p.kernelH(); ky++) {
                                int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
                                if (iy < 0 || iy >= p.h()) continue;
                                for (int kx = 0; kx < p.kernelW(); kx++) {
                                    int ix = ox * p.strideW() - p.padLeft() + kx * p.dilationW();
                                    if (ix < 0 || ix >= p.w()) continue;
                                    double xv = x[((n * p.c() + g * cg + ci) * p.h() + iy) * p.w() + ix];
                                    double wv = w[((m * cg + ci) * p.kernelH() + ky) * p.kernelW() + kx];
                                    acc += xv * wv;
                                    mag += Math.abs(xv * wv);
                                }
                            }
                        }
                        int at = ((n * p.m() + m) * oh + oy) * ow + ox;
                        for (DnnlPostOp op : ops) {
                            switch (op) {
                                case DnnlPostOp.Sum s -> {
                                    acc += s.scale() * (double) residual[at];
                                    mag += Math.abs(s.scale() * residual[at]);
                                }
                                case DnnlPostOp.Eltwise e -> acc = eltwise(e).applyAsDouble(acc);
                            }
                        }
                        want[at] = acc;
                        bound[at] = mag;
                    }
                }
            }
        }
        float[] got = null;
        {
            try (Arena arena = Arena.ofConfined();
                 DnnlConv2d conv = DnnlConv2d.prepare(p, w, b, ops, threads)) {
                MemorySegment xs = floats(arena, x), ys = arena.allocate(p.dstElements() * 4, 64);
                MemorySegment rs = residual == null ? null : floats(arena, residual);
                for (int run = 0; run < 2; run++) {
                    if (inPlace) MemorySegment.copy(rs, 0, ys, 0, ys.byteSize());
                    conv.run(xs, ys, inPlace ? ys : rs);
                    got = ys.toArray(ValueLayout.JAVA_FLOAT);
                    for (int i = 0; i < want.length; i++) {
                        Tolerance t = Tolerance.float32Sum(p.termsPerOutput() + 2, bound[i]);
                        if (!t.accepts(want[i], got[i])) {
                            fail(p + " " + ops + " threads=" + threads + " ("
                                    + conv.implementation() + ") y[" + i + "]: want " + want[i] + ", got " + got[i]
                                    + " (" + t + ")");
                        }
                    }
                }
            }
        }
        return got;
    }

    private static DoubleUnaryOperator eltwise(DnnlPostOp.Eltwise e) {
        return switch (e.kind()) {
            case RELU -> v -> v > 0 ? v : e.alpha() * v;
            case CLIP -> v -> Math.min(Math.max(v, e.alpha()), e.beta());
            default -> throw new IllegalArgumentException("no reference for " + e.kind());
        };
    }
}
