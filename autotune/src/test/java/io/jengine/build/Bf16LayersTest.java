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
import java.util.List;
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
        Model m = model(), marked = Bf16Layers.mark(m, false);
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

    /** A bfloat16-marked blocked convolution of 16 channels, 1x1, reading {@code inputs}. */
    private static Node conv(String name, String activation, boolean bf16, String out, String... inputs) {
        Node.Builder b = Node.builder(FusedOpSpec.BLOCKED_CONV).domain(FusedOpSpec.DOMAIN).name(name).inputs(inputs)
                .outputs(out).attr(Attribute.of(FusedOpSpec.BLOCK, 16L)).attr(Attribute.of(FusedOpSpec.ACTIVATION, activation))
                .attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, activation.equals("Clip") ? new float[] {0, 6} : new float[0]));
        if (bf16) b.attr(Attribute.of(FusedOpSpec.FPMATH, FusedOpSpec.BF16));
        return b.build();
    }

    private static java.util.Set<String> bf16Outputs(Graph g) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Node n : g.nodes()) {
            if (FusedOpSpec.BFLOAT16_OUTPUT.equals(n.attrString(FusedOpSpec.OUTPUT_TYPE, ""))) names.add(n.name());
        }
        return names;
    }

    /**
     * x → A (Relu) → B (adds A's output as its residual) → C (Clip) → D (Sigmoid) → E (float32 arithmetic) → e, all
     * 1x1. A, B and C write bfloat16: every reader is a bfloat16 convolution and the residual agrees with B's output;
     * D's Sigmoid is no activation a bfloat16 output takes, and E's reader is the graph's output.
     */
    @Test
    void activationsBetweenBfloat16ConvolutionsAreBfloat16WhereEveryReaderAgrees() {
        Random r = new Random(3);
        Graph.Builder b = Graph.builder("chain").opset("", 17).opset(FusedOpSpec.DOMAIN, FusedOpSpec.VERSION)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 1, 1, 4, 4, 16)))
                .initializer("w", random(r, 16, 16, 1, 1)).initializer("bias", random(r, 16))
                .addNode(conv("A", "Relu", true, "a", "x", "w", "bias"))
                .addNode(conv("B", "None", true, "b", "a", "w", "bias", "a"))
                .addNode(conv("C", "Clip", true, "c", "b", "w", "bias"))
                .addNode(conv("D", "Sigmoid", true, "d", "c", "w", "bias"))
                .addNode(conv("E", "None", false, "e", "d", "w", "bias"))
                .addOutput(new ValueInfo("e", null));
        Graph g = b.build();
        assertEquals(java.util.Set.of("A", "B", "C"), bf16Outputs(Bf16Layers.bf16Activations(g, false)));
        Graph typed = io.jengine.infer.ShapeInference.infer(Bf16Layers.bf16Activations(g, false),
                io.jengine.runtime.Backends.discover().inference());
        for (String v : new String[] {"a", "b", "c"}) {
            assertEquals(DType.BFLOAT16, ((ValueType.TensorType) typed.typeOf(v)).elementType(), v);
        }
        for (String v : new String[] {"d", "e"}) {
            assertEquals(DType.FLOAT32, ((ValueType.TensorType) typed.typeOf(v)).elementType(), v);
        }

        // B's output is also the graph's: B writes float32, so A, whose output B adds as its residual, does too
        Graph bOut = g.toBuilder().addOutput(new ValueInfo("b", null)).build();
        assertEquals(java.util.Set.of("C"), bf16Outputs(Bf16Layers.bf16Activations(bOut, false)));
        // C is a dense 3x3 stride-1 convolution (Winograd's, on float32 both sides): B writes float32 for it, and so
        // A, whose output B adds as its residual
        Graph wino = g.toBuilder().initializer("w3", random(r, 16, 16, 3, 3)).nodes(g.nodes().stream()
                .map(n -> n.name().equals("C") ? n.toBuilder().inputs("b", "w3", "bias")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build() : n).toList()).build();
        assertEquals(java.util.Set.of(), bf16Outputs(Bf16Layers.bf16Activations(wino, false)));
        // on matrix tiles the 3x3 layer computes in bfloat16 too, so nothing keeps float32 for it
        assertEquals(java.util.Set.of("A", "B", "C"), bf16Outputs(Bf16Layers.bf16Activations(wino, true)));
        // a convolution not allowed bfloat16 reads A's output: A writes float32, and so B, which adds it
        Graph plainReader = g.toBuilder().addNode(conv("F", "None", false, "f", "a", "w", "bias"))
                .addOutput(new ValueInfo("f", null)).build();
        assertEquals(java.util.Set.of("C"), bf16Outputs(Bf16Layers.bf16Activations(plainReader, false)));
    }

    /**
     * A small residual network through the whole build with --bf16: its convolutions, blocked at level 3, pass
     * bfloat16 activations between them, and the output stays within bfloat16's rounding of float32's.
     */
    @Test
    void aResidualNetworkWithBfloat16ActivationsComputesWhatFloat32Does() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Bf16Layers.unsupportedReason() == null, "no bfloat16 arithmetic here");
        Random r = new Random(11);
        Graph g = Graph.builder("res").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 1, 16, 12, 12)))
                .initializer("w1", random(r, 32, 16, 3, 3)).initializer("w2", random(r, 32, 32, 1, 1))
                .initializer("w3", random(r, 32, 32, 1, 1))
                .addNode(Node.builder("Conv").name("c1").inputs("x", "w1").outputs("a")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1}))
                        .attr(Attribute.of("strides", new long[] {2, 2})).build())
                .addNode(Node.builder("Relu").name("r1").inputs("a").outputs("ar").build())
                .addNode(Node.builder("Conv").name("c2").inputs("ar", "w2").outputs("b").build())
                .addNode(Node.builder("Add").name("add").inputs("b", "ar").outputs("s").build())
                .addNode(Node.builder("Conv").name("c3").inputs("s", "w3").outputs("c").build())
                .addNode(Node.builder("Clip").name("clip").inputs("c", "lo", "hi").outputs("cc").build())
                .initializer("lo", Tensor.ofFloats(new long[0], new float[] {0f}))
                .initializer("hi", Tensor.ofFloats(new long[0], new float[] {6f}))
                .addNode(Node.builder("GlobalAveragePool").name("gap").inputs("cc").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).build();
        Model m = new Model(8, "test", "", g, Map.of());
        Model bf16 = EngineBuilder.forModel(m).bf16(true).optimizedModel();
        org.junit.jupiter.api.Assumptions.assumeTrue(bf16.graph().nodes().stream()
                .anyMatch(n -> FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV)), "no blocked convolutions here (oneDNN)");
        assertTrue(bf16Outputs(bf16.graph()).size() >= 2, "bfloat16 activations: " + bf16.graph().nodes());
        // on matrix tiles (AMX) every convolution is channels-last (block 0), the only layout their kernels read
        boolean tiles = EngineBuilder.forModel(m).backends().ordered().stream().anyMatch(io.jengine.spi.Backend::bf16Tiles);
        List<Long> blocks = bf16.graph().nodes().stream().filter(n -> FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV))
                .map(n -> n.attrInt(FusedOpSpec.BLOCK, -1)).toList();
        if (tiles) assertEquals(List.of(0L, 0L, 0L), blocks);
        Tensor x = random(new Random(12), 1, 16, 12, 12);
        try (Engine a = EngineBuilder.forModel(m).build(); Engine b = EngineBuilder.forModel(m).bf16(true).build()) {
            float[] want = ((Tensor) a.run(Map.of("x", x)).get("y")).toFloatArray();
            float[] got = ((Tensor) b.run(Map.of("x", x)).get("y")).toFloatArray();
            double dot = 0, nw = 0, ng = 0;
            for (int i = 0; i < want.length; i++) {
                dot += (double) want[i] * got[i];
                nw += (double) want[i] * want[i];
                ng += (double) got[i] * got[i];
            }
            double cosine = dot / Math.sqrt(nw * ng);
            assertTrue(cosine > 0.999, "cosine to float32's output " + cosine);
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
