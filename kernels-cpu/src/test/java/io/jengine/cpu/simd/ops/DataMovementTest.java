package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Transpose, Slice, Concat and Gather (axis 0) against the reference kernels, byte for byte, for several types. */
class DataMovementTest {
    private static final DType[] TYPES = {DType.FLOAT32, DType.INT64, DType.UINT8, DType.FLOAT16};

    private static Tensor random(DType t, long[] shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor x = Tensor.allocate(t, shape);
        MemorySegment d = x.data();
        for (long i = 0; i < d.byteSize(); i++) d.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        return x;
    }

    private static void assertSameBytes(String what, Tensor want, MemorySegment got) {
        assertEquals(want.byteSize(), got.byteSize(), what + " byte size");
        long at = want.data().mismatch(got);
        assertEquals(-1, at, what + ": first differing byte " + at);
    }

    @Test
    void transposeMatchesTheReference() {
        long[] shape = {2, 3, 4, 5};
        int[][] perms = {{0, 2, 1, 3}, {0, 1, 3, 2}, {3, 2, 1, 0}, {1, 0, 2, 3}, {0, 3, 1, 2}, {0, 2, 3, 1}, null};
        for (DType t : TYPES) {
            for (int[] perm : perms) {
                Tensor x = random(t, shape, t.ordinal());
                Tensor want = perm == null ? ReferenceRunner.single("Transpose", 13, new Tensor[] {x})
                        : ReferenceRunner.single("Transpose", 13, new Tensor[] {x},
                                Attribute.of("perm", Arrays.stream(perm).asLongStream().toArray()));
                Transpose tr = new Transpose(shape, perm, t.byteSize());
                assertArrayEquals(want.shape(), tr.outShape());
                MemorySegment y = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
                tr.run(x.data(), 0, y, 0, 2);
                assertSameBytes("Transpose " + t + " " + Arrays.toString(perm), want, y);
            }
        }
    }

    @Test
    void transposeOfLargeOddMatricesThreaded() {
        for (long[] shape : new long[][] {{67, 301}, {3, 129, 65}}) {
            int r = shape.length;
            int[] perm = r == 2 ? new int[] {1, 0} : new int[] {0, 2, 1};
            Tensor x = random(DType.FLOAT32, shape, 9);
            Tensor want = ReferenceRunner.single("Transpose", 13, new Tensor[] {x},
                    Attribute.of("perm", Arrays.stream(perm).asLongStream().toArray()));
            MemorySegment y = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
            new Transpose(shape, perm, 4).run(x.data(), 0, y, 0, 3);
            assertSameBytes("Transpose " + Arrays.toString(shape), want, y);
        }
    }

    @Test
    void transposeMergesAxesThatStayTogether() {
        assertArrayEquals(new long[] {4, 6, 5}, new Transpose(new long[] {2, 3, 4, 5}, new int[] {2, 0, 1, 3}, 4).collapsedDims());
        // Elements of 12 bytes (three floats) move whole: the transpose of [4, 5, 3] floats by (1, 0, 2).
        Tensor x = random(DType.FLOAT32, new long[] {4, 5, 3}, 5);
        Tensor want = ReferenceRunner.single("Transpose", 13, new Tensor[] {x}, Attribute.of("perm", new long[] {1, 0, 2}));
        MemorySegment y = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
        new Transpose(new long[] {4, 5}, new int[] {1, 0}, 12).run(x.data(), 0, y, 0, 1);
        assertSameBytes("12-byte elements", want, y);
    }

