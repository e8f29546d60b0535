package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.InvalidInputException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.plan.PlanFile;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import io.jengine.tune.TuneOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan with an optimization profile runs every batch in its range like per-sample runs, and refuses the rest. */
class ProfilePlanTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** Two projections over a batch dimension left open ("N" x 64). */
    private static Model model() {
        Random r = new Random(9);
        Graph.Builder b = Graph.builder("mlp").opset("", 17).addInput(new ValueInfo("x",
                new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(Dim.symbol("N"), Dim.of(64))))));
        String in = "x";
        for (int i = 0; i < 2; i++) {
            float[] w = new float[64 * 64];
            for (int j = 0; j < w.length; j++) w[j] = r.nextFloat() - 0.5f;
            b.initializer("w" + i, Tensor.ofFloats(new long[] {64, 64}, w));
            String out = i == 1 ? "y" : "h";
            b.addNode(Node.builder("MatMul").name("proj" + i).inputs(in, "w" + i).outputs(out).build());
            in = out;
        }
        return new Model(8, "test", "", b.addOutput(new ValueInfo("y", null)).build(), Map.of());
    }

    private static float[] rows(int batch, int seed) {
        float[] x = new float[batch * 64];
        Random r = new Random(seed);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    @Test
    void everyBatchInTheProfileMatchesPerSampleRunsAndOthersAreRefused(@TempDir Path dir) {
        Path plan = dir.resolve("mlp.plan");
        EngineBuilder b = EngineBuilder.forModel(model()).threads(1).tune(new TuneOptions(1, 2)).progress(QUIET)
                .profile("x:1x64..8x64..32x64");
        try (Engine built = b.buildPlan(plan)) {
            assertEquals(2, b.tuningReport().layers().size(), "both layers tuned at the optimal batch");
        }
        assertEquals(1, PlanFile.read(plan).header().getProfilesCount());
        try (Engine e = EngineBuilder.forPlan(plan).progress(QUIET).build()) {
            for (int batch : new int[] {1, 8, 32}) {
                float[] x = rows(batch, batch);
                float[] got = ((Tensor) e.run(Map.of("x", Tensor.ofFloats(new long[] {batch, 64}, x))).get("y")).toFloatArray();
                for (int s = 0; s < batch; s++) {
                    float[] one = Arrays.copyOfRange(x, s * 64, (s + 1) * 64);
                    float[] want = ((Tensor) e.run(Map.of("x", Tensor.ofFloats(new long[] {1, 64}, one))).get("y")).toFloatArray();
                    for (int j = 0; j < 64; j++) {
                        assertEquals(want[j], got[s * 64 + j], 1e-4f * (1 + Math.abs(want[j])), "batch " + batch + " row " + s);
                    }
                }
            }
            InvalidInputException out = assertThrows(InvalidInputException.class,
                    () -> e.run(Map.of("x", Tensor.ofFloats(new long[] {33, 64}, rows(33, 1)))));
            assertTrue(out.getMessage().contains("[1..32]x64") && out.getMessage().contains("[33,64]"), out.getMessage());
        }
    }

    @Test
    void aMalformedProfileIsAClearError() {
        EngineBuilder b = EngineBuilder.forModel(model());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.profile("x:1x64..8x64"));
        assertTrue(e.getMessage().contains("NAME:MIN..OPT..MAX"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.profile("x:8x64..1x64..32x64"));
        assertTrue(e.getMessage().contains("min <= opt <= max"), e.getMessage());
    }

    /**
     * One session sent batch sizes in turn (as a server's batcher sends them) places each plan in the memory it
     * already holds where it fits, and four sessions asking for a new batch size at once share one plan for it: every
     * answer is the one a fresh session gives.
     */
    @Test
    void aSessionAlternatingBatchSizesAndSessionsPlanningAtOnceGiveFreshSessionsAnswers() throws Exception {
        int[] sizes = {4, 1, 3, 4, 2, 1, 4};
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET).profile("x:1x64..4x64..8x64").build()) {
            Map<Integer, float[]> fresh = new java.util.HashMap<>();
            for (int batch : sizes) {
                try (var s = e.newSession()) {
                    fresh.put(batch, ((Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {batch, 64}, rows(batch, batch))))
                            .get("y")).toFloatArray());
                }
            }
            try (var s = e.newSession()) {
                for (int batch : sizes) {
                    float[] got = ((Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {batch, 64}, rows(batch, batch))))
                            .get("y")).toFloatArray();
                    org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.get(batch), got, "batch " + batch);
                }
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<float[]>> answers = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        try (var s = e.newSession()) {
                            return ((Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {7, 64}, rows(7, 7)))).get("y"))
                                    .toFloatArray();
                        }
                    }));
                }
                start.countDown();
                float[] first = answers.getFirst().get();
                for (var a : answers) org.junit.jupiter.api.Assertions.assertArrayEquals(first, a.get());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
