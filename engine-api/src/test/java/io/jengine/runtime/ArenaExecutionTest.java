package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.InvalidInputException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs through the memory plan: arena placement, in-place outputs, prepared views, re-planning per shape. */
class ArenaExecutionTest {
    private static final ValueType X = new ValueType.TensorType(DType.FLOAT32,
            new Shape(List.of(Dim.symbol("n"), Dim.of(4))));

    /** y = relu(reshape(relu(x * w + x) + x, [n*4]) ) ... a chain long enough for buffers to be reused. */
    private static Graph chain(ValueType input) {
        return Graph.builder("chain").opset("", 17)
                .addNode(Node.builder("Mul").name("m1").inputs("x", "w").outputs("a").build())
                .addNode(Node.builder("Add").name("a1").inputs("a", "x").outputs("b").build())
                .addNode(Node.builder("Relu").name("r1").inputs("b").outputs("c").build())
                .addNode(Node.builder("Add").name("a2").inputs("c", "x").outputs("d").build())
                .addNode(Node.builder("Reshape").name("flat").inputs("d", "shape").outputs("e").build())
                .addNode(Node.builder("Relu").name("r2").inputs("e").outputs("y").build())
                .addInput(new ValueInfo("x", input))
                .addOutput(new ValueInfo("y", null))
                .initializer("w", Tensor.ofFloats(new long[] {2, 4}, 1, -2, 3, -4, 5, -6, 7, -8))
                .initializer("shape", Tensor.ofLongs(new long[] {1}, 8))
                .build();
    }

    private static float[] expected(float[] x) {
        float[] w = {1, -2, 3, -4, 5, -6, 7, -8};
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(0, Math.max(0, x[i] * w[i] + x[i]) + x[i]);
        return y;
    }

    private static Engine engine(Graph g, BufferBackend b) {
        return Engine.of(new Model(8, "t", "", g, Map.of()), Backends.of(b, new TestBackend()));
    }

    private static final ValueType STATIC = ValueType.tensor(DType.FLOAT32, 2, 4);