    @Test
    void sliceMatchesTheReference() {
        long[] shape = {5, 7, 9};
        long[][][] cases = { // starts, ends, axes, steps
            {{1, 2}, {4, 8}, {0, 2}, {1, 1}},
            {{0, 1}, {7, 9}, {1, 2}, {2, 3}},
            {{-1, 8}, {-6, 0}, {0, 2}, {-1, -2}},
            {{-100, 3}, {Long.MAX_VALUE, -1}, {1, 2}, {1, 1}},
            {{4, 6, 8}, {-100, -100, -100}, {0, 1, 2}, {-2, -3, -4}},
            {{3}, {3}, {2}, {1}},                      // empty
            {{0}, {5}, {-3}, {1}}};
        for (DType t : TYPES) {
            for (long[][] c : cases) {
                Tensor x = random(t, shape, 3);
                Tensor want = ReferenceRunner.single("Slice", 13, new Tensor[] {x, Tensor.ofLongs(new long[] {c[0].length}, c[0]),
                        Tensor.ofLongs(new long[] {c[1].length}, c[1]), Tensor.ofLongs(new long[] {c[2].length}, c[2]),
                        Tensor.ofLongs(new long[] {c[3].length}, c[3])});
                Slice s = new Slice(shape, c[0], c[1], c[2], c[3], t.byteSize());
                assertArrayEquals(want.shape(), s.outShape(), Arrays.deepToString(c));
                MemorySegment y = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
                s.run(x.data(), 0, y, 0, 2);
                assertSameBytes("Slice " + t + " " + Arrays.deepToString(c), want, y);
            }
        }
    }

    @Test
    void concatMatchesTheReference() {
        long[][][] cases = {{{2, 3, 4}, {2, 5, 4}, {2, 1, 4}}, {{3, 2}, {3, 7}}, {{1, 4}, {6, 4}}, {{300, 70}, {300, 71}}};
        long[] axes = {1, -1, 0, 1};
        for (DType t : TYPES) {
            for (int k = 0; k < cases.length; k++) {
                Tensor[] xs = new Tensor[cases[k].length];
                MemorySegment[] segs = new MemorySegment[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = random(t, cases[k][i], i * 13L + k);
                    segs[i] = xs[i].data();
                }
                Tensor want = ReferenceRunner.single("Concat", 13, xs, Attribute.of("axis", axes[k]));
                Concat c = new Concat(cases[k], axes[k], t.byteSize());
                assertArrayEquals(want.shape(), c.outShape());
                MemorySegment y = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
                c.run(segs, new long[xs.length], y, 0, 3);
                assertSameBytes("Concat " + t + " axis " + axes[k], want, y);
            }
        }
    }

    @Test
    void gatherOnAxisZeroMatchesTheReference() {
        long[] shape = {10, 6};
        long[] idx = {0, 9, -1, 3, -10, 3, 7, 2, 2, 5, 1, 0};
        for (DType t : TYPES) {
            Tensor x = random(t, shape, 4);
            Tensor indices = Tensor.ofLongs(new long[] {3, 4}, idx);
            Tensor want = ReferenceRunner.single("Gather", 13, new Tensor[] {x, indices});
            long rowBytes = 6L * t.byteSize();
            MemorySegment y = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
            GatherRows.run(x.data(), 0, 10, rowBytes, indices.data(), 0, 8, idx.length, y, 0, 2);
            assertSameBytes("Gather int64 " + t, want, y);
            Tensor idx32 = Tensor.ofInts(new long[] {3, 4}, Arrays.stream(idx).mapToInt(v -> (int) v).toArray());
            MemorySegment y32 = MemorySegment.ofArray(new byte[(int) want.byteSize()]);
            GatherRows.run(x.data(), 0, 10, rowBytes, idx32.data(), 0, 4, idx.length, y32, 0, 1);
            assertSameBytes("Gather int32 " + t, want, y32);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Transpose(new long[] {2, 3}, new int[] {0, 0}, 4));
        assertThrows(IllegalArgumentException.class, () -> new Concat(new long[][] {{2, 3}, {3, 3}}, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new Slice(new long[] {4}, new long[] {0}, new long[] {2},
                null, new long[] {0}, 4));
        MemorySegment table = MemorySegment.ofArray(new float[12]), ids = MemorySegment.ofArray(new long[] {1, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatherRows.run(table, 0, 3, 16, ids, 0, 8, 2, MemorySegment.ofArray(new float[8]), 0, 1));
        assertTrue(e.getMessage().contains("indices[1] = 3 is out of range [-3, 3)"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64);
            e = assertThrows(IllegalArgumentException.class,
                    () -> new Transpose(new long[] {2, 4}, new int[] {1, 0}, 4).run(s, 0, s, 16, 1));
            assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        }
        assertEquals(0, Shapes.size(new Slice(new long[] {4}, new long[] {3}, new long[] {1}, null, null, 4).outShape()));
    }
}
