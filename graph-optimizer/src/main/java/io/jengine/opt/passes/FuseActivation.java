package io.jengine.opt.passes;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * Folds an activation into the Conv, ConvTranspose, Gemm or MatMul that produces its input (when nothing else reads
 * that input), giving the engine's FusedConv / FusedConvTranspose / FusedGemm / FusedMatMul: Relu, Clip with constant
 * bounds (ReLU6), LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh, exact Gelu, and SiLU written as x * Sigmoid(x). A Mul of a
 * Sigmoid with some other value (efficientnet's squeeze-excite gate) is not SiLU; there the Sigmoid alone fuses into
 * the convolution that feeds it.
 */
public final class FuseActivation implements GraphPass {
    private static final Set<String> SIMPLE = Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
            "Gelu");

    @Override
    public String name() { return "activation-fusion"; }

    @Override
    public Set<String> targets() {
        return Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Mul", "Gelu",
                FusedOps.DOMAIN + "::Gelu");
    }

    @Override
    public Optional<Patch> apply(Node act, GraphIndex g) {
        if (act.opType().equals("Mul")) return silu(act, g);
        if (!SIMPLE.contains(act.opType())) return Optional.empty();
        if (act.opType().equals("Gelu") && !act.attrString("approximate", "none").equals("none")) return Optional.empty();
        String x = act.inputs().getFirst();
        Node prod = fusibleProducer(x, g);
        if (prod == null || !g.hasSingleUse(x)) return Optional.empty();
        float[] params = params(act, g);
        if (params == null) return Optional.empty();
        return Optional.of(fuse(prod, act.opType(), params, act.outputs().getFirst(), g, act));
    }

    /** Mul(x, Sigmoid(x)) with x from a fusible producer read only by these two nodes. */
    private Optional<Patch> silu(Node mul, GraphIndex g) {
        for (int i = 0; i < 2; i++) {
            String x = mul.inputs().get(i), s = mul.inputs().get(1 - i);
            Node sig = g.producer(s);
            if (sig == null || !sig.opType().equals("Sigmoid") || !sig.domain().isEmpty()
                    || !sig.inputs().getFirst().equals(x) || !g.hasSingleUse(s)) continue;
            Node prod = fusibleProducer(x, g);
            if (prod == null || g.isGraphOutput(x) || g.consumers(x).size() != 2) continue;
            return Optional.of(fuse(prod, "SiLU", new float[0], mul.outputs().getFirst(), g, sig, mul));
        }
        return Optional.empty();
    }

    private static Node fusibleProducer(String x, GraphIndex g) {
        Node p = g.producer(x);
        if (p == null || p.outputs().size() != 1) return null;
        if (p.domain().isEmpty()) return FusedOps.FUSIBLE.contains(p.opType()) ? p : null;
        // A fused op that has no activation yet (a residual FusedConv) can take one.
        return p.domain().equals(FusedOps.DOMAIN) && p.attrString(FusedOpSpec.ACTIVATION, "").equals("None") ? p : null;
    }

    private static Patch fuse(Node prod, String activation, float[] params, String out, GraphIndex g, Node... absorbed) {
        Node[] all = new Node[absorbed.length + 1];
        all[0] = prod;
        System.arraycopy(absorbed, 0, all, 1, absorbed.length);
        String op = prod.domain().isEmpty() ? "Fused" + prod.opType() : prod.opType();
        Node fused = prod.toBuilder().domain(FusedOps.DOMAIN).opType(op)
                .name(FusedOps.joinNames(g, all)).outputs(out)
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, activation)).attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, params)).build();
        Patch p = new Patch().remove(prod).add(fused).opset(FusedOps.DOMAIN, FusedOps.VERSION);
        for (Node n : absorbed) p.remove(n);
        return p;
    }

    /** The activation's parameters in the order the fused kernels read them, or null when not constant. */
    private static float[] params(Node act, GraphIndex g) {
        return switch (act.opType()) {
            case "LeakyRelu" -> new float[] {act.attrFloat("alpha", 0.01f)};
            case "HardSigmoid" -> new float[] {act.attrFloat("alpha", 0.2f), act.attrFloat("beta", 0.5f)};
            case "Clip" -> {
                float lo = act.attrFloat("min", Float.NEGATIVE_INFINITY), hi = act.attrFloat("max", Float.POSITIVE_INFINITY);
                if (act.hasInput(1)) {
                    Tensor t = g.constant(act.inputs().get(1));
                    if (t == null) yield null;
                    lo = (float) t.getDouble(0);
                }
                if (act.hasInput(2)) {
                    Tensor t = g.constant(act.inputs().get(2));
                    if (t == null) yield null;
                    hi = (float) t.getDouble(0);
                }
                yield new float[] {lo, hi};
            }
            default -> new float[0];
        };
    }
}
