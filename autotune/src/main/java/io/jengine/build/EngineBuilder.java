package io.jengine.build;

import io.jengine.ir.Model;
import io.jengine.onnx.OnnxImporter;
import io.jengine.opt.GraphOptimizer;
import io.jengine.opt.InputShapes;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.spi.Backend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link Engine} the way a user wants one: import, fix input shapes where asked, optimize (level 2 by
 * default: folding and fusion), then plan onto the backends found on the class path with the chosen thread count and
 * forced tactics. This is the path the CLI and every example take; {@code Engine.load} stays the unoptimized one.
 *
 * <pre>{@code
 * try (Engine engine = EngineBuilder.forModel(Path.of("model.onnx")).threads(4).build();
 *      Session session = engine.newSession()) {
 *     Map<String, Value> out = session.run(Map.of("input", tensor));
 * }
 * }</pre>
 */
public final class EngineBuilder {
    private final Model model;
    private int level = OptimizerOptions.DEFAULT_LEVEL;
    private final Set<String> disabledPasses = new LinkedHashSet<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private EngineOptions options = EngineOptions.defaults();
    private Backends backends;
    private OptimizationReport report = new OptimizationReport();

    private EngineBuilder(Model model) { this.model = model; }

    /** Starts from an ONNX file (external data beside it). */
    public static EngineBuilder forModel(Path onnxFile) { return new EngineBuilder(OnnxImporter.load(onnxFile)); }

    /** Starts from a model already imported. */
    public static EngineBuilder forModel(Model model) { return new EngineBuilder(model); }

    /** Optimization level: 0 none, 1 clean-up, 2 fusion (the default), 3 backend-specific. */
    public EngineBuilder level(int level) {
        this.level = level;
        return this;
    }

    /** Skips an optimizer pass by name. */
    public EngineBuilder disablePass(String name) {
        disabledPasses.add(name);
        return this;
    }

    /** Fixes the dimensions of an input for the build, so that shape arithmetic folds and layers fuse. */
    public EngineBuilder shape(String input, long... dims) {
        shapes.put(input, dims.clone());
        return this;
    }

    /** Fixes input shapes written as on the command line: {@code input_ids:1x128,attention_mask:1x128}. */
    public EngineBuilder shapes(String spec) {
        shapes.putAll(InputShapes.parse(spec));
        return this;
    }

    /** Intra-op threads per run; 0 (the default) uses every core. */
    public EngineBuilder threads(int n) {
        options = options.withThreads(n);
        return this;
    }

    /** Forces a tactic for a layer (by name) or every layer of an op type, e.g. {@code ("FusedConv", "conv.im2col")}. */
    public EngineBuilder tactic(String layerOrOp, String tactic) {
        options = options.withTactic(layerOrOp, tactic);
        return this;
    }

    /** Plans onto these backends instead of every backend on the class path. */
    public EngineBuilder backends(Backends b) {
        this.backends = b;
        return this;
    }

    /** Where the optimizer records what it did (for {@code inspect} and reports). */
    public EngineBuilder report(OptimizationReport r) {
        this.report = r;
        return this;
    }

    /** Forces a tactic written as on the command line: {@code LAYER_OR_OP=NAME}. */
    public EngineBuilder tactic(String assignment) {
        options = options.withTactic(assignment);
        return this;
    }

    /** The model as imported, with the fixed input shapes applied: what the optimizer starts from. */
    public Model shapedModel() {
        if (shapes.isEmpty()) return model;
        return new Model(model.irVersion(), model.producerName(), model.producerVersion(),
                InputShapes.apply(model.graph(), shapes), model.metadata());
    }

    /** The model as it will be planned: shapes fixed and optimized. */
    public Model optimizedModel() {
        return GraphOptimizer.optimize(shapedModel(), optimizerOptions(), report);
    }

    /** The optimizer's options: the level and passes asked for, and the channel block the backends run on. */
    private OptimizerOptions optimizerOptions() {
        int block = 0;
        boolean channelsLast = false;
        for (Backend b : backends().ordered()) {
            block = Math.max(block, b.channelBlock());
            channelsLast |= b.channelBlock() > 0 && b.channelsLast();
        }
        return new OptimizerOptions(level, Set.copyOf(disabledPasses), false, block, channelsLast);
    }

    private Backends backends() {
        if (backends == null) backends = Backends.discover();
        return backends;
    }

    /** Optimizes and plans. */
    public Engine build() { return plan(optimizedModel()); }

    /** Plans a model this builder already optimized (see {@link #optimizedModel()}), without optimizing again. */
    public Engine plan(Model optimized) {
        OptimizerOptions opt = optimizerOptions();
        // Once a run's shapes are known, shape arithmetic folds and more fuses: optimize again for them.
        return Engine.of(optimized, backends(), options,
                g -> GraphOptimizer.optimize(g, opt, new OptimizationReport()));
    }
}
