package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet-18 built with a batch profile 1..8..32 (tuned at 8) runs batches of 1, 8 and 32, the logits of every image
 * of batches 1 and 8 and of every fifth of batch 32 matching that image's run alone.
 */
class ProfilePlanZooTest {
    @Test
    void resnet18RunsEveryBatchOfItsProfileLikeSingleImages(@TempDir Path tmp) {
        Path zoo = ZooModelsTest.zoo();
        Path plan = tmp.resolve("resnet18.plan");
        PrintStream saved = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            assertEquals(0, EngineCli.execute("build", zoo.resolve("resnet18.onnx").toString(), "-o", plan.toString(),
                    "--profile", "input:1x3x224x224..8x3x224x224..32x3x224x224", "--tune-level", "1"));
        } finally {
            System.setErr(saved);
        }
        int image = 3 * 224 * 224;
        try (Engine e = EngineBuilder.forPlan(plan).progress(new PrintStream(new ByteArrayOutputStream())).build()) {
            for (int batch : new int[] {1, 8, 32}) {
                float[] x = new float[batch * image];
                Random r = new Random(batch);
                for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
                float[] got = ((Tensor) e.run(Map.of("input", Tensor.ofFloats(new long[] {batch, 3, 224, 224}, x)))
                        .values().iterator().next()).toFloatArray();
                assertEquals(batch * 1000, got.length);
                for (int s = 0; s < batch; s += batch == 32 ? 5 : 1) {
                    float[] one = Arrays.copyOfRange(x, s * image, (s + 1) * image);
                    float[] want = ((Tensor) e.run(Map.of("input", Tensor.ofFloats(new long[] {1, 3, 224, 224}, one)))
                            .values().iterator().next()).toFloatArray();
                    for (int j = 0; j < 1000; j++) {
                        float w = want[j], g = got[s * 1000 + j];
                        assertTrue(Math.abs(w - g) <= 1e-3f * (1 + Math.abs(w)),
                                "batch " + batch + " image " + s + " logit " + j + ": " + g + " vs alone " + w);
                    }
                }
            }
        }
    }
}
