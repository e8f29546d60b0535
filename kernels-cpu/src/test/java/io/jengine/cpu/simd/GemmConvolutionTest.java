package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.SimdTestData.assertSums;
import static io.jengine.cpu.simd.SimdTestData.floats;
import static io.jengine.cpu.simd.SimdTestData.segment;
import static io.jengine.cpu.simd.SimdTestData.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceActivations;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Conv1x1Gemm and Im2colConv against a naive double-precision convolution, over the geometries the zoo uses. */
class GemmConvolutionTest {
    private static final int X_OFF = 3, Y_OFF = 5, R_OFF = 2;

    /** Runs {@code conv} on seeded data with offsets and checks it, returning the output for bit comparisons. */
    private static float[] runAndCheck(String what, ConvShape s, boolean oneByOne, String act, boolean withResidual,
            int threads, long seed, boolean poison) {
        Random r = new Random(seed);
        float[] x = values(r, (int) s.inputElements()), w = values(r, (int) s.weightElements()), b = values(r, s.outC());
        float[] res = withResidual ? values(r, (int) s.outputElements()) : null;
        if (poison) {
            x[x.length / 3] = Float.NaN;
            x[x.length / 2] = Float.POSITIVE_INFINITY;
        }
        MemorySegment xs = segment(pad(X_OFF, x), 0), ys = segment(new float[Y_OFF + (int) s.outputElements()], 4);
        MemorySegment rs = withResidual ? segment(pad(R_OFF, res), 0) : null;
        Activation a = Activation.of(act, new float[0]);
        GemmConvolution conv = oneByOne ? Conv1x1Gemm.prepare(s, w, b, a) : Im2colConv.prepare(s, w, b, a);
        conv.run(xs, 4L * X_OFF, ys, 4L * Y_OFF, rs, 4L * R_OFF, threads);
        float[] got = floats(ys, Y_OFF, (int) s.outputElements());
        for (float f : floats(ys, 0, Y_OFF)) assertEquals(0f, f, what + ": wrote before y");
        for (float f : floats(ys, Y_OFF + s.outputElements(), 4)) assertEquals(1e30f, f, what + ": wrote after y");
        check(what, s, x, w, b, res, ReferenceActivations.of(act, new float[0]), got);
        return got;
    }

    private static float[] pad(int front, float[] v) {
        float[] out = new float[front + v.length];
        System.arraycopy(v, 0, out, front, v.length);
        return out;
    }

