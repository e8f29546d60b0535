package io.jengine.opt.passes;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Two nodes with the same op, domain, inputs and attributes compute the same values: the later one is removed and its
 * readers read the earlier one's outputs. Random ops and nodes with sub-graphs are never merged.
 */
public final class CommonSubexpressionElimination implements GraphPass {

    private GraphIndex indexed;
    private Map<String, Node> first;

    @Override
    public String name() { return "common-subexpression-elimination"; }

    @Override
    public Set<String> targets() { return Set.of(); }

    @Override
    public synchronized Optional<Patch> apply(Node node, GraphIndex g) {
        if (indexed != g) {
            indexed = g;
            first = new HashMap<>();
            for (Node n : g.graph().nodes()) {
                String sig = signature(n);
                if (sig != null) first.putIfAbsent(sig, n);
            }
        }
        String sig = signature(node);
        if (sig == null) return Optional.empty();
        Node earlier = first.get(sig);
        if (earlier == null || earlier == node) return Optional.empty();
        Patch p = new Patch().remove(node);
        for (int i = 0; i < node.outputs().size(); i++) {
            String dup = node.outputs().get(i), keep = earlier.outputs().get(i);
            if (dup.isEmpty()) continue;
            if (keep.isEmpty() || g.isGraphOutput(dup)) return Optional.empty();
            p.rename(dup, keep);
        }
        return Optional.of(p);
    }

    /** A key equal for nodes computing the same thing, or null for nodes that must not be merged. */
    static String signature(Node n) {
        // Dropout in training mode draws a mask, so two of them are not the same computation.
        if (Matching.RANDOM_OPS.contains(n.opType()) || n.opType().equals("Dropout") || n.outputs().isEmpty()) return null;
        StringBuilder b = new StringBuilder(n.domain()).append("::").append(n.opType()).append(n.inputs());
        for (Attribute a : n.attributes().values()) {
            b.append('|').append(a.name()).append('=');
            switch (a.kind()) {
                case FLOATS -> b.append(Arrays.toString(a.asFloats()));
                case INTS -> b.append(Arrays.toString(a.asInts()));
                case TENSOR -> {
                    Tensor t = a.asTensor();
                    if (t.size() > 64) return null;
                    b.append(t.dtype()).append(Arrays.toString(t.shape()))
                            .append(t.dtype().label().equals("string") ? Arrays.toString(t.toStringArray())
                                    : Arrays.toString(t.toDoubleArray()));
                }
                case GRAPH, GRAPHS, TENSORS, SPARSE_TENSOR, SPARSE_TENSORS -> { return null; }
                default -> b.append(a.value());
            }
        }
        return b.toString();
    }
}
