package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.spi.Device;
import io.jengine.tensor.Value;
import io.jengine.verify.Comparison;
import io.jengine.verify.SharedData;
import io.jengine.verify.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every FP32 zoo model on the first OpenCL device (PoCL in CI), built as {@code engine run --device opencl:0} builds
 * it: the outputs match ONNX Runtime's (rtol 1e-3, atol 1e-4), and what stays on the host is only what the backend
 * does not claim yet, so that a claimed op falling back to the CPU (a declined shape, a new fusion) fails here.
 */
class ZooOnOpenClTest {
    /** Ops the OpenCL backend does not run yet: the only ones allowed on the host. */
    private static final Set<String> NOT_YET_ON_DEVICE = Set.of();

    static String device() {
        List<Device> devices = Backends.discover().devices();
        if (devices.isEmpty()) {
            String why = "no OpenCL device (install pocl-opencl-icd and ocl-icd-opencl-dev)";
            if (SharedData.isCi()) fail(why);
            Assumptions.abort(why);
        }
        return devices.getFirst().name();
    }

    /**
     * The zoo's QDQ models run wholly on the device as integers (QuantizedConv / QuantizedMatMul and the chains with
     * quantized ends between them) and match ONNX Runtime's outputs within one quantization step of the output, as on
     * the host ({@code QdqZooTest}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn_int8_qdq", "digits_cnn_u8_qdq", "mobilenet_v2_int8_qdq", "mobilenet_v2_u8_qdq",
            "resnet18_u8_qdq"})
    void quantizedModelsRunAsIntegersOnTheDevice(String model) throws IOException {
        Path zoo = ZooModelsTest.zoo();
        String device = device();
        Map<String, Path> inputs = ZooModelsTest.ioFiles(zoo, model, "input_");
        Map<String, Value> feeds = new LinkedHashMap<>();
        inputs.forEach((name, file) -> feeds.put(name, Npy.read(file)));
        io.jengine.ir.Graph imported = io.jengine.onnx.OnnxImporter.load(zoo.resolve(model + ".onnx")).graph();
        try (Engine engine = EngineBuilder.forModel(zoo.resolve(model + ".onnx")).device(device)
                .shapes(ZooModelsTest.shapesOf(inputs)).build()) {
            DevicePartitions parts = DevicePartitions.of(engine.devicePlan(), engine.graph());
            assertTrue(parts.hostOps().isEmpty(), model + ": ran on the host: " + parts.hostOps() + " ("
                    + parts.lines(device) + ")");
            assertTrue(engine.graph().nodes().stream().anyMatch(n -> n.opType().equals("QuantizedConv")
                    || n.opType().equals("QuantizedMatMul")), model + " has integer layers");
            Map<String, Value> got = engine.run(feeds);
            for (var e : ZooModelsTest.ioFiles(zoo, model, "output_").entrySet()) {
                float step = QdqZooTest.outputStep(imported, e.getKey());
                float[] g = ((io.jengine.tensor.Tensor) got.get(e.getKey())).toFloatArray();
                float[] w = ((io.jengine.tensor.Tensor) Npy.read(e.getValue())).toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertTrue(Math.abs(g[i] - w[i]) <= step * 1.0001f, model + " " + e.getKey() + "[" + i + "] on "
                            + device + ": " + g[i] + " against ONNX Runtime's " + w[i] + ", more than one step ("
                            + step + ") apart");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn", "squeezenet1_1", "mobilenet_v2", "efficientnet_b0", "resnet18", "resnet50",
            "bert_l4_h256", "ch_PP-OCRv4_det_infer", "ch_ppocr_mobile_v2.0_cls_infer"})
    void matchesOnnxRuntimeOnTheDevice(String model) throws IOException {
        Path zoo = ZooModelsTest.zoo();
        String device = device();
        Map<String, Path> inputs = ZooModelsTest.ioFiles(zoo, model, "input_");
        Map<String, Path> outputs = ZooModelsTest.ioFiles(zoo, model, "output_");
        Map<String, Value> feeds = new LinkedHashMap<>();
        inputs.forEach((name, file) -> feeds.put(name, Npy.read(file)));
        try (Engine engine = EngineBuilder.forModel(zoo.resolve(model + ".onnx")).device(device)
                .shapes(ZooModelsTest.shapesOf(inputs)).build()) {
            DevicePartitions parts = DevicePartitions.of(engine.devicePlan(), engine.graph());
            Set<String> unexpected = new java.util.TreeSet<>(parts.hostOps().keySet());
            unexpected.removeAll(NOT_YET_ON_DEVICE);
            assertTrue(unexpected.isEmpty(), model + ": claimed ops ran on the host: " + unexpected + " ("
                    + parts.lines(device) + ")");
            if (parts.hostOps().isEmpty()) {
                assertTrue(parts.share(device) >= 0.95, model + ": " + parts.lines(device));
            }
            for (int run = 0; run < 2; run++) {
                Map<String, Value> got = engine.run(feeds);
                for (var e : outputs.entrySet()) {
                    Comparison c = Comparison.of(Npy.read(e.getValue()), got.get(e.getKey()), Tolerance.MODEL);
                    assertTrue(c.matches(), model + " output " + e.getKey() + " on " + device + ": " + c.mismatch());
                }
            }
        }
    }
}
