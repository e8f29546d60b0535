package com.example.jengine;

import io.jengine.onnx.OnnxExporter;
import io.jengine.onnx.OnnxImporter;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ExampleModelsTest {
    @Test
    void theCheckedInModelIsWhatTheGeneratorMakes() throws Exception {
        assertArrayEquals(OnnxExporter.toBytes(ExampleModels.swishMlp()), Files.readAllBytes(Path.of(ExampleModels.FILE)),
                "models/swish_mlp.onnx is stale: run ExampleModels.main to write it again");
        Tensor x = io.jengine.io.Npy.read(Path.of(ExampleModels.INPUT));
        assertArrayEquals(ExampleModels.input().toFloatArray(), x.toFloatArray(), "models/x.npy is stale");
    }

    /**
     * The whole model with the engine's CPU backends (the plugin's module is on this test class path too, so
     * discovery finds it as it finds kernels-cpu), against the reference kernels alone.
     */
    @Test
    void theModelRunsOnThePluginAsOnItsReference() {
        var model = OnnxImporter.load(Path.of(ExampleModels.FILE));
        Tensor x = ExampleModels.input();
        Backends all = Backends.discover();
        Tensor want = PluginTestGraphs.run(model, all.only(java.util.List.of("cpu-reference", Backends.PLUGIN_REFERENCE)),
                "x", x);
        try (Engine e = Engine.of(model, all)) {
            Tensor got = (Tensor) e.run(Map.of("x", x)).get("y");
            assertArrayEquals(new long[] {2, 10}, got.shape());
            PluginTestGraphs.assertClose(want, got, Tolerance.MODEL);
            assertEquals("example:swish.vector", e.tacticsByLayer().get("swish"));
        }
    }
}
