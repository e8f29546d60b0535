package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 2-D and global pools against the reference kernels, over the geometries the model zoo uses and more. */
class PoolsTest {
    /** One pool configuration: input N, C, H, W; kernel; strides; dilations; pads top, left, bottom, right; ceil. */
    private record Case(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int[] pads,
                        boolean ceil) {
        PoolWindow2d window() {
            return PoolWindow2d.of(h, w, kh, kw, sh, sw, dh, dw, pads[0], pads[1], pads[2], pads[3], ceil);
        }

        List<Attribute> attrs() {
            List<Attribute> a = new ArrayList<>();
            a.add(Attribute.of("kernel_shape", new long[] {kh, kw}));
            a.add(Attribute.of("strides", new long[] {sh, sw}));
            a.add(Attribute.of("dilations", new long[] {dh, dw}));
            a.add(Attribute.of("pads", new long[] {pads[0], pads[1], pads[2], pads[3]}));
            a.add(Attribute.of("ceil_mode", ceil ? 1L : 0L));
            return a;
        }

        @Override
        public String toString() {
            return "N" + n + " C" + c + " " + h + "x" + w + " k" + kh + "x" + kw + " s" + sh + "x" + sw + " d" + dh + "x"
                    + dw + " pads" + java.util.Arrays.toString(pads) + (ceil ? " ceil" : "");
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(2, 3, 23, 29, 3, 3, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, false),   // resnet's MaxPool
            new Case(1, 4, 27, 27, 3, 3, 2, 2, 1, 1, new int[] {0, 0, 0, 0}, true),    // squeezenet's, 27 -> 13
            new Case(2, 2, 20, 17, 3, 3, 2, 2, 1, 1, new int[] {0, 0, 0, 0}, true),    // ceil_mode, odd and even sizes
            new Case(1, 3, 13, 37, 2, 3, 1, 3, 1, 2, new int[] {0, 1, 2, 1}, true),    // asymmetric pads, dilation
            new Case(3, 1, 9, 40, 3, 2, 3, 1, 2, 1, new int[] {2, 0, 1, 1}, false),
            new Case(1, 2, 7, 7, 7, 7, 1, 1, 1, 1, new int[] {0, 0, 0, 0}, false),     // a global-sized window
            new Case(1, 2, 5, 19, 1, 1, 1, 1, 1, 1, new int[] {2, 2, 2, 2}, false),    // windows wholly in the pads
            new Case(2, 2, 11, 33, 2, 2, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, true));   // ceil window past the end pad

    private static Tensor input(Case k, long seed) {
        float[] v = FloatChecks.randomFloats(new SplittableRandom(seed), k.n * k.c * k.h * k.w, 4f);
        // NaN and infinities somewhere in the first planes, so that some windows hold them and others do not.
        v[5] = Float.NaN;
        v[k.w * 2 + 3] = Float.POSITIVE_INFINITY;
        v[k.h * k.w + k.w + 1] = Float.NEGATIVE_INFINITY;
        return FloatChecks.tensor(new long[] {k.n, k.c, k.h, k.w}, v);
    }

    private static float[] runFast(Case k, Tensor x, boolean max, boolean includePad, int threads) {
        PoolWindow2d win = k.window();
        float[] y = new float[k.n * k.c * win.outPlane()];
        MemorySegment ys = MemorySegment.ofArray(y);
        if (max) new MaxPool2d(win).run(x.data(), 0, ys, 0, (long) k.n * k.c, threads);
        else new AveragePool2d(win, includePad).run(x.data(), 0, ys, 0, (long) k.n * k.c, threads);
        return y;
    }

    @Test
    void maxPoolMatchesTheReference() {
        for (Case k : CASES) {
            Tensor x = input(k, k.h * 31 + k.w);
            Tensor want = ReferenceRunner.single("MaxPool", 12, new Tensor[] {x}, k.attrs().toArray(Attribute[]::new));
            PoolWindow2d win = k.window();
            assertEquals(want.dim(2), win.outH(), k + " output height");
            assertEquals(want.dim(3), win.outW(), k + " output width");
            for (int threads : new int[] {1, 3}) {
                FloatChecks.assertClose("MaxPool " + k, want, runFast(k, x, true, false, threads), Tolerance.EXACT);
            }
        }
    }

    @Test
    void maxPoolKeepsTheReferencesChoiceAmongTiedZeros() {
        for (Case k : CASES) {
            // mostly -0.0 and +0.0, so that windows tie between zeros, with -1, 1 and a NaN among them
            SplittableRandom r = new SplittableRandom(k.h * 7L + k.w);
            float[] v = new float[k.n * k.c * k.h * k.w];
            for (int i = 0; i < v.length; i++) {
                int c = r.nextInt(20);
                v[i] = c < 8 ? -0f : c < 16 ? 0f : c < 18 ? -1f : c < 19 ? 1f : Float.NaN;
            }
            Tensor x = FloatChecks.tensor(new long[] {k.n, k.c, k.h, k.w}, v);
            Tensor want = ReferenceRunner.single("MaxPool", 12, new Tensor[] {x}, k.attrs().toArray(Attribute[]::new));
            for (int threads : new int[] {1, 3}) {
                float[] got = runFast(k, x, true, false, threads);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want.getFloat(i)), Float.floatToRawIntBits(got[i]),
                            "MaxPool " + k + " element " + i + ": want " + want.getFloat(i) + ", got " + got[i]);
                }
            }
        }
    }

    @Test
    void averagePoolMatchesTheReferenceWithAndWithoutPadsCounted() {
        for (Case k : CASES) {
            Tensor x = input(k, k.h * 17 + k.w);
            Tensor abs = Tensor.allocate(DType.FLOAT32, x.shape());
            for (long i = 0; i < x.size(); i++) abs.setFloat(i, Math.abs(x.getFloat(i)));
            int taps = k.kh * k.kw;
            for (long include = 0; include <= 1; include++) {
                List<Attribute> a = k.attrs();
                a.add(Attribute.of("count_include_pad", include));
                Attribute[] attrs = a.toArray(Attribute[]::new);
                Tensor want = ReferenceRunner.single("AveragePool", 19, new Tensor[] {x}, attrs);
                // The mean of |x| over the same window is the sum of |terms| over the divisor: float32Sum's magnitude.
                Tensor magnitude = ReferenceRunner.single("AveragePool", 19, new Tensor[] {abs}, attrs);
                float[] got = runFast(k, x, false, include == 1, 3);
                FloatChecks.assertClose("AveragePool include_pad=" + include + " " + k, want, got,
                        i -> Tolerance.float32Sum(taps, magnitude.getDouble(i)));
            }
        }
    }

    @Test
    void windowsWhollyInThePaddingFollowTheReference() {
        Case k = CASES.get(6);
        float[] max = runFast(k, input(k, 1), true, false, 1);
        assertEquals(Float.NEGATIVE_INFINITY, max[0]);
        assertTrue(Float.isNaN(runFast(k, input(k, 1), false, false, 1)[0]), "0 taps / 0 taps");
        assertEquals(0f, runFast(k, input(k, 1), false, true, 1)[0]);
    }

    @Test
    void globalPoolsMatchTheReference() {
        long[][] shapes = {{2, 5, 7, 7}, {1, 3, 13, 13}, {3, 2, 1, 1}, {1, 4, 3, 37}};
        for (long[] s : shapes) {
            int planes = (int) (s[0] * s[1]), size = (int) (s[2] * s[3]);
            float[] v = FloatChecks.randomFloats(new SplittableRandom(size), planes * size, 3f);
            if (planes > 2) {
                v[size + 2] = Float.NaN;
                v[2 * size + size - 1] = Float.POSITIVE_INFINITY;
            }
            Tensor x = FloatChecks.tensor(s, v);
            double[] magnitude = new double[planes];
            for (int i = 0; i < v.length; i++) magnitude[i / size] += Math.abs(v[i]) / size;
            float[] avg = new float[planes], max = new float[planes];
            GlobalPool.average(x.data(), 0, MemorySegment.ofArray(avg), 0, planes, size, 3);
            GlobalPool.max(x.data(), 0, MemorySegment.ofArray(max), 0, planes, size, 3);
            FloatChecks.assertClose("GlobalAveragePool", ReferenceRunner.single("GlobalAveragePool", 1, new Tensor[] {x}),
                    avg, i -> Tolerance.float32Sum(size, magnitude[i]));
            FloatChecks.assertClose("GlobalMaxPool", ReferenceRunner.single("GlobalMaxPool", 1, new Tensor[] {x}), max,
                    Tolerance.EXACT);
        }
    }

    @Test
    void inputAndOutputAtOffsetsInOneSegment() {
        Case k = CASES.get(0);
        PoolWindow2d win = k.window();
        Tensor x = input(k, 3);
        int in = (int) x.size(), out = k.n * k.c * win.outPlane();
        MemorySegment seg = MemorySegment.ofArray(new float[3 + in + 5 + out]);
        MemorySegment.copy(x.data(), 0, seg, 12, 4L * in);
        new MaxPool2d(win).run(seg, 12, seg, 4L * (3 + in + 5), (long) k.n * k.c, 2);
        Tensor want = ReferenceRunner.single("MaxPool", 12, new Tensor[] {x}, k.attrs().toArray(Attribute[]::new));
        FloatChecks.assertClose("MaxPool at offsets", want,
                seg.asSlice(4L * (3 + in + 5)).toArray(ValueLayout.JAVA_FLOAT), Tolerance.EXACT);
    }

    @Test
    void badGeometryAndShortSegmentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PoolWindow2d.of(4, 4, 6, 1, 1, 1, 1, 1, 0, 0, 0, 0, false));
        assertTrue(e.getMessage().contains("kernel extent 6 exceeds padded input height 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PoolWindow2d.of(4, 4, 2, 2, 0, 1, 1, 1, 0, 0, 0, 0, false));
        PoolWindow2d w = PoolWindow2d.of(4, 4, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, false);
        MemorySegment small = MemorySegment.ofArray(new float[31]), y = MemorySegment.ofArray(new float[8]);
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(w).run(small, 0, y, 0, 2, 1));
        assertTrue(e.getMessage().contains("needs 128 bytes"), e.getMessage());
        MemorySegment big = MemorySegment.ofArray(new float[40]);
        e = assertThrows(IllegalArgumentException.class, () -> new AveragePool2d(w, false).run(big, 0, big, 16, 2, 1));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }
}
