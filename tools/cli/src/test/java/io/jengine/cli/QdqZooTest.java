package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.onnx.OnnxImporter;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.passes.QuantizedChainFusion;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zoo's QDQ models (ONNX Runtime's quantizer wrote them) match ONNX Runtime's outputs within one quantization step
 * of the output (their logits are the DequantizeLinear of int8 or uint8 codes), run as integers between their layers
 * (no DequantizeLinear left but the output's), and give the same bytes with and without the quantized chain ends.
 */
class QdqZooTest {
    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn_int8_qdq", "digits_cnn_u8_qdq", "mobilenet_v2_int8_qdq", "mobilenet_v2_u8_qdq",
            "resnet18_u8_qdq"})
    void matchesOnnxRuntimeWithinAStepAsIntegers(String model) throws Exception {
        Path zoo = ZooModelsTest.zoo();
        Path file = zoo.resolve(model + ".onnx");
        Map<String, Value> feeds = new LinkedHashMap<>();
        ZooModelsTest.ioFiles(zoo, model, "input_").forEach((name, f) -> feeds.put(name, Npy.read(f)));
        Map<String, Path> expected = ZooModelsTest.ioFiles(zoo, model, "output_");
        Model imported = OnnxImporter.load(file);

        OptimizationReport report = new OptimizationReport();
        Map<String, Value> fused, separate;
        try (Engine e = EngineBuilder.forModel(file).report(report).build()) {
            fused = e.run(feeds);
            long dequantized = e.graph().nodes().stream().filter(n -> n.opType().equals("DequantizeLinear")).count();
            assertTrue(dequantized <= imported.graph().outputs().size(), model + ": " + dequantized
                    + " DequantizeLinear left between integer layers");
        }
        try (Engine e = EngineBuilder.forModel(file).disablePass(QuantizedChainFusion.NAME).build()) {
            separate = e.run(feeds);
        }
        for (var out : expected.entrySet()) {
            Tensor got = (Tensor) fused.get(out.getKey()), want = Npy.read(out.getValue());
            assertArrayEquals(((Tensor) separate.get(out.getKey())).data().toArray(ValueLayout.JAVA_BYTE),
                    got.data().toArray(ValueLayout.JAVA_BYTE), model + " " + out.getKey() + ": fused ends change bytes");
            float step = outputStep(imported.graph(), out.getKey());
            float[] g = got.toFloatArray(), w = want.toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertTrue(Math.abs(g[i] - w[i]) <= step * 1.0001f, model + " " + out.getKey() + "[" + i + "]: " + g[i]
                        + " against ONNX Runtime's " + w[i] + ", more than one step (" + step + ") apart");
            }
        }
    }

    /** The scale of the DequantizeLinear that writes graph output {@code name}. */
    static float outputStep(Graph g, String name) {
        Node dq = g.nodes().stream().filter(n -> n.outputs().contains(name)).findFirst().orElseThrow();
        assertTrue(dq.opType().equals("DequantizeLinear"), name + " is written by " + dq.opType());
        String scale = dq.inputs().get(1);
        Tensor t = g.initializers().get(scale);
        if (t == null) {
            Node constant = g.nodes().stream().filter(n -> n.outputs().contains(scale)).findFirst().orElseThrow();
            t = constant.attrTensor("value");
        }
        return t.getFloat(0);
    }
}
