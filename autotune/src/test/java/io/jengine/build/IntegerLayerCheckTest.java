package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import org.junit.jupiter.api.Test;

/** Which stored integer layers a machine's integer kernels cannot compute exactly. */
class IntegerLayerCheckTest {
    private static Graph graph(DType source, int maxWeight) {
        Tensor w = Tensor.allocate(DType.INT8, 8, 8, 1, 1);
        w.setLong(3, -maxWeight);
        return Graph.builder("g").opset("", 21).opset(FusedOpSpec.DOMAIN, FusedOpSpec.VERSION)
                .addInput(new ValueInfo("x", ValueType.tensor(source, 1, 8, 4, 4)))
                .initializer("xs", Tensor.ofFloats(new long[0], 0.1f)).initializer("xz", Tensor.allocate(source))
                .initializer("w", w).initializer("ws", Tensor.ofFloats(new long[0], 0.01f))
                .addNode(Node.builder(FusedOpSpec.QUANTIZED_CONV).domain(FusedOpSpec.DOMAIN)
                        .inputs("x", "xs", "xz", "w", "ws").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).build();
    }

    @Test
    void countsTheLayersTheKernelsCannotTake() {
        IntegerConvolution avx2 = new IntegerConvolution(false, 63), vnni = new IntegerConvolution(true, 127);
        assertEquals(0, IntegerLayerCheck.inexact(graph(DType.UINT8, 63), avx2));
        assertEquals(1, IntegerLayerCheck.inexact(graph(DType.UINT8, 100), avx2), "8-bit weights without VNNI");
        assertEquals(1, IntegerLayerCheck.inexact(graph(DType.INT8, 10), avx2), "an int8 source without VNNI");
        assertEquals(0, IntegerLayerCheck.inexact(graph(DType.INT8, 127), vnni));
        assertEquals(1, IntegerLayerCheck.inexact(graph(DType.UINT8, 1), null), "no integer kernels at all");
    }

    @Test
    void countsMatrixProductsToo() {
        IntegerConvolution avx2 = new IntegerConvolution(false, 63);
        for (int max : new int[] {63, 100}) {
            Tensor b = Tensor.allocate(DType.INT8, 8, 4);
            b.setLong(5, max);
            Graph g = Graph.builder("g").opset("", 21).opset(FusedOpSpec.DOMAIN, FusedOpSpec.VERSION)
                    .addInput(new ValueInfo("a", ValueType.tensor(DType.UINT8, 3, 8)))
                    .initializer("as", Tensor.ofFloats(new long[0], 0.1f)).initializer("az", Tensor.allocate(DType.UINT8))
                    .initializer("b", b).initializer("bs", Tensor.ofFloats(new long[0], 0.01f))
                    .addNode(Node.builder(FusedOpSpec.QUANTIZED_MATMUL).domain(FusedOpSpec.DOMAIN)
                            .inputs("a", "as", "az", "b", "bs").outputs("y").build())
                    .addOutput(new ValueInfo("y", null)).build();
            assertEquals(max > 63 ? 1 : 0, IntegerLayerCheck.inexact(g, avx2), "|b| = " + max);
        }
    }
}
