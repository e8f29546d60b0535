package io.jengine.cpu.simd;

import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import java.util.List;

/** The tactics one family of ops offers for a node (none when the node is outside what it handles). */
@FunctionalInterface
interface TacticSource {
    List<Tactic> tactics(NodeContext node, String backend);
}
