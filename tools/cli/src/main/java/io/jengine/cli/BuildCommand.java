package io.jengine.cli;

import io.jengine.build.EngineBuilder;
import io.jengine.opt.OptimizationReport;
import io.jengine.runtime.Engine;
import io.jengine.tune.TuneOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engine build}: optimize, tune and write a plan file that run, bench, inspect and the Java API load. */
@Command(name = "build", description = "Optimize and tune a model, and write its plan (MODEL.plan).")
final class BuildCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.plan",
            description = "Where to write the plan (default: the model's name with .plan, beside it).")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing plan file.")
    boolean overwrite;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Mixin
    TuningFlags tuning = new TuningFlags();

    @Option(names = "--no-tune", description = "Write the default tactics without tuning.")
    boolean noTune;

    @Option(names = "--lean", description = "Leave out of the plan what the kernels derive from the weights"
            + " (reordered and Winograd-transformed weights): a smaller file (ResNet-50: 98 instead of 253 MiB) that"
            + " loads slower, deriving them again.")
    boolean lean;

    @Option(names = "--fp16", description = "Store convolution and matrix-product weights in half precision (half"
            + " the plan; computed in float32).")
    boolean fp16;

    @Option(names = "--profile", paramLabel = "NAME:MIN..OPT..MAX",
            description = "Accept shapes of input NAME from MIN to MAX, tuned at OPT (repeatable), e.g. "
                    + "input:1x3x224x224..8x3x224x224..32x3x224x224.")
    java.util.List<String> profiles = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        Path out = output != null ? output : defaultPlanPath(model);
        if (Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " exists; pass --overwrite to replace it, or -o to write elsewhere");
        }
        if (noTune && tuning.tuning()) throw new IllegalArgumentException("--no-tune contradicts --tune-level / --timing-cache");
        build.requireCalibrationForPreprocess();
        long start = System.nanoTime();
        EngineBuilder builder = build.builder(model, new OptimizationReport());
        profiles.forEach(builder::profile);
        builder.fp16(fp16);
        builder.lean(lean);
        if (!noTune) {
            builder.tune(tuning.options(TuneOptions.DEFAULT_LEVEL)).timingCache(tuning.timingCache);
        }
        java.util.List<String> open = builder.shapedModel().graph().runtimeInputs().stream()
                .filter(v -> io.jengine.tensor.ValueType.staticDims(v.type()) == null
                        && !builder.profiles().containsKey(v.name()))
                .map(v -> v.name() + " " + v.type()).toList();
        if (!open.isEmpty()) {
            System.err.println("note: inputs with open dimensions (" + String.join(", ", open) + "): layers that depend"
                    + " on them are not tuned and run the default tactics; fix them with --shapes or give a --profile");
        }
        try (Engine engine = builder.buildPlan(out)) {
            if (builder.tuningReport() != null) TuningSummary.print(builder.tuningReport(), System.err);
            long bytes = sizeOf(out);
            System.out.printf("wrote %s (%.1f MiB, tactics of %d layers) in %.1f s%n", out, bytes / 1048576.0,
                    builder.writtenPlan().getTacticsCount(), (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    /** {@code dir/model.onnx} -> {@code dir/model.plan}. */
    static Path defaultPlanPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(stem + ".plan");
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
