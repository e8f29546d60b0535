package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.infer.ShapeInference;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.DeviceHardware;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which islands of a device's nodes go back to the host because their copies outweigh the host's work. */
class DevicePlacementTest {
    /** A link of 10 GB/s and 20 us a copy. */
    private static final DeviceHardware LINK = new DeviceHardware(8, 32, 1024, 48 << 10, 10_000, 500, 5e-6, 1e-8, 10, 20e-6);
    private static final HostSpeed HOST = new HostSpeed(100, 20, 1e-6);

    /**
     * conv (device) -> sigmoid (host) -> relu (device) -> sigmoid (host) -> conv (device), on 1x64x56x56: the
     * convolutions' work dwarfs their copies, the lone Relu's does not.
     */
    private static Graph graph(long[] shape) {
        float[] w = new float[64 * 64 * 9];
        for (int i = 0; i < w.length; i++) w[i] = (i % 7) * 0.01f;
        Graph g = Graph.builder("mixed").opset("", 21)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, shape)))
                .initializer("w", Tensor.ofFloats(new long[] {64, 64, 3, 3}, w))
                .addNode(Node.builder("Conv").name("conv1").inputs("x", "w").outputs("a")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Sigmoid").name("s1").inputs("a").outputs("b").build())
                .addNode(Node.builder("Relu").name("relu").inputs("b").outputs("c").build())
                .addNode(Node.builder("Sigmoid").name("s2").inputs("c").outputs("d").build())
                .addNode(Node.builder("Conv").name("conv2").inputs("d", "w").outputs("y")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addOutput(new ValueInfo("y", null))
                .build();
        return ShapeInference.infer(g);
    }

    private static final boolean[] ON_DEVICE = {true, false, true, false, true};

    private static Set<String> moved(DevicePlacement p, List<Node> order) {
        return order.stream().filter(p::onHost).map(Node::name).collect(Collectors.toSet());
    }

    @Test
    void anIslandWhoseCopiesOutweighTheHostsWorkRunsOnTheHost() {
        Graph g = graph(new long[] {1, 64, 56, 56});
        List<Node> order = GraphOrder.sort(g, Set.of());
        DevicePlacement p = DevicePlacement.of(g, order, ON_DEVICE, new boolean[5], LINK, HOST);
        assertEquals(Set.of("relu"), moved(p, order));
        // 2 copies of 802816 bytes each: 2 x (20 + 80.3) us; the host streams 1.6 MB at half of 20 GB/s: 161.6 us
        String why = p.hostReason(order.get(2));
        assertNotNull(why);
        assertTrue(why.contains("2 copies, 1605632 bytes in all, take 200.6 us") && why.contains("is 161.6 us"), why);
        assertNull(p.hostReason(order.get(0)));
    }

    @Test
    void aSlowerHostKeepsTheIslandOnTheDevice() {
        Graph g = graph(new long[] {1, 64, 56, 56});
        List<Node> order = GraphOrder.sort(g, Set.of());
        // at 10 GB/s the host needs 321 us for the Relu, more than its copies
        DevicePlacement p = DevicePlacement.of(g, order, ON_DEVICE, new boolean[5], LINK, new HostSpeed(100, 10, 1e-6));
        assertSame(DevicePlacement.NONE, p);
    }

    @Test
    void aForcedTacticHoldsItsIslandAndAWholeGraphOnTheDeviceStays() {
        Graph g = graph(new long[] {1, 64, 56, 56});
        List<Node> order = GraphOrder.sort(g, Set.of());
        assertSame(DevicePlacement.NONE,
                DevicePlacement.of(g, order, ON_DEVICE, new boolean[] {false, false, true, false, false}, LINK, HOST));
        boolean[] all = {true, true, true, true, true};
        assertSame(DevicePlacement.NONE, DevicePlacement.of(g, order, all, new boolean[5], LINK, HOST));
        // without the host's speed or the device's link nothing is weighed
        assertSame(DevicePlacement.NONE, DevicePlacement.of(g, order, ON_DEVICE, new boolean[5], null, HOST));
        assertSame(DevicePlacement.NONE, DevicePlacement.of(g, order, ON_DEVICE, new boolean[5], LINK, null));
    }

    @Test
    void joinedDeviceNodesAreWeighedAsOneIslandAndUnknownSizesAreNotMoved() {
        Graph g = graph(new long[] {1, 64, 56, 56});
        List<Node> order = GraphOrder.sort(g, Set.of());
        // relu, s2 and conv2 on the device form one island: the convolution's work keeps it there
        DevicePlacement p = DevicePlacement.of(g, order, new boolean[] {true, false, true, true, true},
                new boolean[5], LINK, HOST);
        assertSame(DevicePlacement.NONE, p);
        Graph dynamic = graph(new long[] {-1, 64, 56, 56});
        List<Node> order2 = GraphOrder.sort(dynamic, Set.of());
        assertSame(DevicePlacement.NONE, DevicePlacement.of(dynamic, order2, ON_DEVICE, new boolean[5], LINK, HOST));
    }
}
