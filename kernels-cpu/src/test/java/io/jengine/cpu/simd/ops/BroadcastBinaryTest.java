package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every broadcasting binary op against the reference kernel, over shapes that exercise each collapsed case. */
class BroadcastBinaryTest {
    private static final long[][][] PAIRS = {
        {{2, 3, 5, 7}, {2, 3, 5, 7}},   // vector with vector
        {{2, 3, 5, 7}, {7}},            // a row repeated
        {{2, 3, 5, 7}, {3, 1, 1}},      // a per-channel scalar
        {{1}, {4, 33}},                 // a scalar first
        {{5, 1, 37}, {1, 6, 1}},        // each input broadcast along a different dim
        {{}, {}},                       // rank 0
        {{3, 40000}, {3, 1}},           // runs longer than a task's chunk, threaded
        {{2, 1, 3}, {4, 1}},            // ranks differ, nothing merges
        {{0, 3}, {3}}};                 // empty

    private static float[] values(long n, long seed, boolean base) {
        float[] v = FloatChecks.randomFloats(new SplittableRandom(seed), (int) n, base ? 3f : 4f);
        if (n > 9) {
            v[1] = Float.NaN;
            v[4] = Float.POSITIVE_INFINITY;
            v[9] = Float.NEGATIVE_INFINITY;
        }
        return v;
    }

    private static int opset(BinaryOp op) { return op == BinaryOp.MAX || op == BinaryOp.MIN ? 13 : op == BinaryOp.POW ? 15 : 14; }

    @Test
    void everyOpAndShapeMatchesTheReference() {
        for (BinaryOp op : BinaryOp.values()) {
            for (long[][] p : PAIRS) {
                float[] a = values(Shapes.size(p[0]), 7 + p[0].length, true), b = values(Shapes.size(p[1]), 11, false);
                BroadcastBinary k = new BroadcastBinary(op, p[0], p[1]);
                float[] y = new float[(int) Shapes.size(k.outShape())];
                k.run(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, MemorySegment.ofArray(y), 0, 3);
                Tensor want = ReferenceRunner.single(op.onnxName(), opset(op),
                        new Tensor[] {FloatChecks.tensor(p[0], a), FloatChecks.tensor(p[1], b)});
                assertArrayEquals(want.shape(), k.outShape());
                FloatChecks.assertClose(op + " " + Arrays.toString(p[0]) + " " + Arrays.toString(p[1]), want, y,
                        Tolerance.FLOAT32);
            }
        }
    }

    @Test
    void inPlaceIntoEitherInput() {
        long[] big = {3, 5, 37}, small = {5, 1};
        for (BinaryOp op : BinaryOp.values()) {
            float[] a = values(Shapes.size(big), 1, true), b = values(Shapes.size(small), 2, false);
            Tensor want = ReferenceRunner.single(op.onnxName(), opset(op),
                    new Tensor[] {FloatChecks.tensor(big, a), FloatChecks.tensor(small, b)});
            MemorySegment as = MemorySegment.ofArray(a);
            new BroadcastBinary(op, big, small).run(as, 0, MemorySegment.ofArray(b), 0, as, 0, 2);
            FloatChecks.assertClose(op + " into A", want, a, Tolerance.FLOAT32);

            float[] a2 = values(Shapes.size(small), 3, true), b2 = values(Shapes.size(big), 4, false);
            Tensor want2 = ReferenceRunner.single(op.onnxName(), opset(op),
                    new Tensor[] {FloatChecks.tensor(small, a2), FloatChecks.tensor(big, b2)});
            MemorySegment bs = MemorySegment.ofArray(b2);
            new BroadcastBinary(op, small, big).run(MemorySegment.ofArray(a2), 0, bs, 0, bs, 0, 2);
            FloatChecks.assertClose(op + " into B", want2, b2, Tolerance.FLOAT32);
        }
    }

    @Test
    void broadcastCollapsesToTheFewestDims() {
        assertArrayEquals(new long[] {210}, new BroadcastBinary(BinaryOp.ADD, new long[] {2, 3, 5, 7},
                new long[] {2, 3, 5, 7}).collapsedDims());
        assertArrayEquals(new long[] {2, 3, 35}, new BroadcastBinary(BinaryOp.ADD, new long[] {2, 3, 5, 7},
                new long[] {3, 1, 1}).collapsedDims());
        // a short row repeated down: one run, in which the row is periodic
        assertArrayEquals(new long[] {210}, new BroadcastBinary(BinaryOp.ADD, new long[] {2, 3, 5, 7},
                new long[] {1, 7}).collapsedDims());
        // a long row is a run of its own
        assertArrayEquals(new long[] {6, 300}, new BroadcastBinary(BinaryOp.ADD, new long[] {2, 3, 300},
                new long[] {300}).collapsedDims());
    }

    @Test
    void badShapesAndOverlapsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new BroadcastBinary(BinaryOp.ADD, new long[] {3}, new long[] {4}));
        BroadcastBinary k = new BroadcastBinary(BinaryOp.ADD, new long[] {4, 4}, new long[] {4});
        MemorySegment s = MemorySegment.ofArray(new float[40]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.run(s, 0, s, 64, s, 16, 1));
        assertTrue(e.getMessage().contains("overlaps input A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.run(s, 0, s, 64, s, 100, 1));
        assertTrue(e.getMessage().contains("needs 64 bytes from offset 100"), e.getMessage());
    }
}
