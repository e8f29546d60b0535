package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.random;
import static io.jengine.opt.passes.PassTesting.run;
import static io.jengine.opt.passes.PassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Constant scales and shifts folding into convolutions, and HardSwish recognised from its written-out form. */
class AffineAndHardSwishTest {
    private final Random rnd = new Random(3);

    private Graph.Builder conv(long group) {
        return Graph.builder("g").opset("", 17).addInput(f32("x", 1, 4, 6, 6))
                .initializer("w", random(rnd, DType.FLOAT32, 4, 4 / group, 3, 3)).initializer("b", random(rnd, DType.FLOAT32, 4))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("c")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).attr(Attribute.of("group", group)).build());
    }

    private static Tensor scalar(float v) { return Tensor.ofFloats(new long[0], v); }

    @Test
    void perChannelAndScalarScalesAndShiftsFoldIntoTheConvolution() {
        for (long group : new long[] {1, 4}) {
            Graph g = conv(group).initializer("s", random(rnd, DType.FLOAT32, 1, 4, 1, 1)).initializer("t", scalar(0.25f))
                    .initializer("d", random(rnd, DType.FLOAT32, 4, 1, 1))
                    .addNode(Node.builder("Mul").name("scale").inputs("s", "c").outputs("m").build())
                    .addNode(Node.builder("Sub").name("shift").inputs("m", "t").outputs("a").build())
                    .addNode(Node.builder("Div").name("div").inputs("a", "d").outputs("y").build())
                    .addOutput(f32("y", 1, 4, 6, 6)).build();
            Graph after = run(new ConvAffineFolding(), g);
            assertEquals(Map.of("Conv", 1), ops(after));
            assertEquals("conv + scale + shift + div", after.nodes().getFirst().name());
            assertEquivalent(g, after, 21);
        }
    }

    @Test
    void nothingFoldsWhenTheConvolutionsOutputIsReadElsewhereOrTheConstantIsNotPerChannel() {
        Graph shared = conv(1).initializer("s", scalar(2f))
                .addNode(Node.builder("Mul").name("scale").inputs("c", "s").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).addOutput(f32("c", 1, 4, 6, 6)).build();
        assertSame(shared, run(new ConvAffineFolding(), shared));
        Graph spatial = conv(1).initializer("s", random(rnd, DType.FLOAT32, 1, 1, 6, 6))
                .addNode(Node.builder("Mul").name("scale").inputs("c", "s").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).build();
        assertSame(spatial, run(new ConvAffineFolding(), spatial));
        Graph reversedDiv = conv(1).initializer("s", scalar(2f))
                .addNode(Node.builder("Div").name("div").inputs("s", "c").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).build();
        assertSame(reversedDiv, run(new ConvAffineFolding(), reversedDiv));
    }

    /** c -> x * Clip(x + 3, 0, 6) / 6, the Clip bounds as inputs. */
    private Graph.Builder hardSwishAfter(Graph.Builder b, String x, boolean reciprocal) {
        b.initializer("three", scalar(3f)).initializer("zero", scalar(0f)).initializer("six", scalar(6f))
                .initializer("sixth", scalar(1f / 6))
                .addNode(Node.builder("Add").name("plus3").inputs(x, "three").outputs("p").build())
                .addNode(Node.builder("Clip").name("clip").inputs("p", "zero", "six").outputs("q").build())
                .addNode(Node.builder("Mul").name("gate").inputs(x, "q").outputs("r").build());
        return b.addNode(reciprocal ? Node.builder("Mul").name("scale").inputs("r", "sixth").outputs("y").build()
                : Node.builder("Div").name("scale").inputs("r", "six").outputs("y").build());
    }

    @Test
    void writtenOutHardSwishJoinsTheConvolutionThatFeedsIt() {
        for (boolean reciprocal : new boolean[] {false, true}) {
            Graph g = hardSwishAfter(conv(1), "c", reciprocal).addOutput(f32("y", 1, 4, 6, 6)).build();
            Graph after = run(new HardSwishRecognition(), g);
            assertEquals(Map.of("jengine.FusedConv", 1), ops(after));
            assertEquals("HardSwish", FusedOpSpec.Activation.of(after.nodes().getFirst()).name());
            assertEquivalent(g, after, 22);
        }
    }

    @Test
    void withoutAFusibleProducerItIsAnOnnxHardSwishFromOpset14() {
        Graph.Builder b = Graph.builder("g").opset("", 14).addInput(f32("c", 2, 5));
        Graph g = hardSwishAfter(b, "c", false).addOutput(f32("y", 2, 5)).build();
        Graph after = run(new HardSwishRecognition(), g);
        assertEquals(Map.of("HardSwish", 1), ops(after));
        assertEquivalent(g, after, 23);
        Graph old = hardSwishAfter(Graph.builder("g").opset("", 13).addInput(f32("c", 2, 5)), "c", false)
                .addOutput(f32("y", 2, 5)).build();
        assertSame(old, run(new HardSwishRecognition(), old));
    }

    @Test
    void hardSigmoidTimesItsInputIsHardSwishAndTheFullChainFoldsWithTheAffine() {
        // conv -> * 0.5 + 0.1 -> x * HardSigmoid(x; 1/6, 1/2): folding and recognition together leave one layer
        Graph g = conv(1).initializer("s", scalar(0.5f)).initializer("t", scalar(0.1f))
                .addNode(Node.builder("Mul").name("scale").inputs("c", "s").outputs("m").build())
                .addNode(Node.builder("Add").name("shift").inputs("m", "t").outputs("a").build())
                .addNode(Node.builder("HardSigmoid").name("hs").inputs("a").outputs("h")
                        .attr(Attribute.of("alpha", 1f / 6)).attr(Attribute.of("beta", 0.5f)).build())
                .addNode(Node.builder("Mul").name("gate").inputs("a", "h").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).build();
        Graph after = runAll(g, new ConvAffineFolding(), new HardSwishRecognition());
        assertEquals(Map.of("jengine.FusedConv", 1), ops(after));
        assertEquivalent(g, after, 24);
    }
}
