package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.Backend;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Bounds on values ({@link io.jengine.spi.KernelContext#inputBound}): measured for graph inputs, declared otherwise. */
class ValueBoundsTest {
    @Test
    void measuresTheLargestMagnitudeOfFiniteFloats() {
        assertEquals(7.5f, ValueBounds.measure(Tensor.ofFloats(new long[] {5}, 1, -7.5f, 3, 0, 2)));
        // the last few values fall outside the four-wide steps
        assertEquals(9f, ValueBounds.measure(Tensor.ofFloats(new long[] {7}, 1, 2, 3, 4, 5, 6, -9)));
        assertEquals(0f, ValueBounds.measure(Tensor.ofFloats(new long[] {2}, 0, -0f)));
    }

    @Test
    void claimsNothingForNaNInfinitiesOtherTypesOrAnOverflowingSum() {
        assertTrue(Float.isNaN(ValueBounds.measure(Tensor.ofFloats(new long[] {5}, 1, 2, Float.NaN, 4, 5))));
        assertTrue(Float.isNaN(ValueBounds.measure(Tensor.ofFloats(new long[] {6}, 1, 2, 3, 4, 5,
                Float.NEGATIVE_INFINITY))));
        assertTrue(Float.isNaN(ValueBounds.measure(Tensor.ofFloats(new long[] {1}, Float.POSITIVE_INFINITY))));
        assertTrue(Float.isNaN(ValueBounds.measure(Tensor.ofLongs(new long[] {2}, 1, 2))));
        // finite, but their magnitudes sum past the float range: conservatively unknown
        assertTrue(Float.isNaN(ValueBounds.measure(Tensor.ofFloats(new long[] {4}, 3e38f, 3e38f, 1, 1))));
    }

    /** With assertions on, as here, a bound its kernel's own values break fails the run, naming the node. */
    @Test
    void aBoundTheValuesExceedIsAnErrorUnderAssertions() {
        Graph g = Graph.builder("bounds").opset("", 17)
                .addNode(Node.builder("Declare").name("d").inputs("x").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2)))
                .addOutput(new ValueInfo("y", null))
                .build();
        try (Engine e = Engine.of(new Model(8, "t", "", g, Map.of()), Backends.of(new BoundsBackend()));
             Session s = e.newSession()) {
            s.run(Map.of("x", Tensor.ofFloats(new long[] {2}, 5, -5)));
            var err = org.junit.jupiter.api.Assertions.assertThrows(io.jengine.errors.KernelException.class,
                    () -> s.run(Map.of("x", Tensor.ofFloats(new long[] {2}, 1, -6))));
            assertTrue(err.getMessage().contains("declared a bound of 5.0 on output 0"), err.getMessage());
        }
    }

    /**
     * x -> Declare (declares 5 on its output) -> Probe -> Quiet (declares nothing) -> Probe. Each Probe records the
     * bounds it sees on its input and on the graph input x, which it also reads.
     */
    @Test
    void boundsGoFromProducerToConsumerAndAreForgottenWhenAValueIsRecomputed() {
        Graph g = Graph.builder("bounds").opset("", 17)
                .addNode(Node.builder("Declare").name("d").inputs("x").outputs("a").build())
                .addNode(Node.builder("Probe").name("p1").inputs("a", "x").outputs("b").build())
                .addNode(Node.builder("Quiet").name("q").inputs("b").outputs("c").build())
                .addNode(Node.builder("Probe").name("p2").inputs("c", "x").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 3)))
                .addOutput(new ValueInfo("y", null))
                .build();
        BoundsBackend b = new BoundsBackend();
        try (Engine e = Engine.of(new Model(8, "t", "", g, Map.of()), Backends.of(b)); Session s = e.newSession()) {
            s.run(Map.of("x", Tensor.ofFloats(new long[] {3}, 1, -4, 2)));
            assertEquals(5f, b.seen.get("p1 input"));
            assertEquals(4f, b.seen.get("p1 graph input"));
            assertTrue(Float.isNaN(b.seen.get("p2 input")), "Quiet declared nothing");
            // a second run measures the new input afresh
            s.run(Map.of("x", Tensor.ofFloats(new long[] {3}, 1, 2, -3)));
            assertEquals(3f, b.seen.get("p1 graph input"));
            assertEquals(5f, b.seen.get("p1 input"));
        }
    }

    /** Declare, Probe and Quiet: copies of input 0, with bounds declared or recorded as their names say. */
    private static final class BoundsBackend implements Backend {
        final Map<String, Float> seen = new ConcurrentHashMap<>();

        @Override
        public String name() { return "bounds"; }

        @Override
        public int priority() { return 5; }

        @Override
        public List<Tactic> tactics(NodeContext node) {
            String op = node.node().opType(), name = node.node().name();
            return List.of(new Tactic(name(), op.toLowerCase(), () -> ctx -> {
                Tensor in = ctx.tensor(0);
                Tensor out = ctx.output(0, DType.FLOAT32, in.shape());
                for (long i = 0; i < in.size(); i++) out.setFloat(i, in.getFloat(i));
                if (op.equals("Declare")) ctx.outputBound(0, 5f);
                if (op.equals("Probe")) {
                    seen.put(name + " input", ctx.inputBound(0));
                    seen.put(name + " graph input", ctx.inputBound(1));
                }
            }));
        }
    }
}
