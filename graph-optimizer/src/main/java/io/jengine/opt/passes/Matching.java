package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.tensor.Tensor;

/** Small questions pattern-matching passes ask about the neighbourhood of a node. */
final class Matching {
    /** Ops whose result differs from run to run: never folded, never merged. */
    static final java.util.Set<String> RANDOM_OPS = java.util.Set.of("RandomUniform", "RandomNormal",
            "RandomUniformLike", "RandomNormalLike", "Bernoulli", "Multinomial");

    private Matching() {}

    /** The producer of {@code value} if it is an ONNX-domain {@code op}, else null. */
    static Node producedBy(GraphIndex g, String value, String op) {
        Node p = g.producer(value);
        return p != null && p.domain().isEmpty() && p.opType().equals(op) ? p : null;
    }

    /** The only reader of {@code value} if it is an ONNX-domain {@code op} and the value is not a graph output. */
    static Node onlyReader(GraphIndex g, String value, String op) {
        if (!g.hasSingleUse(value)) return null;
        Node r = g.consumers(value).getFirst();
        return r.domain().isEmpty() && r.opType().equals(op) ? r : null;
    }

    /** The input of a binary node that is not {@code value}, or null when {@code value} is not one of its inputs. */
    static String other(Node binary, String value) {
        if (binary.inputs().size() != 2) return null;
        if (binary.inputs().get(0).equals(value)) return binary.inputs().get(1);
        if (binary.inputs().get(1).equals(value)) return binary.inputs().get(0);
        return null;
    }

    /** Whether {@code value} is a constant scalar (any shape of one element) within 1e-4 relative of {@code want}. */
    static boolean isScalar(GraphIndex g, String value, double want) {
        Tensor t = value == null ? null : g.constant(value);
        return t != null && t.size() == 1 && t.dtype().isFloatingPoint()
                && Math.abs(t.getDouble(0) - want) <= 1e-4 * Math.abs(want);
    }

    /** The value of a one-element constant, or NaN. */
    static double scalar(GraphIndex g, String value) {
        Tensor t = value == null ? null : g.constant(value);
        return t != null && t.size() == 1 ? t.getDouble(0) : Double.NaN;
    }

    /**
     * Whether two values have the same element type and the same static shape, every dim either known or a named
     * symbol (so equal names mean equal sizes): an elementwise op between them does not broadcast.
     */
    static boolean sameStaticShape(io.jengine.tensor.ValueType a, io.jengine.tensor.ValueType b) {
        return a instanceof io.jengine.tensor.ValueType.TensorType ta && b instanceof io.jengine.tensor.ValueType.TensorType tb
                && ta.shape() != null && ta.shape().equals(tb.shape()) && ta.elementType() == tb.elementType()
                && ta.shape().dims().stream().allMatch(d -> d.isKnown() || d.isSymbolic());
    }
}
