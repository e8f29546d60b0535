package io.jengine.opencl;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.runtime.Session;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A model mixing ops the OpenCL backend runs with one it declines (Mish): the declined node runs on the host,
 * values cross at the two boundaries only, and the outputs equal the reference's, run after run.
 */
class PartitionFallbackTest {
    private static Model model() {
        Random r = new Random(77);
        Graph g = Graph.builder("mixed").opset("", 21)
                .addInput(new ValueInfo("x", ValueType.tensor(io.jengine.tensor.DType.FLOAT32, new long[] {1, 4, 9, 9})))
                .initializer("w1", random(r, 6, 4, 3, 3)).initializer("w2", random(r, 5, 6, 1, 1))
                .addNode(Node.builder("Conv").name("conv1").inputs("x", "w1").outputs("a")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Relu").name("relu").inputs("a").outputs("b").build())
                .addNode(Node.builder("Mish").name("mish").inputs("b").outputs("c").build())
                .addNode(Node.builder("Conv").name("conv2").inputs("c", "w2").outputs("d").build())
                .addNode(Node.builder("Sigmoid").name("sig").inputs("d").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).addOutput(new ValueInfo("b", null))
                .build();
        return new Model(8, "test", "", g, Map.of());
    }

    @Test
    void declinedNodesRunOnTheHostBetweenTwoCopies() {
        Backends cl = OpenClTestDevice.backends();
        String device = OpenClTestDevice.name();
        Tensor x = random(new Random(1), 1, 4, 9, 9);
        Map<String, Value> want;
        try (Engine ref = Engine.of(model(), Backends.discover().only(List.of("cpu-reference")))) {
            want = ref.run(Map.of("x", x));
        }
        try (Engine e = Engine.of(model(), cl, EngineOptions.defaults()); Session s = e.newSession()) {
            Engine.DevicePlan plan = e.devicePlan();
            Map<String, String> where = new java.util.HashMap<>();
            plan.steps().forEach(st -> where.put(st.node().name(), st.device()));
            assertEquals(Map.of("conv1", device, "relu", device, "mish", Backends.HOST, "conv2", device, "sig", device),
                    where);
            // x goes up, b down for Mish (and as an output), c back up, y down at the end
            assertEquals(List.of("x:cpu->" + device, "b:" + device + "->cpu", "c:cpu->" + device, "y:" + device + "->cpu"),
                    plan.copies().stream().filter(c -> !c.once()).map(c -> c.value() + ":" + c.from() + "->" + c.to())
                            .toList());
            for (int run = 0; run < 3; run++) {
                Map<String, Value> got = s.run(Map.of("x", x));
                for (String out : List.of("y", "b")) {
                    Comparison c = Comparison.of((Tensor) want.get(out), (Tensor) got.get(out), Tolerance.MODEL);
                    assertTrue(c.matches(), out + " on run " + run + ": " + c.mismatch());
                }
            }
        }
    }

    /**
     * Two branches: convolutions whose work dwarfs their copies, and a Relu on 16 floats between two nodes the device
     * declines. Weighed with the host's speed, the Relu runs on the host (its two copies would cost more than its
     * work) and the convolutions stay on the device.
     */
    @Test
    void anIslandWhoseCopiesOutweighItsWorkRunsOnTheHost() {
        Random r = new Random(78);
        Graph g = Graph.builder("branches").opset("", 21)
                .addInput(new ValueInfo("x", ValueType.tensor(io.jengine.tensor.DType.FLOAT32, new long[] {1, 64, 32, 32})))
                .addInput(new ValueInfo("z", ValueType.tensor(io.jengine.tensor.DType.FLOAT32, new long[] {1, 16})))
                .initializer("w", random(r, 64, 64, 3, 3))
                .addNode(Node.builder("Conv").name("conv1").inputs("x", "w").outputs("a")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Conv").name("conv2").inputs("a", "w").outputs("y")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Mish").name("mish1").inputs("z").outputs("m").build())
                .addNode(Node.builder("Relu").name("relu").inputs("m").outputs("n").build())
                .addNode(Node.builder("Mish").name("mish2").inputs("n").outputs("o").build())
                .addOutput(new ValueInfo("y", null)).addOutput(new ValueInfo("o", null))
                .build();
        Model model = new Model(8, "test", "", g, Map.of());
        Map<String, Value> in = Map.of("x", random(new Random(2), 1, 64, 32, 32), "z", random(new Random(3), 1, 16));
        Map<String, Value> want;
        try (Engine ref = Engine.of(model, Backends.discover().only(List.of("cpu-reference")))) {
            want = ref.run(in);
        }
        String device = OpenClTestDevice.name();
        // a host of 50 GFLOP/s and 10 GB/s: the convolutions' 2 x 75 MFLOP take it milliseconds, the Relu's 128 bytes
        // about a microsecond, less than any copy
        EngineOptions options = EngineOptions.defaults().withHost(new io.jengine.runtime.HostSpeed(50, 10, 1e-6));
        try (Engine e = Engine.of(model, OpenClTestDevice.backends(), options); Session s = e.newSession()) {
            Engine.DevicePlan plan = e.devicePlan();
            Map<String, String> where = new java.util.HashMap<>();
            plan.steps().forEach(st -> where.put(st.node().name(), st.device()));
            assertEquals(Map.of("conv1", device, "conv2", device, "mish1", Backends.HOST, "relu", Backends.HOST,
                    "mish2", Backends.HOST), where);
            Engine.DevicePlan.Step relu = plan.steps().stream().filter(st -> st.node().name().equals("relu")).findFirst()
                    .orElseThrow();
            assertTrue(relu.hostReason() != null && relu.hostReason().contains("2 copies, 128 bytes in all,"),
                    String.valueOf(relu.hostReason()));
            assertEquals(List.of("x:cpu->" + device, "y:" + device + "->cpu"),
                    plan.copies().stream().filter(c -> !c.once()).map(c -> c.value() + ":" + c.from() + "->" + c.to())
                            .toList());
            Map<String, Value> got = s.run(in);
            for (String out : List.of("y", "o")) {
                Comparison c = Comparison.of((Tensor) want.get(out), (Tensor) got.get(out), Tolerance.MODEL);
                assertTrue(c.matches(), out + ": " + c.mismatch());
            }
        }
        // without the host's speed, the device takes the Relu and pays its copies
        try (Engine e = Engine.of(model, OpenClTestDevice.backends(), EngineOptions.defaults())) {
            assertTrue(e.devicePlan().steps().stream().anyMatch(st -> st.node().name().equals("relu")
                    && st.device().equals(device) && st.hostReason() == null));
        }
    }
}
