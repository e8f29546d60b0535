package io.jengine.opt;

import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.opt.passes.ChannelBlocking;
import io.jengine.opt.passes.QuantizedChainFusion;
import java.util.Optional;

/**
 * Runs the {@link Pipeline} to a fixpoint: each enabled pass in order is offered every node of the op types it
 * targets; every patch it returns is applied at once and the scan continues on the new graph. Rounds repeat until a
 * whole round changes nothing. Static types are re-inferred before each pass, so passes can rely on shapes.
 */
public final class GraphOptimizer {
    private static final int MAX_ROUNDS = 32;
    private static final int MAX_REWRITES_PER_PASS = 100_000;

    private GraphOptimizer() {}

    public static Model optimize(Model model, OptimizerOptions options) {
        return optimize(model, options, new OptimizationReport());
    }

    public static Model optimize(Model model, OptimizerOptions options, OptimizationReport report) {
        Graph g = optimize(model.graph(), options, report);
        return new Model(model.irVersion(), model.producerName(), model.producerVersion(), g, model.metadata());
    }

    /** Runs just the given passes, in order, to a fixpoint (tests, and tools that want one rewrite). */
    public static Graph run(Graph graph, java.util.List<GraphPass> passes, boolean verify, OptimizationReport report) {
        OptimizerOptions options = new OptimizerOptions(3, java.util.Set.of(), verify);
        Graph g = graph;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            report.round();
            Graph start = g;
            for (GraphPass pass : passes) g = runPass(g, pass, options, report);
            if (g == start) break;
        }
        return g;
    }

    public static Graph optimize(Graph graph, OptimizerOptions options, OptimizationReport report) {
        for (String name : options.disabled()) {
            if (Pipeline.stages().stream().noneMatch(s -> s.pass().name().equals(name))
                    && !name.equals(ChannelBlocking.NAME) && !name.equals(QuantizedChainFusion.NAME)) {
                throw new IllegalArgumentException("unknown pass '" + name + "'; passes: "
                        + Pipeline.stages().stream().map(s -> s.pass().name()).toList() + ", " + ChannelBlocking.NAME
                        + " and " + QuantizedChainFusion.NAME);
            }
        }
        if (options.level() == 0) return graph;
        Graph g = graph;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            report.round();
            boolean changed = false;
            for (Pipeline.Stage stage : Pipeline.stages(options.integerConvolution(), options.backends())) {
                if (stage.level() > options.level() || options.disabled().contains(stage.pass().name())) continue;
                Graph before = g;
                g = runPass(g, stage.pass(), options, report);
                changed |= g != before;
            }
            if (!changed) break;
        }
        // The layout comes last, once fusion has settled which convolutions and activations remain.
        if (options.level() >= 3 && options.channelBlock() > 1 && !options.disabled().contains(ChannelBlocking.NAME)) {
            Graph blocked = ChannelBlocking.apply(g, options.channelBlock(), options.channelsLast(),
                    options.inference());
            if (blocked != g) {
                if (options.verify()) GraphChecker.check(blocked, ChannelBlocking.NAME);
                report.count(ChannelBlocking.NAME);
                g = blocked;
            }
        }
        // Quantized ends last: a chain that reads or writes codes takes part in no earlier pass.
        if (options.level() >= 2 && !options.disabled().contains(QuantizedChainFusion.NAME)) {
            g = runPass(g, new QuantizedChainFusion(), options, report);
        }
        return g;
    }

    private static Graph runPass(Graph graph, GraphPass pass, OptimizerOptions options, OptimizationReport report) {
        Graph g = ShapeInference.infer(graph, options.inference());
        boolean changed = false;
        GraphIndex index = new GraphIndex(g);
        int i = 0, rewrites = 0;
        while (i < g.nodes().size() && rewrites < MAX_REWRITES_PER_PASS) {
            Node node = g.nodes().get(i);
            if (pass.targets().isEmpty() || pass.targets().contains(Pipeline.key(node))) {
                Optional<Patch> patch = pass.apply(node, index);
                if (patch.isPresent()) {
                    g = patch.get().applyTo(g);
                    if (options.verify()) GraphChecker.check(g, pass.name());
                    index = new GraphIndex(g);
                    report.count(pass.name());
                    rewrites++;
                    changed = true;
                    i = Math.max(0, i - 1); // the rewrite may enable a match just before this position
                    continue;
                }
            }
            i++;
        }
        return changed ? g : graph;
    }
}
