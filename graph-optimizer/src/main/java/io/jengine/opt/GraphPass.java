package io.jengine.opt;

import io.jengine.ir.Node;
import java.util.Optional;
import java.util.Set;

/**
 * One graph rewrite, in the style of ONNX Runtime's rewrite rules: the driver offers the pass every node whose op type
 * it targets; {@link #apply} looks at the node's neighbourhood and returns a patch, or nothing when the pattern does
 * not hold. A pass never edits the graph.
 */
public interface GraphPass {
    /** Stable name, used by {@code --disable-pass} and in logs. */
    String name();

    /** The op types (ONNX domain) whose nodes are offered to {@link #apply}. */
    Set<String> targets();

    /** A rewrite anchored at {@code node}, or empty. */
    Optional<Patch> apply(Node node, GraphIndex graph);
}
