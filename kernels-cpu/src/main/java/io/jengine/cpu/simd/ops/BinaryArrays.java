package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The loops of {@link BinaryRuns} over float arrays whose length is a whole number of vectors (the block buffers of
 * {@link ElementwiseChain}): no tails, heap arrays only. The output may be either operand (each vector is read before
 * its result is written).
 */
final class BinaryArrays {
    private BinaryArrays() {}

    static void both(BinaryOp op, float[] a, float[] b, float[] y, int n) {
        for (int i = 0; i < n; i += F.length()) {
            BinaryOp.apply(op, FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i)).intoArray(y, i);
        }
    }

    /** {@code op(v, s)}, or {@code op(s, v)} when {@code scalarFirst}. */
    static void vectorScalar(BinaryOp op, float[] v, float s, boolean scalarFirst, float[] y, int n) {
        FloatVector vs = FloatVector.broadcast(F, s);
        if (scalarFirst) {
            for (int i = 0; i < n; i += F.length()) BinaryOp.apply(op, vs, FloatVector.fromArray(F, v, i)).intoArray(y, i);
        } else {
            for (int i = 0; i < n; i += F.length()) BinaryOp.apply(op, FloatVector.fromArray(F, v, i), vs).intoArray(y, i);
        }
    }

    /** Both operands scalars: n copies of one result. */
    static void scalars(BinaryOp op, float a, float b, float[] y, int n) {
        Arrays.fill(y, 0, n, BinaryOp.apply(op, FloatVector.broadcast(F, a), FloatVector.broadcast(F, b)).lane(0));
    }
}
