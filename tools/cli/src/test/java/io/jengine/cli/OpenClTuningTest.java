package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tune.Candidate;
import io.jengine.tune.LayerTuning;
import io.jengine.tune.TuneOptions;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner on an OpenCL device (PoCL in CI): the tiled kernels' tilings are constructed for the device, ranked by
 * its cost model, the top K timed by the device's clock; the plan runs the chosen tilings and computes what the untuned
 * plan does; a second build takes every timing from the timing cache.
 */
class OpenClTuningTest {
    @TempDir
    Path dir;

    @Test
    void theTunerTimesTilingsOnTheDeviceAndThePlanRunsThem() {
        String device = ZooOnOpenClTest.device();
        Path model = CliErrorsTest.DIGITS;
        float[] all = ((Tensor) Npy.read(CliErrorsTest.IMAGES)).toFloatArray();
        Map<String, Value> feeds = Map.of("image", Tensor.ofFloats(new long[] {8, 1, 8, 8},
                java.util.Arrays.copyOf(all, 8 * 64)));
        String shapes = "image:8x1x8x8";
        Path cache = dir.resolve("timing.cache");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        EngineBuilder tuned = EngineBuilder.forModel(model).device(device).shapes(shapes)
                .tune(new TuneOptions(2, 3)).timingCache(cache).progress(quiet);
        try (Engine plain = EngineBuilder.forModel(model).device(device).shapes(shapes).build();
             Engine fast = tuned.build()) {
            var layers = tuned.tuningReport().layers();
            assertTrue(layers.size() >= 3, "the convolutions and the classifier are tuned: " + layers);
            for (LayerTuning layer : layers) {
                assertTrue(layer.chosen().startsWith("opencl:") && layer.chosen().contains("@"),
                        "a tiling of an OpenCL kernel: " + layer.chosen());
                long timed = layer.candidates().stream().filter(Candidate::timed).count();
                // the model's top 3 and the default (which may be among them)
                assertTrue(timed >= 3 && timed <= 4, layer.layer() + ": " + timed + " timed of " + layer.candidates());
                assertTrue(layer.candidates().size() > 20, "a constructed space: " + layer.candidates().size());
                assertEquals(layer.chosen(), fast.tacticsByLayer().get(layer.layer()), "the plan runs the choice");
            }
            Tensor want = (Tensor) plain.run(feeds).get("logits");
            Tensor got = (Tensor) fast.run(feeds).get("logits");
            Comparison c = Comparison.of(want, got, Tolerance.MODEL);
            assertTrue(c.matches(), c.mismatch());
        }
        EngineBuilder again = EngineBuilder.forModel(model).device(device).shapes(shapes)
                .tune(new TuneOptions(2, 3)).timingCache(cache).progress(quiet);
        try (Engine e = again.build()) {
            assertEquals(0, again.tuningReport().timed(), "every timing comes from the cache");
            assertEquals(tuned.tuningReport().choices(), again.tuningReport().choices());
        }
    }
}
