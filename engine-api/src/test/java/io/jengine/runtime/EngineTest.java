package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.GraphValidationException;
import io.jengine.errors.InvalidInputException;
import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EngineTest {
    static final ValueType X = new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(Dim.symbol("n"), Dim.of(2))));

    /** y = (x + x) * w, with the nodes listed in reverse order to exercise sorting. */
    static Graph.Builder graph() {
        return Graph.builder("g").opset("", 17)
                .addNode(Node.builder("Mul").name("mul").inputs("s", "w").outputs("y").build())
                .addNode(Node.builder("Add").name("add").inputs("x", "x").outputs("s").build())
                .addInput(new ValueInfo("x", X))
                .addOutput(new ValueInfo("y", X))
                .initializer("w", Tensor.ofFloats(new long[] {2}, 10, 100));
    }

    static Engine engine(Graph g) {
        return Engine.of(new Model(8, "test", "", g, Map.of()), Backends.of(new TestBackend()));
    }

    @Test
    void runsNodesInDependencyOrder() {
        try (Engine e = engine(graph().build())) {
            Tensor y = (Tensor) e.run(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, 1, 2))).get("y");
            assertArrayEquals(new float[] {20, 400}, y.toFloatArray());
            assertArrayEquals(new long[] {1, 2}, y.shape());
        }
    }

    @Test
    void concurrentRunsShareOneEngine() throws Exception {
        try (Engine e = engine(graph().build()); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                float v = t;
                results.add(pool.submit(() -> {
                    try (Session s = e.newSession()) {
                        return ((Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, v, -v))).get("y"))
                                .toFloatArray();
                    }
                }));
            }
            for (int t = 0; t < 64; t++) assertArrayEquals(new float[] {20f * t, -200f * t}, results.get(t).get());
        }
    }

    @Test
    void rejectsUnknownOp() {
        Graph g = graph().addNode(Node.builder("Frobnicate").name("f").inputs("y").outputs("z").build()).build();
        UnsupportedOperatorException ex = assertThrows(UnsupportedOperatorException.class, () -> engine(g));
        assertTrue(ex.getMessage().contains("'f' (Frobnicate)") && ex.getMessage().contains("opset 17"), ex.getMessage());
    }

    @Test
    void rejectsUndefinedInputAndCycle() {
        Graph dangling = graph().addNode(Node.builder("Add").name("a2").inputs("y", "ghost").outputs("z").build()).build();
        var ex = assertThrows(GraphValidationException.class, () -> engine(dangling));
        assertTrue(ex.getMessage().contains("'ghost'") && ex.getMessage().contains("'a2'"), ex.getMessage());

        Graph cycle = Graph.builder("c").opset("", 17)
                .addNode(Node.builder("Add").name("p").inputs("x", "q_out").outputs("p_out").build())
                .addNode(Node.builder("Add").name("q").inputs("p_out", "x").outputs("q_out").build())
                .addInput(new ValueInfo("x", X)).addOutput(new ValueInfo("q_out", X)).build();
        var cyc = assertThrows(GraphValidationException.class, () -> engine(cycle));
        assertTrue(cyc.getMessage().contains("cycle"), cyc.getMessage());
    }

    @Test
    void checksFeeds() {
        try (Engine e = engine(graph().build())) {
            var wrongName = assertThrows(InvalidInputException.class, () -> e.run(Map.of("z", Tensor.ofFloats(new long[] {1, 2}, 1, 2))));
            assertTrue(wrongName.getMessage().contains("unknown input 'z'"), wrongName.getMessage());
            var missing = assertThrows(InvalidInputException.class, () -> e.run(Map.of()));
            assertTrue(missing.getMessage().contains("missing input 'x'"), missing.getMessage());
            var dtype = assertThrows(InvalidInputException.class, () -> e.run(Map.of("x", Tensor.ofLongs(new long[] {1, 2}, 1, 2))));
            assertTrue(dtype.getMessage().contains("float32") && dtype.getMessage().contains("int64"), dtype.getMessage());
            var dim = assertThrows(InvalidInputException.class, () -> e.run(Map.of("x", Tensor.ofFloats(new long[] {1, 3}, 1, 2, 3))));
            assertTrue(dim.getMessage().contains("dimension 1 must be 2"), dim.getMessage());
            var rank = assertThrows(InvalidInputException.class, () -> e.run(Map.of("x", Tensor.ofFloats(new long[] {2}, 1, 2))));
            assertTrue(rank.getMessage().contains("expected rank 2"), rank.getMessage());
        }
    }

    @Test
    void symbolicDimensionMustAgreeAcrossInputs() {
        Graph g = graph().addInput(new ValueInfo("x2", X))
                .addNode(Node.builder("Add").name("a3").inputs("x2", "x2").outputs("z").build())
                .addOutput(new ValueInfo("z", X)).build();
        try (Engine e = engine(g)) {
            var ex = assertThrows(InvalidInputException.class, () -> e.run(Map.of(
                    "x", Tensor.ofFloats(new long[] {1, 2}, 1, 2), "x2", Tensor.ofFloats(new long[] {2, 2}, 1, 2, 3, 4))));
            assertTrue(ex.getMessage().contains("'n'"), ex.getMessage());
        }
    }
}
