package io.jengine.cli;

import io.jengine.ir.Model;
import io.jengine.onnx.OnnxImporter;
import io.jengine.opt.GraphOptimizer;
import io.jengine.opt.InputShapes;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options that shape how a model is built before it runs: optimization level, disabled passes, fixed shapes. */
final class BuildOptions {
    @Option(names = "--level", paramLabel = "N", description = "Optimization level: 0 none, 1 clean-up, 2 fusion (default), 3 backend-specific.")
    int level = OptimizerOptions.DEFAULT_LEVEL;

    @Option(names = "--disable-pass", paramLabel = "NAME", description = "Skip an optimizer pass (repeatable).")
    List<String> disabled = new ArrayList<>();

    @Option(names = "--shapes", paramLabel = "NAME:DIMS,...", description = "Fix input shapes for the build, e.g. input_ids:1x128,attention_mask:1x128.")
    String shapes;

    /** The imported model with fixed shapes applied, before optimization. */
    Model imported(Path file) {
        Model m = OnnxImporter.load(file);
        if (shapes == null) return m;
        return new Model(m.irVersion(), m.producerName(), m.producerVersion(),
                InputShapes.apply(m.graph(), InputShapes.parse(shapes)), m.metadata());
    }

    Model optimize(Model m, OptimizationReport report) {
        return GraphOptimizer.optimize(m, new OptimizerOptions(level, Set.copyOf(disabled), false), report);
    }
}
