package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * Ops that, as typed, return their input unchanged:
 * Cast to the input's own type; Reshape, Expand, Flatten, Squeeze, Unsqueeze whose output shape equals the input's
 * (same elements in the same order); Transpose with the identity permutation; Concat of one input; Pad by zeros;
 * Slice with positive steps whose output shape equals the input's.
 */
public final class NoOpElimination implements GraphPass {
    @Override
    public String name() { return "no-op-elimination"; }

    @Override
    public Set<String> targets() {
        return Set.of("Cast", "Reshape", "Expand", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Pad", "Slice");
    }

    @Override
    public Optional<Patch> apply(Node node, GraphIndex g) {
        if (node.outputs().size() != 1 || !node.hasInput(0)) return Optional.empty();
        String in = node.inputs().getFirst(), out = node.outputs().getFirst();
        boolean noop = switch (node.opType()) {
            case "Cast" -> g.type(in) instanceof ValueType.TensorType t && node.hasAttr("to")
                    && t.elementType() != null && t.elementType().onnxCode() == node.attrInt("to", -1);
            case "Transpose" -> identityPerm(node.attrInts("perm", null), g.type(in));
            case "Concat" -> node.inputs().size() == 1;
            case "Pad" -> allZero(node.hasInput(1) ? g.constant(node.inputs().get(1)) : null, node.attrInts("pads", null));
            case "Slice" -> positiveSteps(node, g) && sameKnownShape(g.type(in), g.type(out));
            default -> sameKnownShape(g.type(in), g.type(out));
        };
        return noop ? Bypass.of(node, in, out, g) : Optional.empty();
    }

    static boolean sameKnownShape(ValueType a, ValueType b) {
        if (!(a instanceof ValueType.TensorType ta) || !(b instanceof ValueType.TensorType tb)) return false;
        Shape sa = ta.shape(), sb = tb.shape();
        if (sa == null || sb == null || !sa.isFullyKnown() || !sb.isFullyKnown()) return false;
        return java.util.Arrays.equals(sa.toArray(), sb.toArray()) && ta.elementType() == tb.elementType();
    }

    private static boolean identityPerm(long[] perm, ValueType in) {
        if (perm == null) {
            return in instanceof ValueType.TensorType t && t.shape() != null && t.shape().rank() <= 1;
        }
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

    private static boolean allZero(Tensor padsInput, long[] padsAttr) {
        long[] pads = padsInput != null ? padsInput.toLongArray() : padsAttr;
        if (pads == null) return false;
        for (long p : pads) if (p != 0) return false;
        return true;
    }

    private static boolean positiveSteps(Node node, GraphIndex g) {
        if (!node.hasInput(4)) return true;
        Tensor steps = g.constant(node.inputs().get(4));
        if (steps == null) return false;
        for (long s : steps.toLongArray()) if (s <= 0) return false;
        return true;
    }
}
