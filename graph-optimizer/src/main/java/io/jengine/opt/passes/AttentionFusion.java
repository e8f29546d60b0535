package io.jengine.opt.passes;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The attention block as PyTorch exports it becomes one {@code jengine.ScaledDotProductAttention}:
 * MatMul(Softmax(MatMul(Q * sq, Kᵀ * sk) + mask), V), where the scales are optional constant Muls, the mask Add is
 * optional, and a NaN guard Where(IsNaN(p), c, p) after the Softmax is absorbed (its constant becomes the
 * {@code nan_value} attribute). Q, Kᵀ and V keep their heads-first layout ([..., S, D], [..., D, S], [..., S, Dv]).
 */
public final class AttentionFusion implements GraphPass {
    static final String OP = "ScaledDotProductAttention";

    @Override
    public String name() { return "attention-fusion"; }

    @Override
    public Set<String> targets() { return Set.of("MatMul"); }

    /** Softmax over the last axis (before opset 13 the axis flattens what follows, the same thing when it is last). */
    private static boolean overLastAxis(Node softmax, GraphIndex g) {
        if (!(g.type(softmax.inputs().getFirst()) instanceof io.jengine.tensor.ValueType.TensorType t) || t.shape() == null) {
            return false;
        }
        int rank = t.shape().rank();
        long axis = softmax.attrInt("axis", g.graph().opset("") >= 13 ? -1 : 1);
        return (axis < 0 ? axis + rank : axis) == rank - 1;
    }

    @Override
    public Optional<Patch> apply(Node pv, GraphIndex g) {
        String probs = pv.inputs().get(0), v = pv.inputs().get(1);
        List<Node> absorbed = new ArrayList<>();
        Float nanValue = null;
        String softmaxOut = probs;
        Node where = Matching.producedBy(g, probs, "Where");
        if (where != null) {
            Node isNan = Matching.producedBy(g, where.inputs().get(0), "IsNaN");
            String sm = where.inputs().get(2);
            if (isNan == null || !isNan.inputs().getFirst().equals(sm) || !g.hasSingleUse(probs)
                    || !g.hasSingleUse(where.inputs().get(0)) || Double.isNaN(Matching.scalar(g, where.inputs().get(1)))) {
                return Optional.empty();
            }
            if (g.isGraphOutput(sm) || g.consumers(sm).size() != 2) return Optional.empty();
            nanValue = (float) Matching.scalar(g, where.inputs().get(1));
            absorbed.add(isNan);
            absorbed.add(where);
            softmaxOut = sm;
        } else if (!g.hasSingleUse(probs)) {
            return Optional.empty();
        }
        Node softmax = Matching.producedBy(g, softmaxOut, "Softmax");
        if (softmax == null || !overLastAxis(softmax, g)) return Optional.empty();
        String scores = softmax.inputs().getFirst();
        if (!g.hasSingleUse(scores)) return Optional.empty();
        String mask = "";
        Node addMask = Matching.producedBy(g, scores, "Add");
        Node qk;
        if (addMask != null) {
            qk = Matching.producedBy(g, addMask.inputs().get(0), "MatMul");
            mask = addMask.inputs().get(1);
            if (qk == null) {
                qk = Matching.producedBy(g, addMask.inputs().get(1), "MatMul");
                mask = addMask.inputs().get(0);
            }
            if (qk == null || !g.hasSingleUse(qk.outputs().getFirst())) return Optional.empty();
        } else {
            qk = Matching.producedBy(g, scores, "MatMul");
            if (qk == null) return Optional.empty();
        }
        String[] operands = {qk.inputs().get(0), qk.inputs().get(1)};
        float[] scales = {1f, 1f};
        List<Node> scaleNodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Node mul = Matching.producedBy(g, operands[i], "Mul");
            if (mul == null || !g.hasSingleUse(operands[i])) continue;
            for (int j = 0; j < 2; j++) {
                double s = Matching.scalar(g, mul.inputs().get(j));
                if (!Double.isNaN(s)) {
                    scales[i] = (float) s;
                    operands[i] = mul.inputs().get(1 - j);
                    scaleNodes.add(mul);
                    break;
                }
            }
        }
        List<Node> all = new ArrayList<>(scaleNodes);
        all.add(qk);
        if (addMask != null) all.add(addMask);
        all.add(softmax);
        all.addAll(absorbed);
        all.add(pv);
        Node.Builder b = Node.builder(OP).domain(FusedOps.DOMAIN).name(FusedOps.joinNames(g, all.toArray(Node[]::new)))
                .inputs(operands[0], operands[1], v, mask).outputs(pv.outputs().getFirst())
                .attr(Attribute.of("q_scale", scales[0])).attr(Attribute.of("k_scale", scales[1]));
        if (nanValue != null) b.attr(Attribute.of("nan_value", nanValue));
        Patch p = new Patch().add(b.build()).opset(FusedOps.DOMAIN, FusedOps.VERSION);
        for (Node n : all) p.remove(n);
        return Optional.of(p);
    }
}
