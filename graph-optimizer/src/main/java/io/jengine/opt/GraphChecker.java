package io.jengine.opt;

import io.jengine.errors.GraphValidationException;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.ValueInfo;
import java.util.Set;

/** The consistency check run after each pass in verifying mode: every read defined once, no cycle, outputs produced. */
public final class GraphChecker {
    private GraphChecker() {}

    /** Fails with the pass's name when {@code after} is not a valid graph. */
    public static void check(Graph after, String passName) {
        try {
            GraphOrder.sort(after, Set.of());
            for (ValueInfo v : after.outputs()) {
                if (v.name().isEmpty()) throw new GraphValidationException("a graph output lost its name");
            }
        } catch (GraphValidationException e) {
            throw new GraphValidationException("after pass " + passName + ": " + e.getMessage());
        }
    }
}
