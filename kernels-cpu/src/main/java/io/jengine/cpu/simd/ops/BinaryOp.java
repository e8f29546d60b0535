package io.jengine.cpu.simd.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The float32 binary arithmetic of {@link BroadcastBinary} and of elementwise chains. Max and Min propagate NaN
 * (Java's {@code Math.max} semantics, as the reference's); Pow is {@code Math.pow}'s, special values included.
 */
public enum BinaryOp {
    ADD("Add"), SUB("Sub"), MUL("Mul"), DIV("Div"), MAX("Max"), MIN("Min"), POW("Pow");

    private final String onnxName;

    BinaryOp(String onnxName) { this.onnxName = onnxName; }

    public String onnxName() { return onnxName; }

    /** The op an ONNX op type denotes. */
    public static BinaryOp named(String name) {
        for (BinaryOp op : values()) if (op.onnxName.equals(name)) return op;
        throw new IllegalArgumentException("unknown binary op '" + name + "', expected Add, Sub, Mul, Div, Max, Min or Pow");
    }

    /**
     * The op on one pair of vectors. Small enough for the JIT to inline into a caller's loop, where the switch on a
     * loop-invariant op costs one predictable branch per vector and no vector is boxed.
     */
    public static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case POW -> a.lanewise(VectorOperators.POW, b);
        };
    }
}
