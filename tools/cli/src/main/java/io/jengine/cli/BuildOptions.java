package io.jengine.cli;

import io.jengine.build.EngineBuilder;
import io.jengine.ir.Model;
import io.jengine.onnx.OnnxImporter;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that shape how a model is built before it runs: optimization level, disabled passes, fixed shapes,
 * threads and forced tactics. Every command builds through {@link EngineBuilder} with them.
 */
final class BuildOptions {
    @Option(names = "--level", paramLabel = "N", description = "Optimization level: 0 none, 1 clean-up, 2 fusion, 3 layout and backend-specific (default).")
    int level = OptimizerOptions.DEFAULT_LEVEL;

    @Option(names = "--disable-pass", paramLabel = "NAME", description = "Skip an optimizer pass (repeatable).")
    List<String> disabled = new ArrayList<>();

    @Option(names = "--shapes", paramLabel = "NAME:DIMS,...", description = "Fix input shapes for the build, e.g. input_ids:1x128,attention_mask:1x128.")
    String shapes;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads per run (default: all cores).")
    int threads = 0;

    @Option(names = "--tactic", paramLabel = "LAYER_OR_OP=NAME",
            description = "Force a tactic for a layer name or an op type (repeatable), e.g. FusedConv=conv.im2col.")
    List<String> tactics = new ArrayList<>();

    /** A builder for {@code model} with these options applied. */
    EngineBuilder builder(Model model, OptimizationReport report) {
        EngineBuilder b = EngineBuilder.forModel(model).level(level).threads(threads).report(report);
        disabled.forEach(b::disablePass);
        if (shapes != null) b.shapes(shapes);
        tactics.forEach(b::tactic);
        return b;
    }

    /** A builder for the ONNX file, or for a plan file ({@code engine build}'s output) with these options on top. */
    EngineBuilder builder(java.nio.file.Path file, OptimizationReport report) {
        if (!io.jengine.plan.PlanFile.isPlan(file)) return builder(OnnxImporter.load(file), report);
        if (shapes != null || !disabled.isEmpty() || level != OptimizerOptions.DEFAULT_LEVEL) {
            throw new IllegalArgumentException(file + " is a plan, built with its shapes, passes and level fixed:"
                    + " --shapes, --disable-pass and --level apply to ONNX models");
        }
        EngineBuilder b = EngineBuilder.forPlan(file);
        if (threads != 0) b.threads(threads);
        tactics.forEach(b::tactic);
        return b;
    }
}
