package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What inspect reports of a plan on a device: a node the device declined is a fallback (the ops on the host), a node
 * it takes that went back to the host for its copies is listed apart with the reason, and no shapes hint is given then.
 */
class DevicePartitionsTest {
    @Test
    void nodesMovedForTheirCopiesAreNoFallback() {
        Graph g = ShapeInference.infer(Graph.builder("g").opset("", 21)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, new long[] {4, 8})))
                .addNode(Node.builder("Relu").name("relu").inputs("x").outputs("a").build())
                .addNode(Node.builder("Mish").name("mish").inputs("a").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).build());
        Engine.DevicePlan plan = new Engine.DevicePlan(List.of(
                new Engine.DevicePlan.Step(g.nodes().get(0), "cpu", "cpu-simd:relu", Double.NaN,
                        "2 copies, 256 bytes in all, take 60.0 us on the link, the host's estimate for 1 node is 1.0 us"),
                new Engine.DevicePlan.Step(g.nodes().get(1), "cpu", "cpu-reference:Mish", Double.NaN, null)), List.of());
        DevicePartitions p = DevicePartitions.of(plan, g);
        assertEquals(Map.of("Mish", 1), p.hostOps(), "only the declined op is a fallback");
        assertEquals(1, p.movedToHost().size());
        List<String> lines = p.lines("opencl:0");
        assertTrue(lines.getFirst().endsWith("on the host: Mish x1"), lines.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.contains("on the host although opencl:0 takes it: 'relu' (Relu): 2 copies")),
                String.join("\n", lines));
    }
}
