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
}
