package io.jengine.opencl;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.FastVsReference;
import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.runtime.KernelTrial;
import io.jengine.spi.Backend;
import io.jengine.spi.DeviceMemory;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A kernel trial on the device, as the tuner times OpenCL tilings: the inputs live in the trial's device memory, each
 * run is timed by the device's clock, and the output read back matches the reference.
 */
class DeviceTrialTest {
    @Test
    void aTilingRunsInADeviceTrialTimedByTheDevicesClock() {
        Backends backends = OpenClTestDevice.backends();
        Backend cl = backends.ordered().getFirst();
        Random r = new Random(3);
        Node node = Node.builder("MatMul").name("mm").inputs("a", "b").outputs("y").build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", random(r, 40, 70));
        feeds.put("b", random(r, 70, 50));
        Graph g = ShapeInference.infer(FastVsReference.graph(node, feeds, Map.of()), backends.inference());
        Tactic t = cl.tactics(new NodeContext(g.nodes().getFirst(), 21, g)).getFirst();
        Tactic tiled = t.tunable().with(new io.jengine.spi.GemmTiling(2, 4, 8, 16, 32));
        Tensor want = FastVsReference.run(FastVsReference.graph(node, feeds, Map.of()), feeds,
                Backends.discover().only(List.of("cpu-reference")), null);
        Kernel k = tiled.prepare().get();
        try (DeviceMemory memory = cl.device().openMemory()) {
            KernelTrial trial = new KernelTrial(g.nodes().getFirst(), new Value[] {feeds.get("a"), feeds.get("b")}, 1,
                    memory);
            for (int i = 0; i < 3; i++) {
                trial.run(k);
                double ms = trial.lastKernelMillis();
                assertTrue(ms > 0 && ms < 10_000, "the device's time of the run: " + ms + " ms");
            }
            // every product's operands are under 1: the magnitude of each sum is under its 70 terms
            Comparison c = Comparison.of(want, (Tensor) trial.outputs()[0], Tolerance.float32Sum(70, 70));
            assertTrue(c.matches(), c.mismatch());
        } finally {
            k.close();
        }
    }

    /**
     * A convolution that uploaded its weights and bias in the form it reads holds them: the plan does not copy them to
     * the device a second time. Its source is not held.
     */
    @Test
    void aConvolutionHoldsTheWeightsItUploaded() {
        Backends backends = OpenClTestDevice.backends();
        Backend cl = backends.ordered().getFirst();
        Random r = new Random(4);
        Node node = Node.builder("Conv").name("c").inputs("x", "w", "b").outputs("y")
                .attr(io.jengine.ir.Attribute.of("pads", new long[] {1, 1, 1, 1})).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, 8, 4, 3, 3));
        weights.put("b", random(r, 8));
        Graph g = ShapeInference.infer(FastVsReference.graph(node, Map.of("x", random(r, 1, 4, 9, 9)), weights),
                backends.inference());
        Kernel k = cl.tactics(new NodeContext(g.nodes().getFirst(), 21, g)).getFirst().prepare().get();
        try {
            assertTrue(k.holdsInput(1) && k.holdsInput(2), "weights and bias held");
            assertTrue(!k.holdsInput(0), "the source is read on the device");
        } finally {
            k.close();
        }
    }
}
