package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.plan.LoadedPlan;
import io.jengine.plan.PlanFile;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.spi.PackedPart;
import io.jengine.spi.PackedStore;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan keeps what its kernels derived from the weights (oneDNN's reordered weights, a Winograd layer's transformed
 * ones, convolution bounds), and loading it maps those bytes instead of deriving them again; bytes stored in another
 * form are not taken.
 */
class PackedPartsTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static Tensor random(Random r, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, (float) r.nextGaussian());
        return t;
    }

    /** x → Conv 3x3 (bias) → Relu → Conv 1x1 → Relu → Flatten → MatMul → y, on channel counts oneDNN blocks. */
    private static Model model() {
        Random r = new Random(11);
        Graph g = Graph.builder("m").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 1, 16, 6, 6)))
                .initializer("w1", random(r, 16, 16, 3, 3)).initializer("b1", random(r, 16))
                .initializer("w2", random(r, 16, 16, 1, 1)).initializer("m", random(r, 16 * 36, 10))
                .addNode(Node.builder("Conv").name("conv1").inputs("x", "w1", "b1").outputs("c1")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Relu").name("relu1").inputs("c1").outputs("r1").build())
                .addNode(Node.builder("Conv").name("conv2").inputs("r1", "w2").outputs("c2").build())
                .addNode(Node.builder("Relu").name("relu2").inputs("c2").outputs("r2").build())
                .addNode(Node.builder("Flatten").name("flat").inputs("r2").outputs("f").build())
                .addNode(Node.builder("MatMul").name("mm").inputs("f", "m").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).build();
        return new Model(8, "test", "", g, Map.of());
    }

    private static Map<String, io.jengine.tensor.Value> feeds() {
        return Map.of("x", random(new Random(5), 1, 16, 6, 6));
    }

    /** The optimized graph's 3x3 convolution, by name. */
    private static String threeByThree(Model optimized) {
        return optimized.graph().nodes().stream()
                .filter(n -> FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV))
                .filter(n -> optimized.graph().initializers().get(n.inputs().get(1)).dim(2) == 3)
                .map(Node::name).findFirst().orElseThrow(() -> new AssertionError(optimized.graph().nodes().toString()));
    }

    @Test
    void aPlanStoresItsKernelsPackedPartsAndLoadingMapsThemInsteadOfDerivingThem() {
        Path plan = dir.resolve("m.plan");
        String winograd = threeByThree(EngineBuilder.forModel(model()).optimizedModel());
        Map<String, List<PackedPart>> built = new java.util.LinkedHashMap<>();
        float[] want;
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET)
                .tactic(winograd, "cpu-native:dnnl.winograd-f2x2-blocked").buildPlan(plan)) {
            // copied to the heap: the kernels' own memory is freed when the engine closes
            e.packedByLayer().forEach((layer, parts) -> built.put(layer, parts.stream().map(q -> new PackedPart(
                    q.name(), q.form(), MemorySegment.ofArray(q.bytes().toArray(ValueLayout.JAVA_BYTE)))).toList()));
            want = ((Tensor) e.run(feeds()).get("y")).toFloatArray();
        }
        // the Winograd layer (its product's reordered transformed weights and its bound), the 1x1 convolution and
        // the matrix product
        assertEquals(3, built.size(), built.toString());
        assertEquals(List.of("dnnl.weights0", "conv.bound0"), built.get(winograd).stream().map(PackedPart::name).toList());
        LoadedPlan p = PlanFile.read(plan);
        assertEquals(built.values().stream().mapToInt(List::size).sum(), p.header().getPackedCount());

        try (Engine loaded = EngineBuilder.forPlan(plan).progress(QUIET).build()) {
            Map<String, List<PackedPart>> taken = loaded.packedByLayer();
            assertEquals(built.keySet(), taken.keySet());
            for (String layer : built.keySet()) {
                List<PackedPart> a = built.get(layer), b = taken.get(layer);
                assertEquals(a.size(), b.size(), layer);
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).name(), b.get(i).name());
                    assertEquals(a.get(i).form(), b.get(i).form());
                    assertTrue(b.get(i).bytes().isMapped(), layer + " " + b.get(i).name() + " is taken from the file");
                    assertEquals(-1, a.get(i).bytes().mismatch(b.get(i).bytes()), layer + " " + b.get(i).name());
                }
            }
            assertArrayEquals(want, ((Tensor) loaded.run(feeds()).get("y")).toFloatArray());
        }
    }

    /** A lean plan stores no parts, is smaller, and loads to the same outputs, its kernels deriving their data. */
    @Test
    void aLeanPlanStoresNoPartsAndLoadsToTheSameOutputs() throws java.io.IOException {
        Path whole = dir.resolve("whole.plan"), lean = dir.resolve("lean.plan");
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET).buildPlan(whole)) {
            assertFalse(e.packedByLayer().isEmpty());
        }
        float[] want;
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET).lean(true).buildPlan(lean)) {
            want = ((Tensor) e.run(feeds()).get("y")).toFloatArray();
        }
        assertEquals(0, PlanFile.read(lean).header().getPackedCount());
        assertTrue(PlanFile.read(whole).header().getPackedCount() > 0);
        assertTrue(java.nio.file.Files.size(lean) < java.nio.file.Files.size(whole));
        try (Engine loaded = EngineBuilder.forPlan(lean).progress(QUIET).build()) {
            assertFalse(loaded.packedByLayer().values().stream().flatMap(List::stream).anyMatch(q -> q.bytes().isMapped()));
            assertArrayEquals(want, ((Tensor) loaded.run(feeds()).get("y")).toFloatArray());
        }
    }

    /**
     * The kernel computes with the bytes it is handed: stored weights twice those derived give twice the output (a
     * bias-free convolution, no activation, exactly), and stored bytes whose form differs are not taken.
     */
    @Test
    void storedWeightsAreWhatTheKernelComputesWithAndAnotherFormIsIgnored() {
        Random r = new Random(3);
        Graph g = Graph.builder("c").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 1, 16, 5, 5)))
                .initializer("w", random(r, 32, 16, 1, 1))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w").outputs("y").build())
                .addOutput(new ValueInfo("y", null)).build();
        Model optimized = EngineBuilder.forModel(new Model(8, "t", "", g, Map.of())).optimizedModel();
        Backends backends = Backends.discover();
        EngineOptions options = EngineOptions.defaults().withThreads(1);
        Map<String, io.jengine.tensor.Value> x = Map.of("x", random(new Random(8), 1, 16, 5, 5));
        try (Arena arena = Arena.ofConfined(); Engine plain = Engine.of(optimized, backends, options)) {
            Map<String, List<PackedPart>> parts = plain.packedByLayer();
            assertEquals(1, parts.size(), parts.toString());
            String layer = parts.keySet().iterator().next();
            PackedPart weights = parts.get(layer).stream().filter(q -> q.name().startsWith("dnnl.weights"))
                    .findFirst().orElseThrow();
            MemorySegment doubled = arena.allocate(weights.bytes().byteSize(), 64);
            for (long i = 0; i < doubled.byteSize() / 4; i++) {
                doubled.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2 * weights.bytes().getAtIndex(ValueLayout.JAVA_FLOAT, i));
            }
            PackedStore store = (l, name, form) -> l.equals(layer) && name.equals(weights.name())
                    && form.equals(weights.form()) ? doubled : null;
            PackedStore otherForm = (l, name, form) -> l.equals(layer) && name.equals(weights.name())
                    && form.equals(weights.form() + " elsewhere") ? doubled : null;
            float[] want = ((Tensor) plain.run(x).get("y")).toFloatArray();
            try (Engine stored = Engine.of(optimized, backends, options.withPacked(store));
                 Engine foreign = Engine.of(optimized, backends, options.withPacked(otherForm))) {
                float[] got = ((Tensor) stored.run(x).get("y")).toFloatArray();
                boolean nonZero = false;
                for (int i = 0; i < want.length; i++) {
                    assertEquals(2 * want[i], got[i], "y[" + i + "] from the stored weights");
                    nonZero |= want[i] != 0;
                }
                assertTrue(nonZero);
                assertArrayEquals(want, ((Tensor) foreign.run(x).get("y")).toFloatArray(), "another form: derived");
                assertNotNull(stored.packedByLayer().get(layer));
                assertFalse(foreign.packedByLayer().get(layer).stream().anyMatch(q -> q.bytes().equals(doubled)));
            }
        }
    }

    /** {@link #model()} with its batch dimension left open ("N"). */
    private static Model openBatch() {
        Model m = model();
        Graph g = m.graph().toBuilder().inputs(List.of(new ValueInfo("x", new ValueType.TensorType(DType.FLOAT32,
                new io.jengine.tensor.Shape(List.of(io.jengine.tensor.Dim.symbol("N"), io.jengine.tensor.Dim.of(16),
                        io.jengine.tensor.Dim.of(6), io.jengine.tensor.Dim.of(6))))))).build();
        return new Model(m.irVersion(), m.producerName(), m.producerVersion(), g, Map.of());
    }

    /** Every part of every layer, by "layer/name/form". */
    private static Map<String, MemorySegment> byKey(Map<String, List<PackedPart>> parts) {
        Map<String, MemorySegment> m = new java.util.TreeMap<>();
        parts.forEach((layer, l) -> l.forEach(q -> m.put(layer + "/" + q.name() + "/" + q.form(), q.bytes())));
        return m;
    }

    /**
     * An engine that plans per input shape derives each part once: the plan for a second batch size takes the first
     * one's bytes (the same memory, not a copy) where its kernels pick the same layouts, and its outputs are still
     * those of per-sample runs. A plan with a profile stores the parts of its optimal shapes, which every batch size
     * of the range then takes from the file.
     */
    @Test
    void plansForOtherBatchSizesShareTheDerivedPartsAndAProfilePlanStoresThem() {
        Tensor x3 = random(new Random(6), 3, 16, 6, 6);
        float[][] alone = new float[3][];
        try (Engine e = EngineBuilder.forModel(model()).threads(1).progress(QUIET).build()) {
            for (int i = 0; i < 3; i++) {
                Tensor row = Tensor.allocate(DType.FLOAT32, 1, 16, 6, 6);
                MemorySegment.copy(x3.data(), i * row.byteSize(), row.data(), 0, row.byteSize());
                alone[i] = ((Tensor) e.run(Map.of("x", row)).get("y")).toFloatArray();
            }
        }
        Path plan = dir.resolve("open.plan");
        try (Engine e = EngineBuilder.forModel(openBatch()).threads(1).progress(QUIET)
                .profile("x:1x16x6x6..2x16x6x6..4x16x6x6").buildPlan(plan)) {
            Map<String, MemorySegment> two = byKey(e.packedByLayer(Map.of("x", new long[] {2, 16, 6, 6})));
            Map<String, MemorySegment> three = byKey(e.packedByLayer(Map.of("x", new long[] {3, 16, 6, 6})));
            assertFalse(two.isEmpty());
            int shared = 0;
            for (var k : three.entrySet()) {
                MemorySegment first = two.get(k.getKey());
                if (first != null && first.address() == k.getValue().address()) shared++;
            }
            assertTrue(shared > 0 && shared == two.keySet().stream().filter(three::containsKey).count(),
                    "parts in the same form are the first plan's own bytes: " + shared + " of " + three.keySet());
        }
        assertTrue(PlanFile.read(plan).header().getPackedCount() > 0, "the optimal shapes' parts are stored");
        try (Engine loaded = EngineBuilder.forPlan(plan).progress(QUIET).build()) {
            for (int batch : new int[] {2, 3}) {
                Map<String, List<PackedPart>> parts = loaded.packedByLayer(Map.of("x", new long[] {batch, 16, 6, 6}));
                assertTrue(parts.values().stream().flatMap(List::stream).anyMatch(q -> q.bytes().isMapped()),
                        "batch " + batch + " takes parts from the file");
            }
            float[] y = ((Tensor) loaded.run(Map.of("x", x3)).get("y")).toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(alone[i], java.util.Arrays.copyOfRange(y, i * 10, i * 10 + 10), 1e-4f, "row " + i);
            }
        }
    }
}
