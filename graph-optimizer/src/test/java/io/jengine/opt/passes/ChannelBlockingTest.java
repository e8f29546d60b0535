package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.opt.GraphChecker;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
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
 * The layout pass: which nodes move to the channel-blocked layout, where conversions go, and that the blocked graph
 * computes what the plain one did, on the fast backends and on the reference alone.
 */
class ChannelBlockingTest {
    private final Random rnd = new Random(7);

    private Node conv(String name, String x, String w, String out, long pad, Attribute... extra) {
        Node.Builder b = Node.builder("Conv").name(name).inputs(x, w, w + "_b").outputs(out)
                .attr(Attribute.of("pads", new long[] {pad, pad, pad, pad}));
        for (Attribute a : extra) b.attr(a);
        return b.build();
    }

    private Graph.Builder weights(Graph.Builder g, String name, long m, long c, long k) {
        return g.initializer(name, random(rnd, DType.FLOAT32, m, c, k, k)).initializer(name + "_b", random(rnd, DType.FLOAT32, m));
    }

    /** A ResNet-like stem and block: conv, relu, max pool, a 1×1 conv added to the pooled value, global pool. */
    private Graph resnetLike(long c) {
        Graph.Builder g = Graph.builder("g").opset("", 17).addInput(f32("x", 2, c, 11, 11));
        weights(g, "w1", 16, c, 3);
        weights(g, "w2", 16, 16, 1);
        return g.addNode(conv("conv1", "x", "w1", "c1", 1))
                .addNode(Node.builder("Relu").name("relu1").inputs("c1").outputs("r1").build())
                .addNode(Node.builder("MaxPool").name("pool").inputs("r1").outputs("p")
                        .attr(Attribute.of("kernel_shape", new long[] {3, 3})).attr(Attribute.of("strides", new long[] {2, 2}))
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(conv("conv2", "p", "w2", "c2", 0))
                .addNode(Node.builder("Add").name("add").inputs("c2", "p").outputs("s").build())
                .addNode(Node.builder("Relu").name("relu2").inputs("s").outputs("r2").build())
                .addNode(Node.builder("GlobalAveragePool").name("gap").inputs("r2").outputs("g").build())
                .addNode(Node.builder("Flatten").name("flat").inputs("g").outputs("y").build())
                .addOutput(f32("y", 2, 16)).build();
    }

    @Test
    void aResidualBlockRunsBlockedFromEndToEnd() {
        Graph g = resnetLike(8);
        Graph after = ChannelBlocking.apply(g, 8);
        GraphChecker.check(after, ChannelBlocking.NAME);
        assertEquals(Map.of("jengine.BlockedConv", 2, "jengine.ToChannelBlocked", 1, "jengine.FromChannelBlocked", 1,
                "Relu", 2, "MaxPool", 1, "Add", 1, "ReduceMean", 1, "Flatten", 1), ops(after));
        Node pool = after.nodes().stream().filter(n -> n.opType().equals("MaxPool")).findFirst().orElseThrow();
        assertEquals(List.of(3L, 3L, 1L), boxed(pool.attrInts("kernel_shape", null)));
        assertEquals(List.of(1L, 1L, 0L, 1L, 1L, 0L), boxed(pool.attrInts("pads", null)));
        assertEquivalent(g, after, 1);
        assertReferenceEquivalent(g, after, 2);
    }

    /** A quantized model's Q/DQ pair between two convolutions stays blocked: no reorder around it. */
    @Test
    void perTensorQuantizeAndDequantizeFollowTheBlockedLayout() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 2, 8, 9, 9));
        weights(b, "w1", 16, 8, 3);
        weights(b, "w2", 8, 16, 1);
        Tensor zero = Tensor.allocate(DType.UINT8);
        Graph g = b.initializer("s", Tensor.ofFloats(new long[0], 0.02f)).initializer("z", zero)
                .addNode(conv("conv1", "x", "w1", "c1", 1))
                .addNode(Node.builder("Relu").name("relu").inputs("c1").outputs("r").build())
                .addNode(Node.builder("QuantizeLinear").name("q").inputs("r", "s", "z").outputs("rq").build())
                .addNode(Node.builder("DequantizeLinear").name("dq").inputs("rq", "s", "z").outputs("rd").build())
                .addNode(conv("conv2", "rd", "w2", "y", 0))
                .addOutput(f32("y", 2, 8, 9, 9)).build();
        Graph after = ChannelBlocking.apply(g, 8);
        GraphChecker.check(after, ChannelBlocking.NAME);
        assertEquals(Map.of("jengine.BlockedConv", 2, "jengine.ToChannelBlocked", 1, "jengine.FromChannelBlocked", 1,
                "Relu", 1, "QuantizeLinear", 1, "DequantizeLinear", 1), ops(after));
        Node dq = after.nodes().stream().filter(n -> n.opType().equals("DequantizeLinear")).findFirst().orElseThrow();
        assertTrue(dq.inputs().getFirst().contains("@nchw8c"), "the DequantizeLinear reads the blocked uint8 value");
        assertEquivalent(g, after, 3);
        assertReferenceEquivalent(g, after, 4);
    }

    @Test
    void graphsOfMostlyDenseConvolutionsGoChannelsLast() {
        for (long c : new long[] {8, 3}) {
            Graph g = resnetLike(c);
            Graph after = ChannelBlocking.apply(g, 8, true);
            GraphChecker.check(after, ChannelBlocking.NAME);
            Node conv = after.nodes().stream().filter(n -> FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV)).findFirst().orElseThrow();
            assertEquals(0, conv.attrInt(FusedOpSpec.BLOCK, -1), "block 0: channels-last");
            assertTrue(after.valueInfo().keySet().stream().anyMatch(k -> k.endsWith("@nhwc"))
                    || after.nodes().stream().anyMatch(n -> n.outputs().getFirst().endsWith("@nhwc")));
            assertEquivalent(g, after, 30 + c);
            assertReferenceEquivalent(g, after, 40 + c);
        }
        // mostly pointwise and depthwise work stays channel-blocked
        Node first = ChannelBlocking.apply(depthwiseThenPointwise(), 8, true).nodes().stream()
                .filter(n -> FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV)).findFirst().orElseThrow();
        assertEquals(8, first.attrInt(FusedOpSpec.BLOCK, -1));
    }

    /**
     * A MobileNet-like block through 24 channels: under a block of 16 the blocked layout would leave the 24-channel
     * layers out, so the graph goes channels-last; under a block of 8 every layer fits and it stays blocked.
     */
    @Test
    void channelsThatDoNotFitTheBlockSendTheGraphChannelsLast() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 32, 9, 9));
        weights(b, "p1", 24, 32, 1);
        weights(b, "p2", 96, 24, 1);
        weights(b, "dw", 96, 1, 3);
        weights(b, "p3", 32, 96, 1);
        Graph g = b.addNode(conv("p1", "x", "p1", "a", 0)).addNode(conv("p2", "a", "p2", "c", 0))
                .addNode(conv("dw", "c", "dw", "d", 1, Attribute.of("group", 96L)))
                .addNode(conv("p3", "d", "p3", "y", 0)).addOutput(f32("y", 1, 32, 9, 9)).build();
        assertTrue(ChannelBlocking.unblockedShare(g, new io.jengine.opt.GraphIndex(
                io.jengine.infer.ShapeInference.infer(g)), 16) > 0.3);
        for (int block : new int[] {16, 8}) {
            Graph after = ChannelBlocking.apply(g, block, true);
            GraphChecker.check(after, ChannelBlocking.NAME);
            long expected = block == 16 ? 0 : 8;
            assertEquals(List.of(expected, expected, expected, expected), convBlocks(after), "block " + block);
            assertReferenceEquivalent(g, after, 60 + block);
        }
    }

    /** The block attribute of each blocked convolution, in graph order (0: channels-last). */
    private static List<Long> convBlocks(Graph g) {
        return g.nodes().stream().filter(n -> FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV))
                .map(n -> n.attrInt(FusedOpSpec.BLOCK, -1)).toList();
    }

    /** A depthwise 3x3 then a pointwise convolution, 32 to 64 channels: no dense k×k work at all. */
    private Graph depthwiseThenPointwise() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 32, 9, 9));
        weights(b, "dw", 32, 1, 3);
        weights(b, "pw", 64, 32, 1);
        return b.addNode(conv("dw", "x", "dw", "d", 1, Attribute.of("group", 32L)))
                .addNode(conv("pw", "d", "pw", "y", 0)).addOutput(f32("y", 1, 64, 9, 9)).build();
    }

    @Test
    void channelsLastAlwaysTakesEvenPointwiseAndDepthwiseWork() {
        Graph mobile = depthwiseThenPointwise();
        var rules = io.jengine.infer.InferenceRegistry.onnx();
        for (var mode : io.jengine.opt.ChannelsLast.values()) {
            Graph after = ChannelBlocking.apply(mobile, 8, mode, rules);
            GraphChecker.check(after, ChannelBlocking.NAME);
            long expected = mode == io.jengine.opt.ChannelsLast.ALWAYS ? 0 : 8;
            assertEquals(List.of(expected, expected), convBlocks(after), mode.toString());
            assertReferenceEquivalent(mobile, after, 50 + mode.ordinal());
        }
    }

    @Test
    void concatAndPerChannelOperandsChannelsLast() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 8, 6, 6));
        weights(b, "w1", 8, 8, 3);
        weights(b, "w2", 16, 8, 3);
        Graph g = b.initializer("bias", random(rnd, DType.FLOAT32, 24, 1, 1))
                .addNode(conv("c1", "x", "w1", "a", 1)).addNode(conv("c2", "x", "w2", "bb", 1))
                .addNode(Node.builder("Concat").name("cat").inputs("a", "bb").outputs("c").attr(Attribute.of("axis", 1L)).build())
                .addNode(Node.builder("Add").name("add").inputs("c", "bias").outputs("s").build())
                .addNode(Node.builder("MaxPool").name("pool").inputs("s").outputs("y")
                        .attr(Attribute.of("kernel_shape", new long[] {2, 2})).attr(Attribute.of("strides", new long[] {2, 2})).build())
                .addOutput(f32("y", 1, 24, 3, 3)).build();
        Graph after = ChannelBlocking.apply(g, 8, true);
        Node cat = after.nodes().stream().filter(n -> n.opType().equals("Concat")).findFirst().orElseThrow();
        assertEquals(4, cat.attrInt("axis", 0));
        assertEquals(List.of(1L, 1L, 1L, 1L, 24L), boxed(after.initializers().get("bias@nhwc").shape()));
        assertEquivalent(g, after, 50);
        assertReferenceEquivalent(g, after, 51);
    }

    @Test
    void aFirstConvolutionOverThreeChannelsReadsItsInputPlain() {
        Graph g = resnetLike(3);
        Graph after = ChannelBlocking.apply(g, 8);
        assertEquals(0, ops(after).getOrDefault("jengine.ToChannelBlocked", 0));
        Node first = after.nodes().getFirst();
        assertTrue(FusedOpSpec.is(first, FusedOpSpec.BLOCKED_CONV) && first.inputs().getFirst().equals("x"), first.toString());
        assertEquivalent(g, after, 3);
        assertReferenceEquivalent(g, after, 4);
    }

    @Test
    void squeezeExcitationScalesStayBlockedAndConstantsAreReshaped() {
        // a = conv(x); s = sigmoid(conv1x1(gap(a))); y = a * s + bias[16,1,1] - 0.5
        Graph.Builder b = Graph.builder("g").opset("", 18).addInput(f32("x", 1, 16, 7, 9));
        weights(b, "w1", 16, 16, 3);
        weights(b, "w2", 16, 16, 1);
        Graph g = b.initializer("bias", random(rnd, DType.FLOAT32, 16, 1, 1))
                .initializer("half", Tensor.ofFloats(new long[0], 0.5f))
                .addNode(conv("conv", "x", "w1", "a", 1))
                .addNode(Node.builder("GlobalAveragePool").name("gap").inputs("a").outputs("m").build())
                .addNode(conv("fc", "m", "w2", "f", 0))
                .addNode(Node.builder("Sigmoid").name("sig").inputs("f").outputs("s").build())
                .addNode(Node.builder("Mul").name("scale").inputs("a", "s").outputs("as").build())
                .addNode(Node.builder("Add").name("shift").inputs("as", "bias").outputs("ab").build())
                .addNode(Node.builder("Sub").name("sub").inputs("ab", "half").outputs("y").build())
                .addOutput(f32("y", 1, 16, 7, 9)).build();
        Graph after = ChannelBlocking.apply(g, 8);
        assertEquals(Map.of("jengine.BlockedConv", 2, "jengine.ToChannelBlocked", 1, "jengine.FromChannelBlocked", 1,
                "ReduceMean", 1, "Sigmoid", 1, "Mul", 1, "Add", 1, "Sub", 1), ops(after));
        assertEquals(List.of(1L, 2L, 1L, 1L, 8L), boxed(after.initializers().get("bias@nchw8c").shape()));
        assertEquivalent(g, after, 5);
        assertReferenceEquivalent(g, after, 6);
    }

    @Test
    void opsThatCannotReadBlockedValuesGetThemBackPlainUnderTheirNames() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 8, 5, 5));
        weights(b, "w", 8, 8, 3);
        Graph g = b.addNode(conv("conv", "x", "w", "c", 1))
                .addNode(Node.builder("Transpose").name("t").inputs("c").outputs("t")
                        .attr(Attribute.of("perm", new long[] {0, 2, 3, 1})).build())
                .addNode(Node.builder("Relu").name("relu").inputs("c").outputs("r").build())
                .addOutput(f32("t", 1, 5, 5, 8)).addOutput(f32("c", 1, 8, 5, 5)).addOutput(f32("r", 1, 8, 5, 5))
                .build();
        Graph after = ChannelBlocking.apply(g, 8);
        assertEquals(2, ops(after).get("jengine.FromChannelBlocked"), "c once (for Transpose and the output), r once");
        Node transpose = after.nodes().stream().filter(n -> n.opType().equals("Transpose")).findFirst().orElseThrow();
        assertEquals("c", transpose.inputs().getFirst());
        assertEquals(List.of("t", "c", "r"), after.outputs().stream().map(ValueInfo::name).toList());
        assertEquivalent(g, after, 7);
    }

    @Test
    void nearestUpsamplingStaysBlockedWithScalesOrSizes() {
        for (boolean bySizes : new boolean[] {false, true}) {
            Graph.Builder b = Graph.builder("g").opset("", 13).addInput(f32("x", 1, 8, 5, 6));
            weights(b, "w", 16, 8, 3);
            Node.Builder resize = Node.builder("Resize").name("up").outputs("u")
                    .attr(Attribute.of("mode", "nearest")).attr(Attribute.of("coordinate_transformation_mode", "asymmetric"));
            if (bySizes) {
                b.initializer("sizes", Tensor.ofLongs(new long[] {4}, 1, 16, 10, 18));
                resize.inputs("c", "", "", "sizes");
            } else {
                b.initializer("scales", Tensor.ofFloats(new long[] {4}, 1f, 1f, 2f, 3f));
                resize.inputs("c", "", "scales");
            }
            Graph g = b.addNode(conv("conv", "x", "w", "c", 1)).addNode(resize.build())
                    .addNode(Node.builder("Relu").name("relu").inputs("u").outputs("y").build())
                    .addOutput(f32("y", 1, 16, 10, 18)).build();
            Graph after = ChannelBlocking.apply(g, 8);
            assertEquals(Map.of("jengine.BlockedConv", 1, "jengine.ToChannelBlocked", 1, "jengine.FromChannelBlocked", 1,
                    "Resize", 1, "Relu", 1), ops(after));
            assertEquivalent(g, after, 10);
            assertReferenceEquivalent(g, after, 11);
        }
    }

    @Test
    void convolutionsWhoseChannelsDoNotFitTheBlockAreLeftAlone() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 8, 5, 5));
        weights(b, "w", 12, 8, 3);
        Graph g = b.addNode(conv("conv", "x", "w", "y", 1)).addOutput(f32("y", 1, 12, 5, 5)).build();
        assertSame(g, ChannelBlocking.apply(g, 8));
        // grouped (not depthwise) and dilated convolutions too
        Graph.Builder grouped = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 16, 5, 5));
        weights(grouped, "w", 16, 8, 3);
        Graph gg = grouped.addNode(conv("conv", "x", "w", "y", 1, Attribute.of("group", 2L))).addOutput(f32("y", 1, 16, 5, 5)).build();
        assertSame(gg, ChannelBlocking.apply(gg, 8));
        Graph.Builder dilated = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 16, 9, 9));
        weights(dilated, "w", 16, 16, 3);
        Graph gd = dilated.addNode(conv("conv", "x", "w", "y", 2, Attribute.of("dilations", new long[] {2, 2})))
                .addOutput(f32("y", 1, 16, 9, 9)).build();
        assertSame(gd, ChannelBlocking.apply(gd, 8));
    }

    @Test
    void depthwiseConvolutionsAndSixteenChannelBlocksWork() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 32, 9, 9));
        weights(b, "dw", 32, 1, 3);
        weights(b, "pw", 16, 32, 1);
        Graph g = b.addNode(conv("dw", "x", "dw", "d", 1, Attribute.of("group", 32L), Attribute.of("strides", new long[] {2, 2})))
                .addNode(Node.builder("Clip").name("relu6").inputs("d", "lo", "hi").outputs("r").build())
                .initializer("lo", Tensor.ofFloats(new long[0], 0f)).initializer("hi", Tensor.ofFloats(new long[0], 6f))
                .addNode(conv("pw", "r", "pw", "y", 0))
                .addOutput(f32("y", 1, 16, 5, 5)).build();
        Graph after = ChannelBlocking.apply(g, 16);
        assertEquals(Map.of("jengine.BlockedConv", 2, "jengine.ToChannelBlocked", 1, "jengine.FromChannelBlocked", 1,
                "Clip", 1), ops(after));
        assertEquivalent(g, after, 8);
        assertReferenceEquivalent(g, after, 9);
    }

    @Test
    void symbolicSpatialDimsStillBlockAndRunningItAgainChangesNothing() {
        ValueType dyn = new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(Dim.of(1), Dim.of(8), Dim.symbol("h"),
                Dim.symbol("w"))));
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(new ValueInfo("x", dyn));
        weights(b, "w1", 8, 8, 3);
        weights(b, "w2", 8, 8, 3);
        Graph g = b.addNode(conv("c1", "x", "w1", "a", 1)).addNode(conv("c2", "a", "w2", "bb", 1))
                .addNode(Node.builder("Add").name("add").inputs("a", "bb").outputs("y").build())
                .addOutput(new ValueInfo("y", dyn)).build();
        Graph after = ChannelBlocking.apply(g, 8);
        assertEquals(Map.of("jengine.BlockedConv", 2, "jengine.ToChannelBlocked", 1, "jengine.FromChannelBlocked", 1,
                "Add", 1), ops(after));
        assertSame(after, ChannelBlocking.apply(after, 8));
    }

    /**
     * Channels-last, a dense convolution reading few channels (a squeeze-excitation's 6) keeps its input plain while
     * the convolution producing it moved to the blocked layout: the plain form is made again before the reader, which
     * once read a value no node defined.
     */
    @Test
    void aConvertedConvolutionReadingFewChannelsGetsThemPlain() {
        Graph.Builder b = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 16, 6, 6));
        weights(b, "w1", 16, 16, 3);
        weights(b, "squeeze", 6, 16, 1);
        weights(b, "excite", 16, 6, 1);
        Graph g = b.addNode(conv("c1", "x", "w1", "a", 1))
                .addNode(conv("squeeze", "a", "squeeze", "s", 0))
                .addNode(conv("excite", "s", "excite", "y", 0))
                .addOutput(f32("y", 1, 16, 6, 6)).build();
        Graph after = ChannelBlocking.apply(g, 16, true);
        GraphChecker.check(after, "channel-blocking");
        Node excite = after.nodes().stream().filter(n -> n.name().equals("excite")).findFirst().orElseThrow();
        assertEquals("s", excite.inputs().getFirst(), "the six channels are read plain");
        assertEquals(0L, excite.attrInt(FusedOpSpec.BLOCK, -1), "channels-last: " + after.nodes());
        assertEquivalent(g, after, 12);
        assertReferenceEquivalent(g, after, 13);
    }

    /** The blocked graph on the reference backend alone: the ground truth of the blocked ops themselves. */
    private static void assertReferenceEquivalent(Graph before, Graph after, long seed) {
        Random rnd = new Random(seed);
        Map<String, Value> feeds = new java.util.HashMap<>();
        for (ValueInfo in : before.runtimeInputs()) {
            ValueType.TensorType t = (ValueType.TensorType) in.type();
            feeds.put(in.name(), random(rnd, t.elementType(), t.shape().toArray()));
        }
        Backends reference = Backends.discover().only(List.of("cpu-reference"));
        Map<String, Value> want, got;
        try (Engine e = Engine.of(new Model(8, "t", "", before, Map.of()), reference)) {
            want = e.run(feeds);
        }
        try (Engine e = Engine.of(new Model(8, "t", "", after, Map.of()), reference)) {
            got = e.run(feeds);
        }
        for (var e : want.entrySet()) {
            Comparison c = Comparison.of(e.getValue(), got.get(e.getKey()), Tolerance.MODEL);
            assertTrue(c.matches(), "output " + e.getKey() + ": " + c.mismatch());
        }
    }

    private static List<Long> boxed(long[] v) { return java.util.Arrays.stream(v).boxed().toList(); }
}
