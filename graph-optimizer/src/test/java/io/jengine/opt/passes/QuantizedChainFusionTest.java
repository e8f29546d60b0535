package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jengine.ir.ChainCodes;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DequantizeLinear, BatchNorm's scale and shift, ReLU6 and QuantizeLinear as one chain that reads and writes codes. */
class QuantizedChainFusionTest {
    /** codes → DQ → Mul(scale) → Add(shift) → Clip(0, 6) → Q → y; the float value optionally also an output. */
    private static Graph graph(DType in, DType out, boolean floatOut) {
        Graph.Builder b = Graph.builder("qchain").opset("", 21)
                .addInput(new ValueInfo("x", new ValueType.TensorType(in, Shape.of(1, 4, 5, 6))))
                .initializer("s_in", Tensor.ofFloats(new long[0], 0.05f))
                .initializer("z_in", Tensor.fromLongs(in, new long[0], new long[] {in == DType.UINT8 ? 128 : -3}))
                .initializer("s_out", Tensor.ofFloats(new long[0], 0.03f))
                .initializer("z_out", Tensor.fromLongs(out, new long[0], new long[] {out == DType.UINT8 ? 5 : 0}))
                .initializer("scale", Tensor.ofFloats(new long[] {1, 4, 1, 1}, 0.5f, 1.5f, -2f, 3f))
                .initializer("shift", Tensor.ofFloats(new long[] {1, 4, 1, 1}, 0.1f, -0.2f, 0.3f, 1f))
                .initializer("lo", Tensor.ofFloats(new long[0], 0f))
                .initializer("hi", Tensor.ofFloats(new long[0], 6f))
                .addNode(Node.builder("DequantizeLinear").name("dq").inputs("x", "s_in", "z_in").outputs("d").build())
                .addNode(Node.builder("Mul").name("mul").inputs("d", "scale").outputs("m").build())
                .addNode(Node.builder("Add").name("add").inputs("m", "shift").outputs("a").build())
                .addNode(Node.builder("Clip").name("clip").inputs("a", "lo", "hi").outputs("f").build())
                .addNode(Node.builder("QuantizeLinear").name("q").inputs("f", "s_out", "z_out").outputs("y").build())
                .addOutput(new ValueInfo("y", null));
        if (floatOut) b.addOutput(new ValueInfo("f", null));
        return b.build();
    }

    @Test
    void bothEndsJoinTheChainAndTheBytesStay() {
        for (DType in : new DType[] {DType.UINT8, DType.INT8}) {
            for (DType out : new DType[] {DType.UINT8, DType.INT8}) {
                Graph g = graph(in, out, false);
                Graph after = PassTesting.runAll(g, new ElementwiseChainFusion(), new QuantizedChainFusion());
                assertEquals(Map.of("jengine.ElementwiseChain", 1), ops(after), after.nodes().toString());
                ChainCodes ends = ChainCodes.of(after.nodes().getFirst());
                assertEquals(in, ends.inputTypes()[after.nodes().getFirst().inputs().indexOf("x")]);
                assertEquals(out, ends.outputType());
                assertEquals(0.03f, ends.outputScale());
                assertEquivalent(g, after, 5);
            }
        }
    }

    @Test
    void aFloatValueSomeoneElseReadsKeepsItsQuantizeLinear() {
        Graph g = graph(DType.UINT8, DType.UINT8, true);
        Graph after = PassTesting.runAll(g, new ElementwiseChainFusion(), new QuantizedChainFusion());
        assertEquals(Map.of("jengine.ElementwiseChain", 1, "QuantizeLinear", 1), ops(after), after.nodes().toString());
        Node chain = after.nodes().stream().filter(n -> n.opType().equals("ElementwiseChain")).findFirst().orElseThrow();
        assertNull(ChainCodes.of(chain).outputType(), "the chain still writes the float value the graph outputs");
        assertEquivalent(g, after, 6);
    }

    @Test
    void aChainWithCodedEndsTakesPartInNoFurtherMerging() {
        Graph fused = PassTesting.runAll(graph(DType.UINT8, DType.UINT8, false), new ElementwiseChainFusion(),
                new QuantizedChainFusion());
        assertNull(ElementwiseProgram.of(fused.nodes().getFirst(), new io.jengine.opt.GraphIndex(fused)));
    }
}
