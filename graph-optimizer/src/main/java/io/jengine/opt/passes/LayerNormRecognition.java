package io.jengine.opt.passes;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * LayerNormalization written out as ReduceMean, Sub, Pow(2), ReduceMean, Add(eps), Sqrt, Div, then optionally Mul by
 * gamma and Add of beta, becomes one LayerNormalization over the same trailing axes: ONNX's op from opset 17, else the
 * engine's {@code jengine.LayerNormalization}. Without a gamma, a scale of ones is supplied.
 */
public final class LayerNormRecognition implements GraphPass {
    @Override
    public String name() { return "layernorm-recognition"; }

    @Override
    public Set<String> targets() { return Set.of("Div"); }

    @Override
    public Optional<Patch> apply(Node div, GraphIndex g) {
        String d = div.inputs().get(0), s = div.inputs().get(1);
        Node sub = Matching.producedBy(g, d, "Sub"), sqrt = Matching.producedBy(g, s, "Sqrt");
        if (sub == null || sqrt == null || !g.hasSingleUse(s)) return Optional.empty();
        String x = sub.inputs().get(0);
        Node mean = Matching.producedBy(g, sub.inputs().get(1), "ReduceMean");
        if (mean == null || !mean.inputs().getFirst().equals(x)) return Optional.empty();
        Node addEps = Matching.producedBy(g, sqrt.inputs().getFirst(), "Add");
        if (addEps == null) return Optional.empty();
        Node var = null;
        String epsName = null;
        for (int i = 0; i < 2 && var == null; i++) {
            var = Matching.producedBy(g, addEps.inputs().get(i), "ReduceMean");
            epsName = addEps.inputs().get(1 - i);
        }
        double eps = Matching.scalar(g, epsName);
        if (var == null || Double.isNaN(eps)) return Optional.empty();
        Node pow = Matching.producedBy(g, var.inputs().getFirst(), "Pow");
        if (pow == null || !pow.inputs().get(0).equals(d) || !Matching.isScalar(g, pow.inputs().get(1), 2)) return Optional.empty();
        // d is read by Pow and Div only; every intermediate has one reader.
        if (g.isGraphOutput(d) || g.consumers(d).size() != 2) return Optional.empty();
        for (Node n : new Node[] {mean, pow, var, addEps}) if (!g.hasSingleUse(n.outputs().getFirst())) return Optional.empty();
        int rank = rank(g, x);
        long[] axes = axes(mean, g, rank), axes2 = axes(var, g, rank);
        if (axes == null || !Arrays.equals(axes, axes2) || !trailing(axes, rank)) return Optional.empty();
        if (mean.attrInt("keepdims", 1) == 0 || var.attrInt("keepdims", 1) == 0) return Optional.empty();

        Patch p = new Patch().remove(mean).remove(sub).remove(pow).remove(var).remove(addEps).remove(sqrt).remove(div);
        String out = div.outputs().getFirst(), gamma = null, beta = "";
        Node last = div;
        Node mul = Matching.onlyReader(g, out, "Mul");
        if (mul != null && isParameter(g, Matching.other(mul, out))) {
            gamma = Matching.other(mul, out);
            p.remove(mul);
            last = mul;
            out = mul.outputs().getFirst();
            Node add = Matching.onlyReader(g, out, "Add");
            if (add != null && isParameter(g, Matching.other(add, out))) {
                beta = Matching.other(add, out);
                p.remove(add);
                last = add;
                out = add.outputs().getFirst();
            }
        }
        if (gamma == null) {
            long[] normShape = normalizedShape(g, x, axes);
            if (normShape == null) return Optional.empty();
            Tensor ones = Tensor.allocate(((ValueType.TensorType) g.type(x)).elementType(), normShape);
            for (long i = 0; i < ones.size(); i++) ones.setDouble(i, 1);
            gamma = out + "/ones";
            p.initializer(gamma, ones);
        }
        boolean onnxOp = g.graph().opset("") >= 17;
        Node ln = Node.builder("LayerNormalization").domain(onnxOp ? "" : FusedOps.DOMAIN)
                .name(FusedOps.joinNames(g, mean, last)).inputs(x, gamma, beta).outputs(out)
                .attr(Attribute.of("axis", (long) (axes[0] - rank))).attr(Attribute.of("epsilon", (float) eps)).build();
        p.add(ln);
        if (!onnxOp) p.opset(FusedOps.DOMAIN, FusedOps.VERSION);
        return Optional.of(p);
    }

    private static boolean isParameter(GraphIndex g, String v) { return v != null && g.constant(v) != null; }

    private static int rank(GraphIndex g, String x) {
        return g.type(x) instanceof ValueType.TensorType t && t.shape() != null ? t.shape().rank() : -1;
    }

    /** A ReduceMean's axes, normalised and sorted; null when not constant or the rank is unknown. */
    private static long[] axes(Node mean, GraphIndex g, int rank) {
        if (rank < 0) return null;
        long[] a = mean.hasInput(1) ? (g.constant(mean.inputs().get(1)) == null ? null
                : g.constant(mean.inputs().get(1)).toLongArray()) : mean.attrInts("axes", null);
        if (a == null || a.length == 0) return null;
        long[] n = new long[a.length];
        for (int i = 0; i < a.length; i++) n[i] = a[i] < 0 ? a[i] + rank : a[i];
        Arrays.sort(n);
        return n;
    }

    private static boolean trailing(long[] axes, int rank) {
        for (int i = 0; i < axes.length; i++) if (axes[i] != rank - axes.length + i) return false;
        return true;
    }

    private static long[] normalizedShape(GraphIndex g, String x, long[] axes) {
        if (!(g.type(x) instanceof ValueType.TensorType t) || t.shape() == null) return null;
        long[] out = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            var d = t.shape().dim((int) axes[i]);
            if (!d.isKnown()) return null;
            out[i] = d.value();
        }
        return out;
    }
}
