package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** --bf16: which layers are allowed bfloat16 arithmetic, that marking changes no result, and the refusal. */
class Bf16LayersTest {
    private static Tensor random(Random r, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, (float) r.nextGaussian());
        return t;
    }

    /** x → Conv → Relu → Flatten → MatMul → Gemm(transB) → y. */
    private static Model model() {
        Random r = new Random(4);
        Graph g = Graph.builder("m").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2, 3, 4, 4)))
                .initializer("w", random(r, 4, 3, 3, 3)).initializer("m", random(r, 64, 10))
                .initializer("g", random(r, 5, 10))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w").outputs("c")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Relu").name("relu").inputs("c").outputs("r").build())
                .addNode(Node.builder("Flatten").name("flat").inputs("r").outputs("f").build())
                .addNode(Node.builder("MatMul").name("mm").inputs("f", "m").outputs("h").build())
                .addNode(Node.builder("Gemm").name("gemm").inputs("h", "g").outputs("y")
                        .attr(Attribute.of("transB", 1L)).build())
                .addOutput(new ValueInfo("y", null)).build();
        return new Model(8, "test", "", g, Map.of());
    }

    @Test
    void floatConvolutionsAndProductsAreMarkedAndComputeTheSame() {
        Model m = model(), marked = Bf16Layers.mark(m);
        long flagged = marked.graph().nodes().stream()
                .filter(n -> FusedOpSpec.BF16.equals(n.attrString(FusedOpSpec.FPMATH, ""))).count();
        assertEquals(3, flagged, marked.graph().nodes().toString());
        for (Node n : marked.graph().nodes()) {
            if (n.opType().equals("Relu") || n.opType().equals("Flatten")) continue;
            assertEquals(FusedOpSpec.DOMAIN, n.domain(), n.toString());
        }
        Tensor x = random(new Random(9), 2, 3, 4, 4);
        try (Engine a = Engine.of(m); Engine b = Engine.of(marked)) {
            float[] want = ((Tensor) a.run(Map.of("x", x)).get("y")).toFloatArray();
            float[] got = ((Tensor) b.run(Map.of("x", x)).get("y")).toFloatArray();
            double scale = 0;
            for (float v : want) scale = Math.max(scale, Math.abs(v));
            // where this CPU computes bfloat16 products, within their rounding; elsewhere float32 exactly
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 0.03 * scale, "y[" + i + "]");
        }
    }

    @Test
    void refusedWhereTheCpuHasNoBf16() {
        String why = Bf16Layers.unsupportedReason();
        if (why == null) {
            assertTrue(EngineBuilder.forModel(model()).bf16(true).optimizedModel().graph().nodes().stream()
                    .anyMatch(n -> FusedOpSpec.BF16.equals(n.attrString(FusedOpSpec.FPMATH, ""))));
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineBuilder.forModel(model()).bf16(true));
        assertTrue(e.getMessage().startsWith("--bf16 needs bfloat16 arithmetic, and this CPU"), e.getMessage());
        assertTrue(e.getMessage().contains("neither AVX512-BF16 nor AMX-BF16"), e.getMessage());
    }
}
