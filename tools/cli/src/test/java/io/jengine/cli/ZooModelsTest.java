package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.io.Npy;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Comparison;
import io.jengine.verify.SharedData;
import io.jengine.verify.Tolerance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every FP32 model of the zoo, run through the Java API (unoptimized), through {@code engine run} at optimization
 * levels 1, 2 and 3, and as a plan {@code engine build} tuned, must match the outputs ONNX Runtime computed for the
 * same inputs (rtol 1e-3, atol 1e-4).
 */
class ZooModelsTest {
    static Path zoo() {
        return SharedData.zoo().orElseGet(() -> {
            if (SharedData.isCi()) fail(SharedData.missingMessage("model zoo"));
            Assumptions.abort(SharedData.missingMessage("model zoo"));
            return null;
        });
    }

    /** input_NAME.npy / output_NAME.npy of a model, keyed by NAME. */
    static Map<String, Path> ioFiles(Path zoo, String model, String prefix) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(zoo.resolve(model + "_io"))) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".npy")) {
                    files.put(n.substring(prefix.length(), n.length() - 4), p);
                }
            }
        }
        return files;
    }

    /** The inputs' shapes as {@code --shapes} takes them: NAME:DxDxD,... */
    static String shapesOf(Map<String, Path> inputs) {
        StringBuilder shapes = new StringBuilder();
        inputs.forEach((name, file) -> {
            if (!shapes.isEmpty()) shapes.append(',');
            long[] d = Npy.read(file).shape();
            shapes.append(name).append(':');
            for (int i = 0; i < d.length; i++) shapes.append(i > 0 ? "x" : "").append(d[i]);
        });
        return shapes.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn", "squeezenet1_1", "mobilenet_v2", "efficientnet_b0", "resnet18", "resnet50",
            "bert_l4_h256", "ch_PP-OCRv4_det_infer", "ch_ppocr_mobile_v2.0_cls_infer"})
    void matchesOnnxRuntime(String model, @TempDir Path tmp) throws IOException {
        Path zoo = zoo();
        Map<String, Path> inputs = ioFiles(zoo, model, "input_");
        Map<String, Path> outputs = ioFiles(zoo, model, "output_");
        assertTrue(!inputs.isEmpty() && !outputs.isEmpty(), "no reference files for " + model);

        Map<String, Value> feeds = new LinkedHashMap<>();
        inputs.forEach((name, file) -> feeds.put(name, Npy.read(file)));
        Map<String, Value> got;
        try (Engine engine = Engine.load(zoo.resolve(model + ".onnx"))) {
            got = engine.run(feeds);
        }
        for (var e : outputs.entrySet()) {
            Comparison c = Comparison.of(Npy.read(e.getValue()), got.get(e.getKey()), Tolerance.MODEL);
            assertTrue(c.matches(), model + " output " + e.getKey() + " (Java API): " + c.mismatch());
        }

        // A tuned plan (engine build at its inputs' shapes, then engine run on the plan) computes the same.
        Path plan = tmp.resolve(model + ".plan");
        String shapes = shapesOf(inputs);
        assertEquals(0, EngineCli.execute("build", zoo.resolve(model + ".onnx").toString(), "-o", plan.toString(),
                "--shapes", shapes, "--tune-level", "1"), "engine build exit code");
        Path planOut = Files.createDirectories(tmp.resolve("plan"));
        List<String> planArgs = new ArrayList<>(List.of("run", plan.toString(), "--output-dir", planOut.toString()));
        inputs.forEach((name, file) -> planArgs.addAll(List.of("--input", name + "=" + file)));
        assertEquals(0, EngineCli.execute(planArgs.toArray(String[]::new)), "engine run exit code on the plan");
        for (var e : outputs.entrySet()) {
            Tensor written = Npy.read(planOut.resolve(RunCommand.fileName(e.getKey()) + ".npy"));
            Comparison c = Comparison.of(Npy.read(e.getValue()), written, Tolerance.MODEL);
            assertTrue(c.matches(), model + " output " + e.getKey() + " (tuned plan): " + c.mismatch());
        }

        for (String level : List.of("1", "2", "3")) {
            Path dir = Files.createDirectories(tmp.resolve("level" + level));
            List<String> args = new ArrayList<>(List.of("run", zoo.resolve(model + ".onnx").toString(),
                    "--output-dir", dir.toString(), "--level", level));
            inputs.forEach((name, file) -> args.addAll(List.of("--input", name + "=" + file)));
            assertEquals(0, EngineCli.execute(args.toArray(String[]::new)), "engine run exit code at level " + level);
            for (var e : outputs.entrySet()) {
                Tensor written = Npy.read(dir.resolve(RunCommand.fileName(e.getKey()) + ".npy"));
                Comparison c = Comparison.of(Npy.read(e.getValue()), written, Tolerance.MODEL);
                assertTrue(c.matches(), model + " output " + e.getKey() + " (engine run --level " + level + "): " + c.mismatch());
            }
        }
    }
}
