package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import io.jengine.tune.Candidate;
import io.jengine.tune.LayerTuning;
import io.jengine.tune.TuneOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tuner times the example plugin's block-sparse MatMul beside the engine's dense ones (oneDNN, cpu-simd's
 * tilings) and keeps it where it measured faster: on weights with 0.3% non-zeros it does a few percent of the dense
 * product's multiply-adds and wins by far; on 3.5% it is timed and the choice follows the measurements.
 */
class PluginTuningTest {
    static final String SPARSE = "example:matmul.block-sparse";

    static Model matMul(double density, long seed) {
        int m = 32, k = 512, n = 512;
        Random r = new Random(seed);
        Tensor w = Tensor.allocate(DType.FLOAT32, k, n);
        for (long i = 0; i < w.size(); i++) if (r.nextDouble() < density) w.setFloat(i, r.nextFloat() * 2 - 1);
        w.setFloat(0, 1f);
        Graph g = Graph.builder("sparse").opset("", 17)
                .addNode(Node.builder("MatMul").name("mm").inputs("a", "w").outputs("y").build())
                .initializer("w", w)
                .addInput(new ValueInfo("a", ValueType.tensor(DType.FLOAT32, m, k)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, m, n))).build();
        return new Model(8, "test", "", g, Map.of());
    }

    @ParameterizedTest
    @CsvSource({"0.003, true", "0.035, false"})
    void theTunerTimesThePluginsTacticAndKeepsItWhereFaster(double density, boolean mustWin) {
        EngineBuilder b = EngineBuilder.forModel(matMul(density, 11)).plugins(ExamplePlugin.jar()).threads(1)
                .tune(TuneOptions.defaults()).progress(new PrintStream(OutputStream.nullOutputStream()));
        try (Engine e = b.build()) {
            LayerTuning layer = b.tuningReport().layers().stream().filter(l -> l.layer().equals("mm")).findFirst()
                    .orElseThrow();
            Candidate sparse = layer.candidates().stream().filter(c -> c.key().equals(SPARSE)).findFirst().orElse(null);
            assertNotNull(sparse, "the plugin's tactic is a candidate: " + layer.candidates());
            assertTrue(sparse.timed(), "the plugin's tactic is timed: " + layer.candidates());
            Candidate fastest = layer.candidates().stream().filter(Candidate::timed)
                    .min(java.util.Comparator.comparingDouble(Candidate::measuredMs)).orElseThrow();
            System.out.printf("density %.3f: %s %.3f ms, default %s %.3f ms, chosen %s%n", density, SPARSE,
                    sparse.measuredMs(), layer.defaultKey(), layer.defaultMs(), layer.chosen());
            // the tuner's rule: the fastest timed, where it beats the default by 10%
            boolean sparseWins = fastest.key().equals(SPARSE) && sparse.measuredMs() * 1.1 < layer.defaultMs();
            assertEquals(sparseWins, layer.chosen().equals(SPARSE), layer.candidates().toString());
            if (mustWin) assertEquals(SPARSE, layer.chosen(), layer.candidates().toString());
            assertEquals(layer.chosen(), e.tacticsByLayer().get("mm"), "the plan runs what the tuner chose");
        }
    }
}