    @Test
    void staticChainRunsInTheArenaWithViewsAndInPlaceOutputs() {
        BufferBackend b = new BufferBackend();
        try (Engine e = engine(chain(STATIC), b); Session s = e.newSession()) {
            Engine.MemoryReport m = e.memoryReport();
            // a, b, c, d, e are placed (y is the graph output): b and c in place, e a view of d
            assertEquals(5, m.placedValues());
            assertEquals(64, m.arenaBytes(), "one 32-byte buffer rounded to 64 carries the whole chain");
            assertTrue(e.placement().contains("'flat' (Reshape) -> buffers:reshape (view, not run)"), e.placement().toString());
            float[] x = {1, -1, 2, -2, 3, -3, 0.5f, -0.5f};
            Tensor y = (Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x))).get("y");
            assertArrayEquals(expected(x), y.toFloatArray());
            assertArrayEquals(new long[] {8}, y.shape());
            assertEquals(0, b.reshapeRuns.get());
        }
    }

    /**
     * Add(r, r): the kernel would write in place on input 0, but input 1 is the same buffer, which it would then read
     * half overwritten; the sum gets a buffer of its own.
     */
    @Test
    void anInputTheNodeAlsoReadsThroughAnotherInputIsNotWrittenInPlace() {
        ValueType big = ValueType.tensor(DType.FLOAT32, 2, 40);
        Graph g = Graph.builder("twice").opset("", 17)
                .addNode(Node.builder("Relu").name("r").inputs("x").outputs("a").build())
                .addNode(Node.builder("Add").name("add").inputs("a", "a").outputs("b").build())
                .addNode(Node.builder("Relu").name("r2").inputs("b").outputs("y").build())
                .addInput(new ValueInfo("x", big)).addOutput(new ValueInfo("y", null)).build();
        try (Engine e = engine(g, new BufferBackend()); Session s = e.newSession()) {
            assertTrue(e.memoryReport().arenaBytes() >= 2 * 320, "a and b in two buffers: " + e.memoryReport());
            float[] x = new float[80];
            for (int i = 0; i < x.length; i++) x[i] = i - 40;
            float[] y = ((Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 40}, x))).get("y")).toFloatArray();
            for (int i = 0; i < x.length; i++) assertEquals(2 * Math.max(0, x[i]), y[i], "y[" + i + "]");
        }
    }

    @Test
    void resultsAreNeverOverwrittenByLaterRuns() {
        try (Engine e = engine(chain(STATIC), new BufferBackend()); Session s = e.newSession()) {
            float[] x1 = {1, 2, 3, 4, 5, 6, 7, 8}, x2 = {-8, 7, -6, 5, -4, 3, -2, 1};
            Tensor y1 = (Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x1))).get("y");
            Tensor y2 = (Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x2))).get("y");
            assertNotSame(y1, y2);
            assertArrayEquals(expected(x1), y1.toFloatArray());
            assertArrayEquals(expected(x2), y2.toFloatArray());
        }
    }

    @Test
    void dynamicShapesArePlannedPerShape() {
        BufferBackend b = new BufferBackend();
        Graph g = chain(X).toBuilder().initializer("shape", Tensor.ofLongs(new long[] {1}, -1)).build();
        // w broadcasts only for n = 2 in the test kernels, so use n = 2 twice with a different shape in between
        try (Engine e = engine(g, b); Session s = e.newSession()) {
            float[] x = {1, -1, 2, -2, 3, -3, 0.5f, -0.5f};
            for (int round = 0; round < 2; round++) {
                Tensor y = (Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x))).get("y");
                assertArrayEquals(expected(x), y.toFloatArray());
                assertThrows(RuntimeException.class, () -> s.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, 1, 2, 3, 4))));
            }
            assertTrue(s.arenaBytes() > 0, "the concrete-shape plan places the intermediates");
        }
    }

    @Test
    void observerSeesIntermediateValuesAsTheyAreProduced() {
        try (Engine e = engine(chain(STATIC), new BufferBackend()); Session s = e.newSession()) {
            Map<String, float[]> seen = new HashMap<>();
            List<String> tactics = new ArrayList<>();
            RunObserver o = new RunObserver() {
                @Override
                public void nodeFinished(Node node, String tactic, long nanos) { tactics.add(tactic); }

                @Override
                public boolean wantsValues() { return true; }

                @Override
                public void valuesProduced(Node node, Value[] outputs) {
                    seen.put(node.outputs().getFirst(), ((Tensor) outputs[0]).toFloatArray());
                }
            };
            float[] x = {1, -1, 2, -2, 3, -3, 0.5f, -0.5f};
            s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x)), o);
            float[] w = {1, -2, 3, -4, 5, -6, 7, -8};
            for (int i = 0; i < 8; i++) {
                assertEquals(x[i] * w[i], seen.get("a")[i]);
                assertEquals(Math.max(0, x[i] * w[i] + x[i]), seen.get("c")[i]);
            }
            assertEquals(6, tactics.size());
            assertEquals("buffers:mul", tactics.getFirst());
        }
    }

    @Test
    void aKernelThatContradictsThePlannedShapeIsAnError() {
        Graph g = Graph.builder("lie").opset("", 17)
                .addNode(Node.builder("Transpose").name("t").inputs("x").outputs("a")
                        .attr(io.jengine.ir.Attribute.of("perm", new long[] {0, 1})).build())
                .addNode(Node.builder("Relu").name("r").inputs("a").outputs("y").build())
                .addInput(new ValueInfo("x", STATIC)).addOutput(new ValueInfo("y", null)).build();
        try (Engine e = engine(g, new BufferBackend())) {
            var err = assertThrows(io.jengine.errors.KernelException.class,
                    () -> e.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, 1, 2, 3, 4, 5, 6, 7, 8))));
            assertTrue(err.getMessage().contains("'t'") && err.getMessage().contains("shape inference planned"),
                    err.getMessage());
        }
    }

    @Test
    void callerBuffersReceiveTheOutputs() {
        try (Engine e = engine(chain(STATIC), new BufferBackend()); Session s = e.newSession()) {
            float[] x = {1, -1, 2, -2, 3, -3, 0.5f, -0.5f};
            Tensor mine = Tensor.allocate(DType.FLOAT32, 8);
            Map<String, Value> out = s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x)), Map.of("y", mine), null);
            assertSame(mine, out.get("y"));
            assertArrayEquals(expected(x), mine.toFloatArray());
            Tensor wrong = Tensor.allocate(DType.FLOAT32, 2, 4);
            InvalidInputException err = assertThrows(InvalidInputException.class,
                    () -> s.run(Map.of("x", Tensor.ofFloats(new long[] {2, 4}, x)), Map.of("y", wrong), null));
            assertTrue(err.getMessage().contains("output buffer for 'y'"), err.getMessage());
        }
    }
}
