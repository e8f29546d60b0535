package io.jengine.opt.passes;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * Transpose of a Transpose is one Transpose with the composed permutation (or nothing, when they cancel); Reshape of
 * a Reshape is one Reshape to the outer target (when that target copies no dimension with 0, which would refer to the
 * intermediate shape). The inner node goes when nothing else reads it.
 */
public final class TransposeReshapeMerging implements GraphPass {
    @Override
    public String name() { return "transpose-reshape-merging"; }

    @Override
    public Set<String> targets() { return Set.of("Transpose", "Reshape"); }

    @Override
    public Optional<Patch> apply(Node outer, GraphIndex g) {
        String mid = outer.inputs().getFirst();
        Node inner = g.producer(mid);
        if (inner == null || !inner.opType().equals(outer.opType()) || !inner.domain().isEmpty()) return Optional.empty();
        Patch p = new Patch().remove(outer);
        if (g.hasSingleUse(mid)) p.remove(inner);
        String src = inner.inputs().getFirst();
        if (outer.opType().equals("Transpose")) {
            long[] p1 = inner.attrInts("perm", null), p2 = outer.attrInts("perm", null);
            if (p1 == null || p2 == null || p1.length != p2.length) return Optional.empty();
            long[] composed = new long[p2.length];
            boolean identity = true;
            for (int i = 0; i < p2.length; i++) {
                composed[i] = p1[(int) p2[i]];
                identity &= composed[i] == i;
            }
            if (identity) {
                Optional<Patch> bypass = Bypass.of(outer, src, outer.outputs().getFirst(), g);
                if (bypass.isEmpty()) return Optional.empty();
                if (g.hasSingleUse(mid)) bypass.get().remove(inner);
                return bypass;
            }
            return Optional.of(p.add(outer.toBuilder().inputs(src).attr(Attribute.of("perm", composed)).build()));
        }
        Tensor target = g.constant(outer.inputs().get(1));
        if (target == null || outer.attrInt("allowzero", 0) != 0) return Optional.empty();
        for (long d : target.toLongArray()) if (d == 0) return Optional.empty();
        return Optional.of(p.add(outer.toBuilder().inputs(src, outer.inputs().get(1)).build()));
    }
}
