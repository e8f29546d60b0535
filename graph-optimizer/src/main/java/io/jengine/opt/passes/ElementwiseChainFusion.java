package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Chains of elementwise ops become one {@code jengine.ElementwiseChain} that reads its inputs once and writes one
 * output, instead of writing and re-reading every intermediate: for memory-bound ops that is most of their cost. Two
 * neighbours merge when the producer's result is read only by the consumer, both are floating point, and the
 * producer's output already has the consumer's output shape (so any broadcasting happens at the chain's inputs).
 * Runs after the activation fusions, which take the activations that follow a Conv or MatMul first.
 */
public final class ElementwiseChainFusion implements GraphPass {
    private static final Set<String> TARGETS = new HashSet<>(ElementwiseProgram.ARITY.keySet());

    static {
        TARGETS.add(FusedOps.DOMAIN + "::" + ElementwiseProgram.OP);
    }

    @Override
    public String name() { return "elementwise-chain-fusion"; }

    @Override
    public Set<String> targets() { return TARGETS; }

    @Override
    public Optional<Patch> apply(Node consumer, GraphIndex g) {
        ElementwiseProgram c = ElementwiseProgram.of(consumer, g);
        if (c == null || !isFloat(g, consumer.outputs().getFirst())) return Optional.empty();
        for (String link : c.inputs()) {
            Node producer = g.producer(link);
            if (producer == null || !g.hasSingleUse(link)) continue;
            ElementwiseProgram p = ElementwiseProgram.of(producer, g);
            if (p == null || !Matching.sameStaticShape(g.type(link), g.type(consumer.outputs().getFirst()))) continue;
            ElementwiseProgram merged = p.then(c, link);
            Node chain = merged.toNode(FusedOps.joinNames(g, producer, consumer), consumer.outputs().getFirst());
            return Optional.of(new Patch().remove(producer).remove(consumer).add(chain).opset(FusedOps.DOMAIN, FusedOps.VERSION));
        }
        return Optional.empty();
    }

    private static boolean isFloat(GraphIndex g, String v) {
        return g.type(v) instanceof ValueType.TensorType t && t.elementType() != null && t.elementType().isFloatingPoint();
    }
}
