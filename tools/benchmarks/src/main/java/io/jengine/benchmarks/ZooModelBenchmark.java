package io.jengine.benchmarks;

import io.jengine.cli.bench.BenchTarget;
import io.jengine.cli.bench.OrtTarget;
import io.jengine.cli.bench.ServedTarget;
import io.jengine.cli.loadgen.InferBody;
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
 * engine (optimized at level 2, as {@code engine run} builds it), by ONNX Runtime, and by the engine's plan served over
 * HTTP on this machine ({@code served}: one client, binary tensors, as {@code engine bench --served}'s first line),
 * measured in the same JMH run so that the report's ratios compare them on the same machine. JMH gives each method its own fork, so each fork loads
 * only the target it measures; for two engines interleaved in one process, use {@code engine bench --compare-ort}.
 *
 * <p>{@code precision=int8} measures quantized models instead: the engine's INT8 build of the float model (calibrated
 * with the default calibrator on the digits' calibration batches, or on the shared images with ImageNet
 * preprocessing), and ONNX Runtime's own quantized model of the zoo ({@code MODEL_u8_qdq.onnx}), for the models that
 * have them ({@link #INT8_MODELS}; ONNX Runtime's QDQ models exist for digits_cnn, mobilenet_v2 and resnet18).
 * {@code precision=bf16}: the engine's {@code --bf16} build (float convolutions and matrix products computing on
 * bfloat16; refused on a CPU without AVX512-BF16 or AMX), against ONNX Runtime's float model, which has no bfloat16
 * CPU kernels.
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

    /** fp32: the zoo's float models; int8: quantized models; bf16: bfloat16 arithmetic (see the class comment). */
    @Param({"fp32"})
    public String precision;

    /** The models an INT8 build has calibration data for. */
    static final java.util.Set<String> INT8_MODELS = java.util.Set.of("digits_cnn", "mobilenet_v2", "resnet18",
            "resnet50", "squeezenet1_1", "efficientnet_b0");
    private static final String IMAGENET = "resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225";

    private Map<String, Tensor> inputs;
    private Engine engine;
    private OrtTarget ort;
    private Path servedRepository;
    private ServedTarget server;
    private InferBody servedBody;

    @Setup
    public void setUp(BenchmarkParams params) {
        Path zoo = SharedData.zoo().orElseThrow(() -> new IllegalStateException(SharedData.missingMessage("model zoo")));
        Path file = zoo.resolve(model + ".onnx");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model " + file + " not found: unpack every zoo archive (shared/models/unpack.sh)");
        }
        inputs = storedInputs(zoo.resolve(model + "_io"));
        if (!java.util.List.of("fp32", "int8", "bf16").contains(precision)) {
            throw new IllegalArgumentException("precision must be fp32, int8 or bf16, got " + precision);
        }
        boolean int8 = precision.equals("int8");
        if (params.getBenchmark().endsWith(".engine") || params.getBenchmark().endsWith(".served")) {
            EngineBuilder b = EngineBuilder.forModel(OnnxImporter.load(file)).threads(threads);
            if (int8) b.int8(int8Options(zoo));
            if (precision.equals("bf16")) b.bf16(true);
            if (params.getBenchmark().endsWith(".engine")) {
                engine = BenchTarget.engine(b);
            } else {
                // The same build written as a plan and served as `engine serve` serves it: one instance with the
                // engine's threads, no batching, the stored inputs as binary tensors.
                servedRepository = ServedTarget.newRepository();
                b.buildPlan(ServedTarget.planPath(servedRepository)).close();
                server = ServedTarget.start(servedRepository, null, ServedTarget.Setup.direct(threads));
                servedBody = InferBody.of(inputs, 0, true);
            }
        } else {
            Path quantized = zoo.resolve(model + "_u8_qdq.onnx");
            if (int8 && !Files.isRegularFile(quantized)) {
                throw new IllegalStateException("ONNX Runtime has no quantized " + model + " in the zoo (" + quantized
                        + "); its INT8 row has the engine only");
            }
            ort = OrtTarget.open(int8 ? quantized : file, threads);
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

    /** One request over HTTP to the engine's plan served on this machine, answered whole: the engine plus the HTTP layer. */
    @Benchmark
    public void served() {
        server.infer(servedBody);
    }

    @TearDown
    public void tearDown() {
        if (engine != null) engine.close();
        if (ort != null) ort.close();
        if (server != null) server.close();
        if (servedRepository != null) ServedTarget.deleteRepository(servedRepository);
    }

    /** Calibration for this model's INT8 build: the digits' own batches, or the shared images as ImageNet input. */
    private io.jengine.calib.Int8Options int8Options(Path zoo) {
        if (!INT8_MODELS.contains(model)) {
            throw new IllegalStateException("no INT8 calibration data for " + model + "; INT8 runs " + INT8_MODELS);
        }
        if (model.equals("digits_cnn")) {
            return new io.jengine.calib.Int8Options(zoo.resolve("digits_data/calib"), null,
                    io.jengine.calib.Int8Options.DEFAULT_PERCENTILE, 0, null);
        }
        Path images = SharedData.root().map(r -> r.resolve("images"))
                .orElseThrow(() -> new IllegalStateException(SharedData.missingMessage("shared images")));
        return new io.jengine.calib.Int8Options(images, null, io.jengine.calib.Int8Options.DEFAULT_PERCENTILE, 0, null,
                io.jengine.calib.ImagePreprocessing.parse(IMAGENET));
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
