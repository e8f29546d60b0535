package io.jengine.cli;

import io.jengine.io.Npy;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engine run}: runs a model once on inputs from files and summarises (and optionally saves) its outputs. */
@Command(name = "run", description = "Run a model on inputs read from .npy or .pb files.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE",
            description = "An input value: NAME=FILE with FILE a .npy or TensorProto .pb file (repeatable).")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Write every output to DIR/NAME.npy.")
    Path outputDir;

    @Option(names = "--overwrite", description = "Replace existing files in the output directory.")
    boolean overwrite;

    @picocli.CommandLine.Mixin
    BuildOptions build = new BuildOptions();

    @picocli.CommandLine.Mixin
    TuningFlags tuning = new TuningFlags();

    @Option(names = "--profile", description = "Print time per op type and the slowest nodes.")
    boolean profile;

    @Option(names = "--labels", paramLabel = "FILE.npy",
            description = "Integer class labels: print the predicted class (argmax of the first output's last axis) "
                    + "of each example and the accuracy.")
    Path labels;

    @Override
    public Integer call() {
        io.jengine.build.EngineBuilder builder = tuning.apply(build.builder(model, new io.jengine.opt.OptimizationReport()),
                io.jengine.tune.TuneOptions.DEFAULT_LEVEL);
        try (Engine engine = builder.build()) {
            if (builder.tuningReport() != null) TuningSummary.print(builder.tuningReport(), System.err);
            Map<String, Value> feeds = new LinkedHashMap<>();
            for (var e : inputs.entrySet()) {
                ValueInfo declared = engine.graph().inputs().stream().filter(v -> v.name().equals(e.getKey()))
                        .findFirst().orElse(null);
                feeds.put(e.getKey(), ValueFileReader.read(e.getValue(), declared == null ? null : declared.type(),
                        build.imagePreprocessing()));
            }
            List<Path> targets = outputDir == null ? List.of() : plannedOutputs(engine);
            long t0 = System.nanoTime();
            ProfileReport report = profile ? new ProfileReport() : null;
            Map<String, Value> out = engine.run(feeds, report);
            double ms = (System.nanoTime() - t0) / 1e6;
            int k = 0;
            for (var e : out.entrySet()) {
                System.out.println(OutputSummary.describe(e.getKey(), e.getValue()));
                if (outputDir != null && e.getValue() instanceof Tensor t) Npy.write(targets.get(k), t);
                k++;
            }
            System.out.printf("ran in %.1f ms%n", ms);
            if (report != null) report.print(System.out, 15);
            if (labels != null) Classification.report(out.values().iterator().next(), Npy.read(labels), System.out);
            return 0;
        }
    }

    /** The files outputs will go to; refuses to overwrite anything unless asked to, before any work is done. */
    private List<Path> plannedOutputs(Engine engine) {
        try {
            Files.createDirectories(outputDir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create output directory " + outputDir + ": " + e.getMessage());
        }
        List<Path> files = engine.outputs().stream().map(o -> outputDir.resolve(fileName(o.name()) + ".npy")).toList();
        if (!overwrite) {
            for (Path f : files) {
                if (Files.exists(f)) {
                    throw new IllegalArgumentException("output file " + f + " already exists; pass --overwrite to replace it");
                }
            }
        }
        return files;
    }

    /** Output names may contain '/' or ':' (exported from PyTorch); keep file names flat and portable. */
    static String fileName(String valueName) {
        return valueName.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
