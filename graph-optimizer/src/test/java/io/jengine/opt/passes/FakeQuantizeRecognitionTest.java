package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Q/DQ pairs as one fake-quantize step, merged with the elementwise work around them; what it must leave alone. */
class FakeQuantizeRecognitionTest {
    /** x → Relu → Q → DQ → Mul(2) → y, the pair's codes optionally also a graph output. */
    private static Graph graph(DType type, long zero, float dqScale, boolean codesOut) {
        Graph.Builder b = Graph.builder("fq").opset("", 21).addInput(f32("x", 2, 3, 5))
                .initializer("s", Tensor.ofFloats(new long[0], 0.02f))
                .initializer("s2", Tensor.ofFloats(new long[0], dqScale))
                .initializer("z", Tensor.fromLongs(type, new long[0], new long[] {zero}))
                .initializer("two", Tensor.ofFloats(new long[0], 2f))
                .addNode(Node.builder("Relu").name("relu").inputs("x").outputs("r").build())
                .addNode(Node.builder("QuantizeLinear").name("q").inputs("r", "s", "z").outputs("c").build())
                .addNode(Node.builder("DequantizeLinear").name("dq").inputs("c", "s2", "z").outputs("d").build())
                .addNode(Node.builder("Mul").name("mul").inputs("d", "two").outputs("y").build())
                .addOutput(new ValueInfo("y", null));
        if (codesOut) b.addOutput(new ValueInfo("c", null));
        return b.build();
    }

    @Test
    void aPairBecomesOneStepOfTheChainAroundIt() {
        for (DType t : new DType[] {DType.UINT8, DType.INT8}) {
            Graph g = graph(t, t == DType.UINT8 ? 3 : -7, 0.02f, false);
            Graph after = PassTesting.runAll(g, new FakeQuantizeRecognition(), new ElementwiseChainFusion());
            assertEquals(Map.of("jengine.ElementwiseChain", 1), ops(after), after.nodes().toString());
            Node chain = after.nodes().getFirst();
            assertEquals(java.util.List.of("Relu", t == DType.UINT8 ? "FakeQuantizeU8" : "FakeQuantizeS8", "Mul"),
                    chain.attrStrings("ops", java.util.List.of()));
            assertEquivalent(g, after, 3);
        }
    }

    @Test
    void codesSomeoneElseReadsOrAnotherScaleStayAsTheyAre() {
        Graph shared = graph(DType.UINT8, 0, 0.02f, true);
        assertEquals(ops(shared), ops(PassTesting.run(new FakeQuantizeRecognition(), shared)));
        Graph rescaled = graph(DType.UINT8, 0, 0.04f, false);
        assertEquals(ops(rescaled), ops(PassTesting.run(new FakeQuantizeRecognition(), rescaled)));
    }
}
