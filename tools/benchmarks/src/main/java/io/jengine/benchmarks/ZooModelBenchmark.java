package io.jengine.benchmarks;

import io.jengine.cli.bench.BenchTarget;
import io.jengine.cli.bench.OrtTarget;
import io.jengine.io.Npy;
import io.jengine.onnx.OnnxImporter;
import io.jengine.build.EngineBuilder;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import io.jengine.verify.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Average time per inference of the zoo models ({@code $ENGINE_ZOO}, on the inputs stored beside each model), by the
 * engine (optimized at level 2, as {@code engine run} builds it) and by ONNX Runtime, measured in the same JMH run so
 * that the report's ratios compare the two on the same machine. JMH gives each method its own fork, so each fork loads
 * only the target it measures; for two engines interleaved in one process, use {@code engine bench --compare-ort}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss16m", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules", "jdk.incubator.vector"})
public class ZooModelBenchmark {
    @Param({"digits_cnn", "squeezenet1_1", "mobilenet_v2", "efficientnet_b0", "resnet18", "resnet50", "bert_l4_h256",
            "ch_PP-OCRv4_det_infer", "ch_ppocr_mobile_v2.0_cls_infer"})
    public String model;

    /** Intra-op threads of both engines. */
    @Param({"1", "2"})
    public int threads;

    private Map<String, Tensor> inputs;
    private Engine engine;
    private OrtTarget ort;

    @Setup
    public void setUp(BenchmarkParams params) {
        Path zoo = SharedData.zoo().orElseThrow(() -> new IllegalStateException(SharedData.missingMessage("model zoo")));
        Path file = zoo.resolve(model + ".onnx");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model " + file + " not found: unpack every zoo archive (shared/models/unpack.sh)");
        }
        inputs = storedInputs(zoo.resolve(model + "_io"));
        if (params.getBenchmark().endsWith(".engine")) {
            engine = BenchTarget.engine(EngineBuilder.forModel(OnnxImporter.load(file)).threads(threads));
        } else {
            ort = OrtTarget.open(file, threads);
            ort.feed(inputs);
        }
    }

    @Benchmark
    public Map<String, Value> engine() {
        return engine.run(inputs);
    }

    @Benchmark
    public void onnxRuntime() {
        ort.run();
    }

    @TearDown
    public void tearDown() {
        if (engine != null) engine.close();
        if (ort != null) ort.close();
    }

    /** input_NAME.npy files of a model, keyed by NAME. */
    static Map<String, Tensor> storedInputs(Path dir) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("input_") && n.endsWith(".npy")) out.put(n.substring(6, n.length() - 4), Npy.read(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the inputs in " + dir, e);
        }
        if (out.isEmpty()) throw new IllegalStateException("no input_*.npy files in " + dir);
        return out;
    }
}
