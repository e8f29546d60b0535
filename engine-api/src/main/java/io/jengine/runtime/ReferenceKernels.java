package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.spi.Backend;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import java.util.List;

/**
 * The engine's reference kernels ({@value #BACKEND}, the ground truth every fast kernel is tested against) for
 * backends that compute a node exactly as the reference does while modelling something else: a simulated
 * accelerator whose results must be the integer reference's bit for bit.
 */
public final class ReferenceKernels {
    /** The backend of the engine's reference kernels. */
    public static final String BACKEND = "cpu-reference";

    private static volatile Backend reference;

    private ReferenceKernels() {}

    /** Whether the reference backend has a kernel for the node. */
    public static boolean covers(NodeContext ctx) { return !backend().tactics(ctx).isEmpty(); }

    /** The reference kernel for the node; an error naming the node when the reference has none. */
    public static Kernel prepare(NodeContext ctx) {
        List<Tactic> t = backend().tactics(ctx);
        if (t.isEmpty()) {
            throw new EngineException("node " + ctx.node().label() + ": the reference backend has no kernel for "
                    + ctx.node().opType());
        }
        return t.getFirst().prepare().get();
    }

    private static Backend backend() {
        Backend b = reference;
        if (b == null) {
            List<Backend> found = Backends.discover().ordered().stream().filter(x -> x.name().equals(BACKEND)).toList();
            if (found.isEmpty()) throw new EngineException("the reference backend (" + BACKEND + ", in kernels-cpu) is not on the class path");
            reference = b = found.getFirst();
        }
        return b;
    }
}
