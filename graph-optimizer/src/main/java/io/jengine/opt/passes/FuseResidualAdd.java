package io.jengine.opt.passes;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import java.util.Optional;
import java.util.Set;

/**
 * A residual connection, Add(Conv(x), z) with z of exactly the convolution's output shape, becomes one FusedConv that
 * adds z to its accumulator (its fourth input) before any activation: the sum is never written out separately. The
 * Relu that usually follows then fuses too (activation-fusion accepts a FusedConv without activation).
 */
public final class FuseResidualAdd implements GraphPass {
    @Override
    public String name() { return "residual-add-fusion"; }

    @Override
    public Set<String> targets() { return Set.of("Add"); }

    @Override
    public Optional<Patch> apply(Node add, GraphIndex g) {
        for (int i = 0; i < 2; i++) {
            String y = add.inputs().get(i), z = add.inputs().get(1 - i);
            Node conv = g.producer(y);
            if (conv == null || !g.hasSingleUse(y) || y.equals(z)) continue;
            boolean plain = conv.domain().isEmpty() && conv.opType().equals("Conv");
            boolean fusedNoAct = conv.domain().equals(FusedOps.DOMAIN) && conv.opType().equals(FusedOpSpec.FUSED_CONV)
                    && conv.attrString(FusedOpSpec.ACTIVATION, "None").equals("None") && conv.inputs().size() < 4;
            if (!plain && !fusedNoAct) continue;
            if (!Matching.sameStaticShape(g.type(y), g.type(z))) continue;
            String bias = conv.inputs().size() > 2 ? conv.inputs().get(2) : "";
            Node fused = conv.toBuilder().domain(FusedOps.DOMAIN).opType(FusedOpSpec.FUSED_CONV)
                    .name(FusedOps.joinNames(g, conv, add))
                    .inputs(conv.inputs().get(0), conv.inputs().get(1), bias, z).outputs(add.outputs().getFirst())
                    .attr(Attribute.of(FusedOpSpec.ACTIVATION, "None")).attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, new float[0])).build();
            return Optional.of(new Patch().remove(conv).remove(add).add(fused).opset(FusedOps.DOMAIN, FusedOps.VERSION));
        }
        return Optional.empty();
    }
}
