package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Model;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tune.TuneOptions;
import io.jengine.tune.TunerTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A tuned build runs the tactics it chose and computes what the untuned one does. */
class TunedBuildTest {
    @Test
    void theTunedPlanRunsTheChosenTacticsAndMatchesTheDefaultPlan() {
        Model model = new Model(8, "test", "", TunerTest.projections(), Map.of());
        float[] x = new float[24 * 128];
        Random r = new Random(2);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
        Map<String, Value> feeds = Map.of("x", Tensor.ofFloats(new long[] {24, 128}, x));
        EngineBuilder tuned = EngineBuilder.forModel(model).threads(1).tune(new TuneOptions(1, 1))
                .progress(new PrintStream(new ByteArrayOutputStream()));
        try (Engine plain = EngineBuilder.forModel(model).threads(1).build(); Engine fast = tuned.build()) {
            assertNotNull(tuned.tuningReport());
            for (var choice : tuned.tuningReport().choices().entrySet()) {
                assertTrue(fast.placement().stream().anyMatch(p -> p.contains(choice.getKey())
                        && p.endsWith("-> " + choice.getValue())), choice + " not in " + fast.placement());
            }
            float[] want = ((Tensor) plain.run(feeds).get("y")).toFloatArray();
            float[] got = ((Tensor) fast.run(feeds).get("y")).toFloatArray();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), "element " + i);
            }
        }
    }
}
