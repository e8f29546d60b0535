package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * Identity, and Dropout at inference (no training_mode, or a constant false one, and its mask unused), pass their
 * input through: readers take the input directly.
 */
public final class IdentityElimination implements GraphPass {
    @Override
    public String name() { return "identity-elimination"; }

    @Override
    public Set<String> targets() { return Set.of("Identity", "Dropout"); }

    @Override
    public Optional<Patch> apply(Node node, GraphIndex g) {
        if (node.opType().equals("Dropout")) {
            if (node.hasInput(2)) {
                Tensor training = g.constant(node.inputs().get(2));
                if (training == null || training.getLong(0) != 0) return Optional.empty();
            }
            if (node.attrInt("is_test", 1) == 0 && node.attributes().containsKey("is_test")) return Optional.empty();
            if (node.hasOutput(1)) {
                String mask = node.outputs().get(1);
                if (g.isGraphOutput(mask) || !g.consumers(mask).isEmpty()) return Optional.empty();
            }
        }
        return Bypass.of(node, node.inputs().getFirst(), node.outputs().getFirst(), g);
    }
}
