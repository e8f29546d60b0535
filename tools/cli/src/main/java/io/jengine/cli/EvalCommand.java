package io.jengine.cli;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.opt.OptimizationReport;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tune.TuneOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engine eval}: a classifier's top-1 and top-K accuracy on labelled examples, the predicted class being the
 * argmax of the first output's last axis. Inputs larger than the model's batch run batch by batch ({@link BatchedRun}).
 */
@Command(name = "eval", description = "Measure a classifier's top-1 and top-K accuracy on inputs with integer labels.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx|MODEL.plan", description = "The ONNX model or plan.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE", required = true,
            description = "An input value: NAME=FILE with FILE a .npy or TensorProto .pb file, examples along the"
                    + " first axis (repeatable).")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--labels", paramLabel = "FILE.npy", required = true,
            description = "Integer class ids (int64 or int32), one per example.")
    Path labels;

    @Option(names = "--top", paramLabel = "K", description = "Also print top-K accuracy (default 5) when the output has"
            + " at least K classes.")
    int top = 5;

    @Option(names = "--batch", paramLabel = "N",
            description = "Examples per run where the model's leading dimension is open (default: all at once).")
    Integer batch;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Mixin
    TuningFlags tuning = new TuningFlags();

    @Override
    public Integer call() {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1, got " + top);
        if (!Files.isRegularFile(labels)) throw new IllegalArgumentException("labels file " + labels + " does not exist");
        Tensor y = Npy.read(labels);
        EngineBuilder builder = tuning.apply(build.builder(model, new OptimizationReport()), TuneOptions.DEFAULT_LEVEL);
        try (Engine engine = builder.build()) {
            if (builder.tuningReport() != null) TuningSummary.print(builder.tuningReport(), System.err);
            BatchedRun.Split split = BatchedRun.split(engine, inputs, batch, build.imagePreprocessing());
            if (split.examples() >= 0 && y.rank() >= 1 && y.dim(0) != split.examples()) {
                throw new IllegalArgumentException("--labels " + labels + " holds " + y.dim(0) + " labels "
                        + Shapes.format(y.shape()) + " but input '" + split.countedBy() + "' (" + split.countedFile()
                        + ") holds " + split.examples() + " examples");
            }
            BatchedRun.Result result = BatchedRun.run(engine, split);
            var first = result.outputs().entrySet().iterator().next();
            Classification.Accuracy a = Classification.accuracy(first.getValue(), y, top, "--labels " + labels);
            System.out.printf("%d examples in %s (%.1f ms), scores from output '%s' %s%n", a.examples(),
                    result.describeRuns(), result.millis(), first.getKey(), first.getValue().describe());
            System.out.printf("top-1: %.4f (%d of %d)%n", fraction(a.top1(), a.examples()), a.top1(), a.examples());
            if (top > 1 && a.classes() >= top) {
                System.out.printf("top-%d: %.4f (%d of %d)%n", top, fraction(a.topK(), a.examples()), a.topK(),
                        a.examples());
            } else if (top > 1) {
                System.err.println("note: no top-" + top + " accuracy: the output has " + a.classes() + " classes");
            }
            return 0;
        }
    }

    private static double fraction(long part, long whole) { return whole == 0 ? Double.NaN : (double) part / whole; }
}
