package io.jengine.cli;

import io.jengine.opt.OptimizationReport;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engine compare}: runs two models (ONNX or plans: an original and its quantized twin, a model and its plan)
 * on the same inputs and prints how each output of A differs from B's ({@link OutputDiff}). Exit code 1 when outputs
 * differ in shape or type, or, with {@code --atol}/{@code --rtol}, when any element is out of tolerance; else 0.
 */
@Command(name = "compare", description = "Run two models or plans on the same inputs and compare their outputs.")
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "The model or plan compared (ONNX or plan).")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The reference model or plan (ONNX or plan).")
    Path b;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE",
            description = "An input value for both: NAME=FILE with FILE a .npy or TensorProto .pb file (repeatable).")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--atol", paramLabel = "X", description = "Absolute tolerance: exit 1 when any element has "
            + "|a-b| > atol + rtol*|b| (default 0 when only --rtol is given).")
    Double atol;

    @Option(names = "--rtol", paramLabel = "Y", description = "Relative tolerance (default 0 when only --atol is given).")
    Double rtol;

    @Option(names = "--iou-threshold", paramLabel = "T", description = "Also print, for each floating output, the "
            + "intersection over union of its elements above T in A and in B (a probability map binarised at T, e.g. "
            + "0.3 for a text detector's).")
    Double iouThreshold;

    @Option(names = "--batch", paramLabel = "N",
            description = "Examples per run where a model's leading dimension is open (default: all at once).")
    Integer batch;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Override
    public Integer call() {
        if ((atol != null && !(atol >= 0)) || (rtol != null && !(rtol >= 0))) {
            throw new IllegalArgumentException("--atol and --rtol must be at least 0, got " + atol + " and " + rtol);
        }
        if (iouThreshold != null && !Double.isFinite(iouThreshold)) {
            throw new IllegalArgumentException("--iou-threshold must be a finite number, got " + iouThreshold);
        }
        io.jengine.calib.ImagePreprocessing images = build.imagePreprocessing(); // a bad spec fails before any run
        Map<String, Value> outA = runOne("A", a, images), outB = runOne("B", b, images);
        List<String[]> pairs = new ArrayList<>();
        for (String name : outA.keySet()) if (outB.containsKey(name)) pairs.add(new String[] {name, name});
        if (pairs.isEmpty()) {
            if (outA.size() != 1 || outB.size() != 1) {
                throw new IllegalArgumentException("no output of the same name to compare: A has " + outA.keySet()
                        + ", B has " + outB.keySet());
            }
            String na = outA.keySet().iterator().next(), nb = outB.keySet().iterator().next();
            System.out.println("note: comparing A's only output '" + na + "' with B's only output '" + nb + "'");
            pairs.add(new String[] {na, nb});
        } else {
            for (String name : outA.keySet()) {
                if (!outB.containsKey(name)) System.out.println("note: output '" + name + "' is only in A, not compared");
            }
            for (String name : outB.keySet()) {
                if (!outA.containsKey(name)) System.out.println("note: output '" + name + "' is only in B, not compared");
            }
        }
        int different = 0, failed = 0;
        for (String[] p : pairs) {
            String name = p[0].equals(p[1]) ? p[0] : p[0] + " / " + p[1];
            Value va = outA.get(p[0]), vb = outB.get(p[1]);
            if (!(va instanceof Tensor ta) || !(vb instanceof Tensor tb)) {
                System.out.println(name + ": " + va.describe() + " in A, " + vb.describe() + " in B: not compared"
                        + " (only tensors are)");
                continue;
            }
            if (ta.dtype() != tb.dtype() || !java.util.Arrays.equals(ta.shape(), tb.shape())) {
                System.out.println(name + ": " + ta.describe() + " in A but " + tb.describe() + " in B: shapes or"
                        + " element types differ");
                different++;
                continue;
            }
            OutputDiff d = OutputDiff.of(ta, tb, atol, rtol);
            System.out.println(OutputDiff.label(name, ta) + ": " + d.describe());
            if (iouThreshold != null && ta.dtype().isFloatingPoint()) {
                System.out.println("  " + MaskOverlap.of(ta, tb, iouThreshold).describe());
            }
            if (d.failing() > 0) failed++;
        }
        if (atol != null || rtol != null) {
            System.out.printf("%s: %d of %d outputs out of tolerance (atol %s, rtol %s)%n",
                    failed == 0 && different == 0 ? "PASS" : "FAIL", failed, pairs.size(), plain(atol), plain(rtol));
        }
        if (different > 0) System.out.println("FAIL: " + different + " outputs differ in shape or element type");
        return failed > 0 || different > 0 ? 1 : 0;
    }

    /** A tolerance as given: 0.001, 1, 0 (0 when not given). */
    static String plain(Double x) {
        return x == null ? "0" : new java.math.BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
    }

    private Map<String, Value> runOne(String which, Path model, io.jengine.calib.ImagePreprocessing images) {
        try (Engine engine = build.builder(model, new OptimizationReport()).build()) {
            BatchedRun.Result r = BatchedRun.run(engine, BatchedRun.split(engine, inputs, batch, images));
            System.out.printf("%s: %s (%s, %.1f ms)%n", which, model, r.describeRuns(), r.millis());
            return r.outputs();
        }
    }
}
