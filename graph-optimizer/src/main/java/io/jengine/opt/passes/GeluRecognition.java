package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import java.util.Optional;
import java.util.Set;

/**
 * The exact Gelu as exporters spell it, 0.5 * x * (1 + erf(x / sqrt(2))), becomes one Gelu node: ONNX's own op where
 * the model's opset has it (20), else the engine's {@code jengine.Gelu}. Accepted spellings: x / 1.41421 or x * 0.70711
 * inside the erf, and the 0.5 applied last or to x first.
 */
public final class GeluRecognition implements GraphPass {
    private static final double SQRT2 = Math.sqrt(2);

    @Override
    public String name() { return "gelu-recognition"; }

    @Override
    public Set<String> targets() { return Set.of("Erf"); }

    /** Whether {@code mul} computes x * 0.5 (in either order). */
    private static boolean isHalfOf(GraphIndex g, Node mul, String x) {
        return (mul.inputs().get(0).equals(x) && Matching.isScalar(g, mul.inputs().get(1), 0.5))
                || (mul.inputs().get(1).equals(x) && Matching.isScalar(g, mul.inputs().get(0), 0.5));
    }

    @Override
    public Optional<Patch> apply(Node erf, GraphIndex g) {
        String scaled = erf.inputs().getFirst();
        Node pre = g.producer(scaled);
        if (pre == null || !pre.domain().isEmpty() || !g.hasSingleUse(scaled)) return Optional.empty();
        String x;
        if (pre.opType().equals("Div") && Matching.isScalar(g, pre.inputs().get(1), SQRT2)) {
            x = pre.inputs().getFirst();
        } else if (pre.opType().equals("Mul")) {
            x = Matching.isScalar(g, pre.inputs().get(1), 1 / SQRT2) ? pre.inputs().getFirst()
                    : Matching.isScalar(g, pre.inputs().getFirst(), 1 / SQRT2) ? pre.inputs().get(1) : null;
        } else {
            return Optional.empty();
        }
        if (x == null) return Optional.empty();
        Node add = Matching.onlyReader(g, erf.outputs().getFirst(), "Add");
        if (add == null || !Matching.isScalar(g, Matching.other(add, erf.outputs().getFirst()), 1)) return Optional.empty();
        Node mul = Matching.onlyReader(g, add.outputs().getFirst(), "Mul");
        if (mul == null) return Optional.empty();
        String h = Matching.other(mul, add.outputs().getFirst());
        Patch p = new Patch().remove(pre).remove(erf).remove(add).remove(mul);
        String out;
        Node last;
        if (x.equals(h)) {
            last = Matching.onlyReader(g, mul.outputs().getFirst(), "Mul");
            if (last == null || !Matching.isScalar(g, Matching.other(last, mul.outputs().getFirst()), 0.5)) return Optional.empty();
            p.remove(last);
            out = last.outputs().getFirst();
        } else {
            Node half = Matching.producedBy(g, h, "Mul");
            if (half == null || !g.hasSingleUse(h) || !isHalfOf(g, half, x)) return Optional.empty();
            p.remove(half);
            last = mul;
            out = mul.outputs().getFirst();
        }
        boolean onnxGelu = g.graph().opset("") >= 20;
        Node gelu = Node.builder("Gelu").domain(onnxGelu ? "" : FusedOps.DOMAIN)
                .name(FusedOps.joinNames(g, pre, erf, add, mul) + (last != mul ? " + " + g.displayName(last) : ""))
                .inputs(x).outputs(out).build();
        p.add(gelu);
        if (!onnxGelu) p.opset(FusedOps.DOMAIN, FusedOps.VERSION);
        return Optional.of(p);
    }
}
