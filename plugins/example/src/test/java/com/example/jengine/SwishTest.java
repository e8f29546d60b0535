package com.example.jengine;

import io.jengine.errors.GraphValidationException;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static com.example.jengine.PluginTestGraphs.*;
import static org.junit.jupiter.api.Assertions.*;

/** The fast Swish against the op's reference kernel, through the engine, on shapes that are no multiple of a vector. */
class SwishTest {
    @ParameterizedTest
    @CsvSource({"1, 1.0", "7, 1.0", "1000, 1.7", "70001, 0.5", "131075, -2.0"})
    void fastMatchesReference(long n, float beta) {
        long[] shape = {n};
        Tensor x = random(shape, n, 12f);
        // the edges: NaN and both infinities, and values whose exp overflows float
        if (n >= 7) {
            x.setFloat(0, Float.NaN);
            x.setFloat(1, Float.POSITIVE_INFINITY);
            x.setFloat(2, Float.NEGATIVE_INFINITY);
            x.setFloat(3, -100f);
            x.setFloat(4, 100f);
        }
        Tensor want = run(swish(shape, beta), reference(), "x", x);
        try (Engine e = Engine.of(swish(shape, beta), fast())) {
            Tensor got = (Tensor) e.run(java.util.Map.of("x", x)).get("y");
            assertEquals("example:swish.vector", e.tacticsByLayer().get("s"));
            assertClose(want, got, Tolerance.FLOAT32);
        }
        if (n >= 7 && beta > 0) assertTrue(Float.isNaN(want.getFloat(2)), "-inf * sigmoid(-inf) is NaN, as in the definition");
    }

    @Test
    void multiThreadedRunsSplitTheSameWay() {
        long[] shape = {3, 50_001};
        Tensor x = random(shape, 11, 8f);
        Tensor one, two;
        try (Engine e = Engine.of(swish(shape, 1f), fast(), io.jengine.runtime.EngineOptions.defaults().withThreads(1))) {
            one = (Tensor) e.run(java.util.Map.of("x", x)).get("y");
        }
        try (Engine e = Engine.of(swish(shape, 1f), fast(), io.jengine.runtime.EngineOptions.defaults().withThreads(2))) {
            two = (Tensor) e.run(java.util.Map.of("x", x)).get("y");
        }
        assertClose(one, two, Tolerance.EXACT);
    }

    @Test
    void inferenceRejectsOtherElementTypes() {
        var g = swish(new long[] {4}, 1f).graph();
        var ints = g.toBuilder().inputs(java.util.List.of(new io.jengine.ir.ValueInfo("x",
                io.jengine.tensor.ValueType.tensor(DType.INT32, 4)))).outputs(java.util.List.of()).build();
        ints = ints.toBuilder().addOutput(new io.jengine.ir.ValueInfo("y", null)).build();
        var m = new io.jengine.ir.Model(8, "t", "", ints, java.util.Map.of());
        var e = assertThrows(GraphValidationException.class, () -> Engine.of(m, fast()));
        assertTrue(e.getMessage().contains("Swish takes float32 or float64, got int32"), e.getMessage());
    }
}
