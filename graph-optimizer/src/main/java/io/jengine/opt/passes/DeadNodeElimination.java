package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import java.util.Optional;
import java.util.Set;

/** Removes nodes none of whose outputs is read or exposed as a graph output (ONNX ops have no side effects). */
public final class DeadNodeElimination implements GraphPass {
    @Override
    public String name() { return "dead-node-elimination"; }

    @Override
    public Set<String> targets() { return Set.of(); }

    @Override
    public Optional<Patch> apply(Node node, GraphIndex g) {
        for (String out : node.outputs()) {
            if (!out.isEmpty() && (g.isGraphOutput(out) || !g.consumers(out).isEmpty())) return Optional.empty();
        }
        return Optional.of(new Patch().remove(node));
    }
}
