package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Max and average pools over channel-blocked activations against the reference, which pools the blocked tensor
 * {@code [N, C/b, H, W, b]} as a 3-D window that is 1 along the block axis. The max must agree bit for bit (a tie
 * between -0.0 and +0.0 keeps the first in row-major order), the average must add in the reference's order.
 */
class BlockedPool2dTest {
    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();

    /** Input N, C/b, H, W, block; kernel; strides; dilations; pads top, left, bottom, right; ceil_mode. */
    private record Case(int n, int blocks, int h, int w, int block, int kh, int kw, int sh, int sw, int dh, int dw,
                        int[] pads, boolean ceil) {
        PoolWindow2d window() {
            return PoolWindow2d.of(h, w, kh, kw, sh, sw, dh, dw, pads[0], pads[1], pads[2], pads[3], ceil);
        }

        Attribute[] attrs(Attribute... more) {
            List<Attribute> a = new java.util.ArrayList<>(List.of(
                    Attribute.of("kernel_shape", new long[] {kh, kw, 1}), Attribute.of("strides", new long[] {sh, sw, 1}),
                    Attribute.of("dilations", new long[] {dh, dw, 1}),
                    Attribute.of("pads", new long[] {pads[0], pads[1], 0, pads[2], pads[3], 0}),
                    Attribute.of("ceil_mode", ceil ? 1L : 0L)));
            a.addAll(List.of(more));
            return a.toArray(Attribute[]::new);
        }

        long[] shape() { return new long[] {n, blocks, h, w, block}; }

        @Override
        public String toString() {
            return "N" + n + " C/b" + blocks + " " + h + "x" + w + " b" + block + " k" + kh + "x" + kw + " s" + sh + "x"
                    + sw + " d" + dh + "x" + dw + " pads" + java.util.Arrays.toString(pads) + (ceil ? " ceil" : "");
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(1, 2, 24, 24, LANES, 3, 3, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, false),    // resnet's MaxPool
            new Case(2, 1, 17, 11, 2 * LANES, 3, 3, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, false), // odd sizes, 2 vectors
            new Case(1, 3, 9, 13, LANES, 3, 3, 1, 1, 1, 1, new int[] {1, 1, 1, 1}, false),     // stride 1
            new Case(1, 2, 27, 27, LANES, 3, 3, 2, 2, 1, 1, new int[] {0, 0, 0, 0}, true),     // squeezenet's, ceil
            new Case(1, 2, 13, 19, LANES, 3, 3, 1, 2, 2, 2, new int[] {2, 0, 1, 3}, true),     // dilated, asymmetric
            new Case(2, 2, 12, 16, LANES, 2, 2, 2, 2, 1, 1, new int[] {0, 0, 0, 0}, false),    // 2x2
            new Case(1, 1, 11, 33, 2 * LANES, 2, 4, 3, 1, 1, 2, new int[] {1, 2, 1, 0}, true), // other widths
            new Case(1, 2, 7, 7, LANES, 7, 7, 1, 1, 1, 1, new int[] {0, 0, 0, 0}, false),      // a global-sized window
            new Case(1, 2, 5, 4, LANES, 3, 3, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, false),      // no interior column
            new Case(1, 1, 5, 19, LANES, 1, 1, 1, 1, 1, 1, new int[] {2, 2, 2, 2}, false),     // windows in the pads
            new Case(2, 1, 6, 1, LANES, 3, 1, 1, 1, 1, 1, new int[] {1, 0, 1, 0}, false));     // one column

    /**
     * Mostly -0.0, +0.0 and -1, so that windows tie between zeros, with NaN, infinities and 1 scattered; or, without
     * {@code ties}, random values with a few of those.
     */
    private static Tensor input(Case k, long seed, boolean ties) {
        SplittableRandom r = new SplittableRandom(seed);
        int size = k.n * k.blocks * k.h * k.w * k.block;
        float[] v = ties ? new float[size] : FloatChecks.randomFloats(r, size, 4f);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f};
        for (int i = 0; i < size; i++) {
            int c = ties ? r.nextInt(24) : 30 + r.nextInt(100);
            if (c < 8 || c == 30) v[i] = -0f;
            else if (c < 16 || c == 31) v[i] = 0f;
            else if (c < 20) v[i] = -1f;
            else if (c < 24) v[i] = specials[c - 20];
            else if (c < 36) v[i] = specials[c - 32];
        }
        return FloatChecks.tensor(k.shape(), v);
    }

    private static float[] run(Case k, Tensor x, boolean max, boolean includePad, int threads) {
        PoolWindow2d win = k.window();
        float[] y = new float[k.n * k.blocks * win.outPlane() * k.block];
        new BlockedPool2d(win, k.block, max, includePad).run(x.data(), 0, MemorySegment.ofArray(y), 0,
                (long) k.n * k.blocks, threads);
        return y;
    }

    @Test
    void maxPoolMatchesTheReferenceBitForBit() {
        for (Case k : CASES) {
            for (boolean ties : new boolean[] {true, false}) {
                Tensor x = input(k, k.h * 31L + k.w + (ties ? 1 : 0), ties);
                Tensor want = ReferenceRunner.single("MaxPool", 12, new Tensor[] {x}, k.attrs());
                PoolWindow2d win = k.window();
                assertEquals(want.dim(2), win.outH(), k + " output height");
                assertEquals(want.dim(3), win.outW(), k + " output width");
                for (int threads : new int[] {1, 3}) assertSameBits("MaxPool " + k, want, run(k, x, true, false, threads));
            }
        }
    }

