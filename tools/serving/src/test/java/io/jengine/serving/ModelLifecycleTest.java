package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading models and plans in versions, failing to load one, unloading. */
class ModelLifecycleTest {
    static Digits digits;

    @BeforeAll
    static void reference() { digits = new Digits(); }

    static void answersCorrectly(ModelHandle model, int image) {
        assertArrayEquals(digits.alone[image], model.infer(digits.request(image)).output("logits").toFloatArray());
    }

    @Test
    void versionsLoadSideBySideAndTheLatestServes() {
        try (InferenceServer server = new InferenceServer()) {
            assertEquals(1, server.load("digits", Digits.MODEL, ModelConfig.defaults()).version());
            ModelHandle second = server.load("digits", Digits.MODEL, ModelConfig.builder().maxBatchSize(4).build());
            assertEquals(2, second.version());
            ModelHandle latest = server.model("digits");
            assertEquals(2, latest.version());
            assertEquals(2, latest.infer(digits.request(7)).modelVersion());
            assertEquals(1, server.model("digits", 1).infer(digits.request(7)).modelVersion());
            assertEquals(List.of("1", "2"), latest.metadata().versions());
            IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                    () -> server.load("digits", 2, Digits.MODEL, ModelConfig.defaults()));
            assertEquals("model 'digits' (version 2) is already loaded; reload it to replace it", taken.getMessage());

            server.unload("digits", 2);
            assertEquals(1, latest.version(), "the handle follows the latest version");
            assertFalse(second.isReady());
            assertInstanceOf(ModelNotFoundException.class, assertThrows(Exception.class,
                    () -> second.inferAsync(digits.request(7)).get()).getCause());
            answersCorrectly(latest, 7);

            server.unload("digits");
            assertFalse(server.isModelReady("digits"));
            assertThrows(ModelNotFoundException.class, () -> latest.infer(digits.request(7)));
            assertThrows(ModelNotFoundException.class, () -> server.unload("digits"));
        }
    }

    @Test
    void aPlanFileLoadsAsAPlan(@TempDir Path dir) {
        Path plan = dir.resolve("digits.plan");
        EngineBuilder.forModel(Digits.MODEL).buildPlan(plan).close();
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", plan, ModelConfig.builder().maxBatchSize(8).build());
            assertEquals("jengine_plan", model.metadata().platform());
            answersCorrectly(model, 42);
        }
    }

    @Test
    void aModelThatFailsToLoadLeavesTheOthersServing(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.onnx");
        Files.write(broken, new byte[] {0x0a, (byte) 0xff, 0x01, 0x02, 0x03});
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle digitsModel = server.load("digits", Digits.MODEL, ModelConfig.defaults());
            ModelLoadException e = assertThrows(ModelLoadException.class,
                    () -> server.load("broken", broken, ModelConfig.defaults()));
            assertTrue(e.getMessage().startsWith("model 'broken' from " + broken + " failed to load: "), e.getMessage());
            ModelLoadException missing = assertThrows(ModelLoadException.class,
                    () -> server.load("missing", dir.resolve("nothing.onnx"), ModelConfig.defaults()));
            assertEquals("model 'missing' from " + dir.resolve("nothing.onnx") + " failed to load: no such file",
                    missing.getMessage());
            assertThrows(ModelNotFoundException.class, () -> server.model("broken"));
            answersCorrectly(digitsModel, 3);

            // A reload that fails keeps the loaded version serving.
            assertThrows(ModelLoadException.class, () -> server.reload("digits", broken, ModelConfig.defaults()));
            assertTrue(server.isModelReady("digits"));
            answersCorrectly(digitsModel, 4);
        }
    }

    @Test
    void namesAreURLPathSegments() {
        try (InferenceServer server = new InferenceServer()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> server.load("digits/v2", Digits.MODEL, ModelConfig.defaults()));
            assertTrue(e.getMessage().startsWith("model name 'digits/v2' must be"), e.getMessage());
        }
    }
}
