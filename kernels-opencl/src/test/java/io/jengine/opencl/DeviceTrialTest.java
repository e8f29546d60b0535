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

    /**
     * Weights that are all half floats (an --fp16 plan's) are kept on the device in half the bytes and read back
     * unchanged: the convolution matches the reference as with float32 weights, holding 2 bytes per weight.
     */
    @Test
    void halfFloatWeightsTakeHalfTheDeviceBytes() {
        Backends backends = OpenClTestDevice.backends();
        Random r = new Random(5);
        Node node = Node.builder("Conv").name("c").inputs("x", "w").outputs("y")
                .attr(io.jengine.ir.Attribute.of("pads", new long[] {1, 1, 1, 1})).build();
        long[] shape = {16, 8, 3, 3};
        float[] v = random(r, shape).toFloatArray();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (boolean half : new boolean[] {false, true}) {
            float[] w = v.clone();
            for (int i = 0; i < w.length; i++) {
                float h = Float.float16ToFloat(Float.floatToFloat16(w[i]));
                // the float32 case keeps one value that no half float holds
                w[i] = half || i > 0 ? h : h + 1e-6f;
            }
            Map<String, Tensor> weights = Map.of("w", Tensor.ofFloats(shape, w));
            Map<String, Tensor> feeds = Map.of("x", random(r, 1, 8, 9, 9));
            Graph g = ShapeInference.infer(FastVsReference.graph(node, feeds, weights), backends.inference());
            ClOp k = (ClOp) backends.ordered().getFirst().tactics(new NodeContext(g.nodes().getFirst(), 21, g))
                    .getFirst().prepare().get();
            try {
                bytes.put(half ? "half" : "float", k.ownedBytes());
            } finally {
                k.close();
            }
            FastVsReference.checkKey(backends, node, null, feeds, weights, 8L * 9, "opencl:conv");
        }
        long weightBytes = 4L * v.length;
        assertTrue(bytes.get("float") - bytes.get("half") == weightBytes / 2, "float32 weights " + bytes.get("float")
                + " bytes held, half floats " + bytes.get("half") + ": they should differ by " + weightBytes / 2);
    }
}