    private static void check(String what, ConvShape s, float[] x, float[] w, float[] b, float[] res,
            DoubleUnaryOperator act, float[] got) {
        int oh = s.outH(), ow = s.outW(), cg = s.inCPerGroup(), mg = s.outCPerGroup();
        double[] want = new double[got.length], mag = new double[got.length];
        for (int n = 0; n < s.batch(); n++) {
            for (int oc = 0; oc < s.outC(); oc++) {
                int g = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = b[oc], m = Math.abs(b[oc]);
                        for (int c = 0; c < cg; c++) {
                            for (int ky = 0; ky < s.kH(); ky++) {
                                int iy = oy * s.strideH() - s.padTop() + ky * s.dilH();
                                if (iy < 0 || iy >= s.inH()) continue;
                                for (int kx = 0; kx < s.kW(); kx++) {
                                    int ix = ox * s.strideW() - s.padLeft() + kx * s.dilW();
                                    if (ix < 0 || ix >= s.inW()) continue;
                                    double prod = (double) w[((oc * cg + c) * s.kH() + ky) * s.kW() + kx]
                                            * x[((n * s.inC() + g * cg + c) * s.inH() + iy) * s.inW() + ix];
                                    sum += prod;
                                    m += Math.abs(prod);
                                }
                            }
                        }
                        int o = ((n * s.outC() + oc) * oh + oy) * ow + ox;
                        if (res != null) {
                            sum += res[o];
                            m += Math.abs(res[o]);
                        }
                        want[o] = act.applyAsDouble(sum);
                        mag[o] = m;
                    }
                }
            }
        }
        assertSums(what, want, mag, s.gemmK() + 3, got);
    }

    @Test
    void warmedUpRunsAllocateNothingPerCall() {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ConvShape[] shapes = {ConvShape.of(1, 16, 9, 11, 24, 1, 1, 0, 1), ConvShape.of(1, 8, 13, 13, 12, 3, 2, 1, 1)};
        for (ConvShape s : shapes) {
            Random r = new Random(7);
            MemorySegment x = segment(values(r, (int) s.inputElements()), 0);
            MemorySegment y = segment(new float[(int) s.outputElements()], 0);
            MemorySegment res = segment(values(r, (int) s.outputElements()), 0);
            float[] w = values(r, (int) s.weightElements()), b = values(r, s.outC());
            GemmConvolution conv = Conv1x1Gemm.supports(s) ? Conv1x1Gemm.prepare(s, w, b, Activation.relu())
                    : Im2colConv.prepare(s, w, b, Activation.relu());
            // Until C2 has compiled the vector code, the interpreter boxes every vector: measure rounds until one
            // runs compiled (or give up after a generous time).
            int calls = 50;
            long perCall = Long.MAX_VALUE, deadline = System.nanoTime() + 30_000_000_000L;
            while (perCall > 16 && System.nanoTime() < deadline) {
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) conv.run(x, 0, y, 0, res, 0, 1);
                perCall = Math.min(perCall, (bean.getCurrentThreadAllocatedBytes() - before) / calls);
            }
            assertTrue(perCall <= 16, s + ": " + perCall + " bytes of heap per warmed-up run");
        }
    }

    @Test
    void zooGeometriesMatchTheNaiveConvolution() {
        Object[][] cases = {
            {"resnet stem 7x7 s2 p3", ConvShape.of(1, 3, 33, 35, 8, 7, 2, 3, 1)},
            {"3x3 s1 p1 batch 2", ConvShape.of(2, 16, 15, 13, 20, 3, 1, 1, 1)},
            {"3x3 s2 p1", ConvShape.of(1, 8, 17, 17, 12, 3, 2, 1, 1)},
            {"3x3 s1 p1 wide rows", ConvShape.of(1, 5, 6, 75, 7, 3, 1, 1, 1)},
            {"3x3 deep K crosses depth blocks", ConvShape.of(1, 64, 7, 7, 10, 3, 1, 1, 1)},
            {"1x1 s1 batch 2", ConvShape.of(2, 32, 9, 11, 24, 1, 1, 0, 1)},
            {"1x1 s2", ConvShape.of(1, 16, 13, 13, 8, 1, 2, 0, 1)},
            {"grouped 3x3 (4 groups)", ConvShape.of(2, 8, 10, 9, 12, 3, 1, 1, 4)},
            {"depthwise 3x3 s2", ConvShape.of(1, 6, 11, 11, 6, 3, 2, 1, 6)},
            {"dilated asymmetric pads", new ConvShape(1, 5, 12, 14, 7, 3, 2, 1, 2, 2, 1, 0, 2, 2, 3, 1)},
            {"no padding 5x5 s3", ConvShape.of(1, 4, 19, 23, 9, 5, 3, 0, 1)},
            {"grouped 1x1 batch 2", ConvShape.of(2, 12, 7, 9, 8, 1, 1, 0, 4)},
            {"7x7 s2 p3 wide rows", ConvShape.of(1, 3, 12, 80, 9, 7, 2, 3, 1)},
            {"1x1 s2 wide rows batch 2", ConvShape.of(2, 6, 9, 70, 5, 1, 2, 0, 1)},
        };
        long seed = 100;
        for (Object[] c : cases) {
            ConvShape s = (ConvShape) c[1];
            runAndCheck((String) c[0], s, false, "Relu", true, 1, seed++, false);
            runAndCheck((String) c[0] + " no residual", s, false, "None", false, 2, seed++, false);
            if (Conv1x1Gemm.supports(s)) runAndCheck((String) c[0] + " (1x1 path)", s, true, "Relu", true, 2, seed++, false);
        }
    }

    @Test
    void activationsAndNonFiniteInputsFollowTheReference() {
        ConvShape s = ConvShape.of(2, 6, 9, 8, 10, 3, 1, 1, 2);
        long seed = 200;
        for (String act : new String[] {"Sigmoid", "Tanh", "SiLU", "Gelu", "HardSwish"}) {
            runAndCheck(act, s, false, act, true, 2, seed++, false);
        }
        for (String act : new String[] {"None", "Relu", "Gelu"}) {
            runAndCheck("NaN/Inf input, " + act, s, false, act, false, 1, seed++, true);
            runAndCheck("NaN/Inf input 1x1, " + act, ConvShape.of(1, 4, 6, 7, 5, 1, 1, 0, 1), true, act, false, 1, seed++, true);
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        ConvShape[] shapes = {ConvShape.of(2, 24, 20, 21, 40, 3, 1, 1, 1), ConvShape.of(2, 40, 14, 14, 36, 1, 1, 0, 1),
                ConvShape.of(1, 12, 23, 23, 16, 3, 2, 1, 4)};
        for (ConvShape s : shapes) {
            boolean oneByOne = Conv1x1Gemm.supports(s);
            float[] one = runAndCheck(s + " 1 thread", s, oneByOne, "SiLU", true, 1, 300, false);
            float[] two = runAndCheck(s + " 2 threads", s, oneByOne, "SiLU", true, 2, 300, false);
            assertArrayEquals(one, two, s.toString());
        }
    }

    @Test
    void badShapesAndBuffersAreRejectedClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 6, 8, 8, 4, 3, 1, 1, 4));
        assertTrue(e.getMessage().contains("multiples of group 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 2, 2, 2, 4, 5, 1, 0, 1));
        assertTrue(e.getMessage().contains("spans 5x5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 2, 8, 8, 4, 3, 0, 1, 1));
        assertTrue(e.getMessage().contains("strideH must be >= 1, got 0"), e.getMessage());
        ConvShape s = ConvShape.of(1, 2, 5, 5, 3, 3, 1, 1, 1);
        e = assertThrows(IllegalArgumentException.class, () -> Im2colConv.prepare(s, new float[10], null, null));
        assertTrue(e.getMessage().contains("weights need 54 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Im2colConv.prepare(s, new float[54], new float[2], null));
        assertTrue(e.getMessage().contains("bias needs 3 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv1x1Gemm.prepare(s, new float[54], null, null));
        assertTrue(e.getMessage().contains("1x1 kernel"), e.getMessage());
        Im2colConv conv = Im2colConv.prepare(s, new float[54], null, null);
        MemorySegment small = segment(new float[49], 0), ok = segment(new float[75], 0);
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(small, 0, ok, 0, null, 0, 1));
        assertTrue(e.getMessage().contains("input x needs 200 bytes") && e.getMessage().contains("196"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(ok, 0, ok, 8, null, 0, 1));
        assertTrue(e.getMessage().contains("output y needs 300 bytes from byte offset 8"), e.getMessage());
        MemorySegment big = segment(new float[200], 0);
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(big, 0, big, 4 * 40, null, 0, 1));
        assertTrue(e.getMessage().contains("output y overlaps input x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.run(ok, 0, big, 0, big, 4 * 74, 1));
        assertTrue(e.getMessage().contains("overlaps the residual"), e.getMessage());
    }
}