    @Test
    void averagePoolAddsInTheReferencesOrder() {
        for (Case k : CASES) {
            Tensor x = input(k, k.h * 17L + k.w, false);
            for (boolean includePad : new boolean[] {false, true}) {
                Attribute[] attrs = k.attrs(Attribute.of("count_include_pad", includePad ? 1L : 0L));
                Tensor want = ReferenceRunner.single("AveragePool", 19, new Tensor[] {x}, attrs);
                float[] got = run(k, x, false, includePad, 3);
                String what = "AveragePool include_pad=" + includePad + " " + k;
                FloatChecks.assertClose(what, want, got, Tolerance.float32Sum(k.kh * k.kw, 4));
                // and bit for bit the float sum from 0 in the reference's order over the float divisor
                float[] inOrder = averageInOrder(k, x, includePad);
                for (int i = 0; i < got.length; i++) {
                    if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(inOrder[i])) {
                        fail(what + ": element " + i + " expected " + inOrder[i] + ", got " + got[i]);
                    }
                }
            }
        }
    }

    @Test
    void aMaxKeepsTheFirstOfTiedZerosAndAnyNaN() {
        Case k = new Case(1, 1, 1, 4, LANES, 1, 2, 1, 1, 1, 1, new int[] {0, 0, 0, 0}, false);
        float[][] rows = {{-0f, 0f, -0f, Float.NaN}, {0f, -0f, 1f, -0f}};
        float[][] want = {{-0f, 0f, Float.NaN}, {0f, 1f, 1f}};
        for (int t = 0; t < rows.length; t++) {
            float[] v = new float[4 * LANES];
            for (int i = 0; i < v.length; i++) v[i] = rows[t][i / LANES];
            float[] got = run(k, FloatChecks.tensor(k.shape(), v), true, false, 1);
            for (int i = 0; i < got.length; i++) {
                assertEquals(Float.floatToIntBits(want[t][i / LANES]), Float.floatToIntBits(got[i]), "row " + t + " element " + i);
            }
        }
    }

    @Test
    void inputAndOutputAtOffsetsInOneSegment() {
        Case k = CASES.get(1);
        PoolWindow2d win = k.window();
        Tensor x = input(k, 3, true);
        int in = (int) x.size(), out = k.n * k.blocks * win.outPlane() * k.block;
        for (boolean max : new boolean[] {true, false}) {
            MemorySegment seg = MemorySegment.ofArray(new float[3 + in + 5 + out]);
            MemorySegment.copy(x.data(), 0, seg, 12, 4L * in);
            new BlockedPool2d(win, k.block, max, false).run(seg, 12, seg, 4L * (3 + in + 5), (long) k.n * k.blocks, 2);
            float[] got = seg.asSlice(4L * (3 + in + 5)).toArray(ValueLayout.JAVA_FLOAT);
            float[] want = run(k, x, max, false, 1);
            for (int i = 0; i < out; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "max=" + max + " element " + i);
            }
        }
    }

    /** The average as the kernel promises it: per lane, a float sum from 0 over the taps in row-major order. */
    private static float[] averageInOrder(Case k, Tensor x, boolean includePad) {
        PoolWindow2d w = k.window();
        float[] y = new float[k.n * k.blocks * w.outPlane() * k.block];
        int i = 0;
        for (int p = 0; p < k.n * k.blocks; p++) {
            for (int oh = 0; oh < w.outH(); oh++) {
                for (int ow = 0; ow < w.outW(); ow++) {
                    for (int c = 0; c < k.block; c++) {
                        float sum = 0;
                        for (int a = 0; a < k.kh; a++) {
                            int ih = oh * k.sh - k.pads[0] + a * k.dh;
                            for (int b = 0; b < k.kw; b++) {
                                int iw = ow * k.sw - k.pads[1] + b * k.dw;
                                if (ih >= 0 && ih < k.h && iw >= 0 && iw < k.w) {
                                    sum += x.getFloat(((long) (p * k.h + ih) * k.w + iw) * k.block + c);
                                }
                            }
                        }
                        float rows = includePad
                                ? PoolWindow2d.paddedTaps(oh, k.sh, k.dh, k.kh, k.pads[0], k.pads[2], k.h)
                                : PoolWindow2d.validTaps(oh, k.sh, k.dh, k.kh, k.pads[0], k.h);
                        int cols = includePad
                                ? PoolWindow2d.paddedTaps(ow, k.sw, k.dw, k.kw, k.pads[1], k.pads[3], k.w)
                                : PoolWindow2d.validTaps(ow, k.sw, k.dw, k.kw, k.pads[1], k.w);
                        y[i++] = sum / (rows * cols);
                    }
                }
            }
        }
        return y;
    }

    /** Raw bits equal, except that any NaN matches any NaN (the reference computes in double). */
    private static void assertSameBits(String what, Tensor want, float[] got) {
        assertEquals(want.size(), got.length, what + " size");
        for (int i = 0; i < got.length; i++) {
            float w = want.getFloat(i);
            boolean same = Float.isNaN(w) ? Float.isNaN(got[i]) : Float.floatToRawIntBits(w) == Float.floatToRawIntBits(got[i]);
            assertTrue(same, what + ": element " + i + " expected " + w + ", got " + got[i]);
        }
    }
}
