package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The loops of {@link BinaryRuns} over float arrays whose length is a whole number of vectors (the block buffers of
 * {@link ElementwiseChain}): no tails, heap arrays only, and one loop per op (the op chosen once per call, not per
 * vector). The arithmetic is {@link BinaryOp#apply}'s. The output may be either operand (each vector is read before
 * its result is written).
 */
final class BinaryArrays {
    private BinaryArrays() {}

    static void both(BinaryOp op, float[] a, float[] b, float[] y, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, a, i).add(FloatVector.fromArray(F, b, i)).intoArray(y, i); }
            case SUB -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i)).intoArray(y, i); }
            case MUL -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)).intoArray(y, i); }
            case DIV -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, a, i).div(FloatVector.fromArray(F, b, i)).intoArray(y, i); }
            case MAX -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, a, i).max(FloatVector.fromArray(F, b, i)).intoArray(y, i); }
            case MIN -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, a, i).min(FloatVector.fromArray(F, b, i)).intoArray(y, i); }
            case POW -> { for (int i = 0; i < n; i += F.length()) BinaryOp.apply(op, FloatVector.fromArray(F, a, i), FloatVector.fromArray(F, b, i)).intoArray(y, i); }
        }
    }

    /** {@code op(v, s)}, or {@code op(s, v)} when {@code scalarFirst}. */
    static void vectorScalar(BinaryOp op, float[] v, float s, boolean scalarFirst, float[] y, int n) {
        if (scalarFirst) scalarVector(op, s, v, y, n);
        else vectorScalar(op, v, s, y, n);
    }

    private static void vectorScalar(BinaryOp op, float[] v, float s, float[] y, int n) {
        // no vector made before the switch: one that only the POW case reads stays live into the other cases'
        // deoptimization state, and C2 then builds it on the heap on every call
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, v, i).add(s).intoArray(y, i); }
            case SUB -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, v, i).sub(s).intoArray(y, i); }
            case MUL -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, v, i).mul(s).intoArray(y, i); }
            case DIV -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, v, i).div(s).intoArray(y, i); }
            case MAX -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, v, i).max(s).intoArray(y, i); }
            case MIN -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, v, i).min(s).intoArray(y, i); }
            case POW -> {
                FloatVector vs = FloatVector.broadcast(F, s);
                for (int i = 0; i < n; i += F.length()) BinaryOp.apply(op, FloatVector.fromArray(F, v, i), vs).intoArray(y, i);
            }
        }
    }

    private static void scalarVector(BinaryOp op, float s, float[] v, float[] y, int n) {
        FloatVector vs = FloatVector.broadcast(F, s);
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i += F.length()) vs.add(FloatVector.fromArray(F, v, i)).intoArray(y, i); }
            case SUB -> { for (int i = 0; i < n; i += F.length()) vs.sub(FloatVector.fromArray(F, v, i)).intoArray(y, i); }
            case MUL -> { for (int i = 0; i < n; i += F.length()) vs.mul(FloatVector.fromArray(F, v, i)).intoArray(y, i); }
            case DIV -> { for (int i = 0; i < n; i += F.length()) vs.div(FloatVector.fromArray(F, v, i)).intoArray(y, i); }
            case MAX -> { for (int i = 0; i < n; i += F.length()) vs.max(FloatVector.fromArray(F, v, i)).intoArray(y, i); }
            case MIN -> { for (int i = 0; i < n; i += F.length()) vs.min(FloatVector.fromArray(F, v, i)).intoArray(y, i); }
            case POW -> { for (int i = 0; i < n; i += F.length()) BinaryOp.apply(op, vs, FloatVector.fromArray(F, v, i)).intoArray(y, i); }
        }
    }

    /** Both operands scalars: n copies of one result. */
    static void scalars(BinaryOp op, float a, float b, float[] y, int n) {
        Arrays.fill(y, 0, n, BinaryOp.apply(op, FloatVector.broadcast(F, a), FloatVector.broadcast(F, b)).lane(0));
    }
}
