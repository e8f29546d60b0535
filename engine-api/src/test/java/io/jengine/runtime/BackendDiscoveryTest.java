package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Model;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backends found on the class path are ordered by priority and each node goes to the first that supports it. */
class BackendDiscoveryTest {
    @Test
    void discoveredBackendsPartitionTheGraph() {
        Backends found = Backends.discover();
        assertEquals(List.of("test-mul-only", "test"), found.ordered().stream().map(b -> b.name()).toList());
        try (Engine e = Engine.of(new Model(8, "t", "", EngineTest.graph().build(), Map.of()), found)) {
            assertEquals(List.of("'add' (Add) -> test:ref.Add", "'mul' (Mul) -> test-mul-only:ref.Mul"), e.placement());
            Tensor y = (Tensor) e.run(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, 3, 4))).get("y");
            assertArrayEquals(new float[] {60, 800}, y.toFloatArray());
        }
    }

    @Test
    void onlyKeepsTheNamedBackends() {
        Backends one = Backends.discover().only(List.of("test"));
        try (Engine e = Engine.of(new Model(8, "t", "", EngineTest.graph().build(), Map.of()), one)) {
            assertEquals(List.of("'add' (Add) -> test:ref.Add", "'mul' (Mul) -> test:ref.Mul"), e.placement());
        }
    }
}
