package io.jengine.opt.passes;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * HardSwish written out by exporters, {@code x * Clip(x + 3, 0, 6) / 6} (or {@code x * (Clip(x + 3, 0, 6) / 6)},
 * {@code / 6} also as {@code * (1/6)}, or {@code x * HardSigmoid(x)} with alpha 1/6 and beta 1/2), becomes one
 * activation. Where x comes from a convolution or matrix product that has no activation yet and nothing else reads
 * x, the activation joins that producer directly (so the producer's kernel applies it while the result is in
 * registers); otherwise, from opset 14, it becomes an ONNX HardSwish node.
 */
public final class HardSwishRecognition implements GraphPass {
    private static final float SIXTH_TOLERANCE = 1e-6f;

    @Override
    public String name() { return "hardswish-recognition"; }

    @Override
    public Set<String> targets() { return Set.of("Mul", "Div"); }

    @Override
    public Optional<Patch> apply(Node last, GraphIndex g) {
        List<Node> pattern = new ArrayList<>();
        String x = match(last, g, pattern);
        if (x == null) return Optional.empty();
        for (Node n : pattern) {
            if (n != last && (g.isGraphOutput(n.outputs().getFirst()) || !g.hasSingleUse(n.outputs().getFirst()))) {
                return Optional.empty();
            }
        }
        pattern.add(last);
        String out = last.outputs().getFirst();
        Node prod = g.producer(x);
        long readers = g.consumers(x).size();
        if (prod != null && fusible(prod) && !g.isGraphOutput(x) && readers == 2) {
            String op = prod.domain().isEmpty() ? FusedOpSpec.fusedName(prod.opType()) : prod.opType();
            pattern.addFirst(prod);
            Node fused = prod.toBuilder().domain(FusedOps.DOMAIN).opType(op)
                    .name(FusedOps.joinNames(g, pattern.toArray(Node[]::new))).outputs(out)
                    .attr(Attribute.of(FusedOpSpec.ACTIVATION, "HardSwish"))
                    .attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, new float[0])).build();
            Patch p = new Patch().add(fused).opset(FusedOps.DOMAIN, FusedOps.VERSION);
            for (Node n : pattern) p.remove(n);
            return Optional.of(p);
        }
        if (g.graph().opset("") < 14) return Optional.empty();
        Node hs = Node.builder("HardSwish").name(FusedOps.joinNames(g, pattern.toArray(Node[]::new))).inputs(x)
                .outputs(out).build();
        Patch p = new Patch().add(hs);
        for (Node n : pattern) p.remove(n);
        return Optional.of(p);
    }

    /** A producer FuseActivation could give an activation: a base op, or a fused op that has none yet. */
    private static boolean fusible(Node p) {
        if (p.outputs().size() != 1) return false;
        if (p.domain().isEmpty()) return FusedOps.FUSIBLE.contains(p.opType());
        return p.domain().equals(FusedOps.DOMAIN) && !FusedOpSpec.is(p, FusedOpSpec.BLOCKED_CONV)
                && p.attrString(FusedOpSpec.ACTIVATION, "").equals(FusedOpSpec.NO_ACTIVATION);
    }

    /** The x of a HardSwish ending at {@code last}, the other nodes of the pattern added to {@code nodes}; or null. */
    private static String match(Node last, GraphIndex g, List<Node> nodes) {
        if (!last.domain().isEmpty() || last.inputs().size() != 2) return null;
        // (x * clip) / 6, or (x * clip) * (1/6)
        if (isSixthScaling(last, g)) {
            Node mul = g.producer(last.inputs().getFirst());
            if (mul == null || !mul.opType().equals("Mul") || !mul.domain().isEmpty()) return null;
            for (int i = 0; i < 2; i++) {
                String x = mul.inputs().get(i);
                Node clip = g.producer(mul.inputs().get(1 - i));
                if (clip != null && clipOfXPlusThree(clip, x, g, nodes)) {
                    nodes.add(clip);
                    nodes.add(mul);
                    return x;
                }
            }
            return null;
        }
        if (!last.opType().equals("Mul")) return null;
        for (int i = 0; i < 2; i++) {
            String x = last.inputs().get(i);
            Node gate = g.producer(last.inputs().get(1 - i));
            if (gate == null || !gate.domain().isEmpty()) continue;
            // x * HardSigmoid(x; 1/6, 1/2)
            if (gate.opType().equals("HardSigmoid") && gate.inputs().getFirst().equals(x)
                    && Math.abs(gate.attrFloat("alpha", 0.2f) - 1f / 6) < SIXTH_TOLERANCE
                    && gate.attrFloat("beta", 0.5f) == 0.5f) {
                nodes.add(gate);
                return x;
            }
            // x * (clip / 6)
            if (isSixthScaling(gate, g)) {
                Node clip = g.producer(gate.inputs().getFirst());
                if (clip != null && clipOfXPlusThree(clip, x, g, nodes)) {
                    nodes.add(clip);
                    nodes.add(gate);
                    return x;
                }
            }
        }
        return null;
    }

    /** Div(v, 6) or Mul(v, 1/6), the constant second (as exporters write it). */
    private static boolean isSixthScaling(Node n, GraphIndex g) {
        if (!n.domain().isEmpty() || n.inputs().size() != 2) return false;
        if (n.opType().equals("Div")) return isConstant(g, n.inputs().get(1), 6f, 0f);
        if (!n.opType().equals("Mul")) return false;
        return isConstant(g, n.inputs().get(1), 1f / 6, SIXTH_TOLERANCE);
    }

    /** Clip(Add(x, 3), 0, 6); the Add joins {@code nodes}. */
    private static boolean clipOfXPlusThree(Node clip, String x, GraphIndex g, List<Node> nodes) {
        if (!clip.opType().equals("Clip") || !clip.domain().isEmpty()) return false;
        float lo, hi;
        if (clip.inputs().size() > 1) {
            lo = clip.hasInput(1) ? constant(g, clip.inputs().get(1)) : Float.NEGATIVE_INFINITY;
            hi = clip.hasInput(2) ? constant(g, clip.inputs().get(2)) : Float.POSITIVE_INFINITY;
        } else {
            lo = clip.attrFloat("min", Float.NEGATIVE_INFINITY);
            hi = clip.attrFloat("max", Float.POSITIVE_INFINITY);
        }
        if (lo != 0f || hi != 6f) return false;
        Node add = g.producer(clip.inputs().getFirst());
        if (add == null || !add.opType().equals("Add") || !add.domain().isEmpty()) return false;
        for (int i = 0; i < 2; i++) {
            if (add.inputs().get(i).equals(x) && isConstant(g, add.inputs().get(1 - i), 3f, 0f)) {
                nodes.add(add);
                return true;
            }
        }
        return false;
    }

    private static boolean isConstant(GraphIndex g, String name, float want, float tolerance) {
        float v = constant(g, name);
        return !Float.isNaN(v) && Math.abs(v - want) <= tolerance;
    }

    /** A single-valued float constant, or NaN. */
    private static float constant(GraphIndex g, String name) {
        Tensor t = g.constant(name);
        if (t == null || t.size() != 1 || !t.dtype().isFloatingPoint()) return Float.NaN;
        return (float) t.getDouble(0);
    }
}
