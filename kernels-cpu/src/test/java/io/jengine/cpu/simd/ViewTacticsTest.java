package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewTacticsTest {
    /**
     * y = Flatten(Unsqueeze(Reshape(sin(x)))) + 1, shapes static. Sin stands for any op run by a value kernel (the
     * reference form), whose output is not in the arena: the Reshape after it copies into the arena, and the views
     * after that share its bytes.
     */
    private static Graph graph() {
        return Graph.builder("views").opset("", 17)
                .addNode(Node.builder("Sin").name("sin").inputs("x").outputs("a").build())
                .addNode(Node.builder("Reshape").name("r").inputs("a", "shape").outputs("b").build())
                .addNode(Node.builder("Unsqueeze").name("u").inputs("b", "axes").outputs("c").build())
                .addNode(Node.builder("Flatten").name("f").inputs("c").outputs("d").build())
                .addNode(Node.builder("Add").name("plus").inputs("d", "one").outputs("y").build())
                .addNode(Node.builder("Identity").name("id").inputs("x").outputs("z").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2, 3, 5)))
                .addOutput(new ValueInfo("y", null))
                .addOutput(new ValueInfo("z", null))
                .initializer("shape", Tensor.ofLongs(new long[] {2}, 6, 5))
                .initializer("axes", Tensor.ofLongs(new long[] {1}, 0))
                .initializer("one", Tensor.ofFloats(new long[] {1}, 1))
                .build();
    }

    @Test
    void reshapesOfIntermediatesAreViewsAndOutputsAreCopies() {
        float[] x = new float[30];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f - 3;
        Model m = new Model(8, "t", "", graph(), Map.of());
        try (Engine fast = Engine.of(m); Engine ref = Engine.of(m, Backends.discover().only(List.of("cpu-reference")));
             Session s = fast.newSession()) {
            List<String> placement = fast.placement();
            assertTrue(placement.contains("'r' (Reshape) -> cpu-simd:view"), placement.toString());
            assertTrue(placement.contains("'u' (Unsqueeze) -> cpu-simd:view (view, not run)"), placement.toString());
            assertTrue(placement.contains("'f' (Flatten) -> cpu-simd:view (view, not run)"), placement.toString());
            assertTrue(placement.contains("'id' (Identity) -> cpu-simd:view"), placement.toString());
            Map<String, ?> in = Map.of("x", Tensor.ofFloats(new long[] {2, 3, 5}, x));
            @SuppressWarnings("unchecked")
            var feeds = (Map<String, Tensor>) in;
            Tensor y = (Tensor) s.run(feeds).get("y"), z = (Tensor) s.run(feeds).get("z");
            Tensor yr = (Tensor) ref.run(feeds).get("y");
            assertArrayEquals(yr.shape(), y.shape());
            assertArrayEquals(new long[] {1, 30}, y.shape());
            assertArrayEquals(yr.toFloatArray(), y.toFloatArray());
            assertArrayEquals(x, z.toFloatArray());
            assertTrue(z.data().address() != feeds.get("x").data().address(), "an output is never the caller's input");
            assertEquals(Tensor.ofFloats(new long[] {1}, 0).dtype(), y.dtype());
        }
    }
}
