package io.jengine.opt.passes;

import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.Patch;
import java.util.Optional;

/**
 * Removes a node whose output equals one of its inputs. Readers of the output read the input instead; when the
 * output is a graph output, the input's producer is made to write that name instead. Declines when neither is
 * possible without changing what the graph exposes (both are graph outputs, or the input is a graph input) or when a
 * sub-graph reads either name.
 */
final class Bypass {
    private Bypass() {}

    static Optional<Patch> of(Node node, String in, String out, GraphIndex g) {
        if (in.isEmpty() || out.isEmpty() || readBySubgraph(in, g) || readBySubgraph(out, g)) return Optional.empty();
        Patch p = new Patch().remove(node);
        if (!g.isGraphOutput(out)) return Optional.of(p.rename(out, in));
        Node producer = g.producer(in);
        if (producer == null || g.isGraphOutput(in)) return Optional.empty();
        return Optional.of(p.rename(in, out));
    }

    private static boolean readBySubgraph(String value, GraphIndex g) {
        for (Node reader : g.consumers(value)) {
            for (var a : reader.attributes().values()) {
                for (Graph body : GraphOrder.bodies(a)) {
                    if (GraphOrder.freeNames(body).contains(value)) return true;
                }
            }
        }
        return false;
    }
}
