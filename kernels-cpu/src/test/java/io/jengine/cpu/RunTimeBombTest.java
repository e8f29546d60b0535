package io.jengine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jengine.errors.ResourceLimitException;
import io.jengine.limits.ResourceLimits;
import io.jengine.onnx.OnnxImporter;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.TensorShapeProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.verify.PeakResidentMemory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models of a few hundred bytes that ask for unbounded memory or time only when they run, one per limit of
 * {@link ResourceLimits}: a static shape whose activations would not fit, a kernel output sized by a constant, a Loop
 * that never stops, a Loop whose stacked outputs are declared too large, a sequence split into millions of parts.
 * Each run is refused with a {@link ResourceLimitException} naming the node and the limit's property, having taken
 * less than 100 MB of native memory and raised the process's peak resident size by less than 100 MB, and the same
 * engine then runs a sound input.
 */
class RunTimeBombTest {
    static final long HUGE = 1L << 40;

    static TensorProto longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        if (v.length != 1 || !name.endsWith("_scalar")) t.addDims(v.length);
        for (long x : v) t.addInt64Data(x);
        return t.build();
    }

    static TensorProto scalarBool(String name, boolean v) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.BOOL_VALUE).addInt32Data(v ? 1 : 0).build();
    }

    static ValueInfoProto info(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(d instanceof String p ? TensorShapeProto.Dimension.newBuilder().setDimParam(p)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    static ValueInfoProto untyped(String name) { return ValueInfoProto.newBuilder().setName(name).build(); }

    static NodeProto node(String op, String name, String[] in, String[] out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : in) n.addInput(i);
        for (String o : out) n.addOutput(o);
        for (AttributeProto a : attrs) n.addAttribute(a);
        return n.build();
    }

    static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE, INT64 = TensorProto.DataType.INT64_VALUE,
            BOOL = TensorProto.DataType.BOOL_VALUE;

    /** A loop body: (i, cond) → (cond, scan) where the scan output is made by {@code scanNode}. */
    static GraphProto body(NodeProto scanNode, ValueInfoProto scanOut, TensorProto... inits) {
        GraphProto.Builder b = GraphProto.newBuilder().setName("body")
                .addInput(info("i", INT64)).addInput(info("cond_in", BOOL))
                .addNode(node("Identity", "keep_going", new String[] {"cond_in"}, new String[] {"cond_out"}))
                .addOutput(info("cond_out", BOOL));
        b.addNode(scanNode).addOutput(scanOut);
        for (TensorProto t : inits) b.addInitializer(t);
        return b.build();
    }

    /**
     * Every model takes x (float [N]) and returns y = x + 1 beside the bomb, so that a sound run of the same engine
     * can be checked after the refusal; the bomb's output is a second graph output.
     */
    static ModelProto model(String kind) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(kind)
                .addInput(info("x", FLOAT, "N"))
                .addInitializer(TensorProto.newBuilder().setName("one").setDataType(FLOAT).addFloatData(1f))
                .addNode(node("Add", "sound", new String[] {"x", "one"}, new String[] {"y"}))
                .addOutput(info("y", FLOAT, "N"));
        switch (kind) {
            // A shape given as a constant: 4 TiB.
            case "constant-shape" -> g.addInitializer(longs("shape", 1L << 20, 1L << 20))
                    .addNode(node("ConstantOfShape", "bomb", new String[] {"shape"}, new String[] {"big"}))
                    .addNode(node("Shape", "shape_of", new String[] {"big"}, new String[] {"z"}))
                    .addOutput(untyped("z"));
            // Sized at run time (x's length is symbolic): the kernel's output would hold 4 TiB.
            case "tensor" -> g.addInitializer(longs("repeats", HUGE))
                    .addNode(node("Tile", "bomb", new String[] {"x", "repeats"}, new String[] {"z"}))
                    .addOutput(untyped("z"));
            // No trip count and a condition that stays true.
            case "loop-iterations" -> g.addInitializer(scalarBool("go", true))
                    .addNode(node("Loop", "bomb", new String[] {"", "go", "x"}, new String[] {"z"},
                            graphAttr("body", GraphProto.newBuilder().setName("body")
                                    .addInput(info("i", INT64)).addInput(info("cond_in", BOOL))
                                    .addInput(info("v_in", FLOAT, "N"))
                                    .addNode(node("Identity", "keep_going", new String[] {"cond_in"},
                                            new String[] {"cond_out"}))
                                    .addNode(node("Identity", "carry", new String[] {"v_in"}, new String[] {"v_out"}))
                                    .addOutput(info("cond_out", BOOL)).addOutput(info("v_out", FLOAT, "N")).build())))
                    .addOutput(untyped("z"));
            // A trip count of 2^40 stacking 4 KiB per iteration: 4 PiB, refused before the first iteration.
            case "loop-scan" -> g.addInitializer(longs("trips_scalar", HUGE)).addInitializer(scalarBool("go", true))
                    .addNode(node("Loop", "bomb", new String[] {"trips_scalar", "go"}, new String[] {"z"},
                            graphAttr("body", body(
                                    node("ConstantOfShape", "rows", new String[] {"row_shape"}, new String[] {"row"}),
                                    info("row", FLOAT, 1024), longs("row_shape", 1024)))))
                    .addOutput(untyped("z"));
            // 16 Mi one-byte parts of one 16 MiB tensor.
            case "sequence" -> g.addInitializer(longs("len", 1L << 24))
                    .addNode(node("ConstantOfShape", "bytes", new String[] {"len"}, new String[] {"b"},
                            AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                    .setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.UINT8_VALUE)
                                            .addDims(1).addInt32Data(1)).build()))
                    .addNode(node("SplitToSequence", "bomb", new String[] {"b"}, new String[] {"s"}))
                    .addNode(node("SequenceLength", "count", new String[] {"s"}, new String[] {"z"}))
                    .addOutput(untyped("z"));
            default -> throw new IllegalArgumentException(kind);
        }
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"constant-shape", "tensor", "loop-iterations", "loop-scan", "sequence"})
    void aSmallModelIsRefusedWhenItRunsAndTheEngineStaysUsable(String kind) {
        byte[] bytes = model(kind).toByteArray();
        assertTrue(bytes.length < 400, kind + ": " + bytes.length + " bytes");
        try (Engine e = Engine.of(OnnxImporter.load(bytes, Path.of(".")))) {
            Tensor x = Tensor.ofFloats(new long[] {3}, 1, 2, 3);
            long before = Tensor.allocatedBytes();
            PeakResidentMemory peak = PeakResidentMemory.supported() ? PeakResidentMemory.mark() : null;
            var err = assertThrows(ResourceLimitException.class, () -> e.run(Map.of("x", x)));
            if (peak != null) {
                System.out.printf("bomb %s: refused, peak resident size +%d KiB%n", kind, peak.grownBytes() >> 10);
                assertTrue(peak.grownBytes() < 100L << 20, kind + ": peak resident size grew " + peak.grownBytes());
            }
            long grew = Tensor.allocatedBytes() - before;
            String m = err.getMessage();
            assertTrue(m.contains("jengine.limits.") && m.contains("bomb"), kind + ": " + m);
            assertTrue(grew < 100L << 20, kind + ": allocated " + grew + " bytes before refusing: " + m);
        }
    }

    /** The message a run of model {@code kind} is refused with while {@code property} is {@code value}. */
    static String refusal(String property, String value, String kind) {
        System.setProperty(property, value);
        try (Engine e = Engine.of(OnnxImporter.load(model(kind).toByteArray(), Path.of(".")))) {
            return assertThrows(ResourceLimitException.class,
                    () -> e.run(Map.of("x", Tensor.ofFloats(new long[] {1}, 1)))).getMessage();
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    void theLimitsAreSystemPropertiesARunReadsAsItGoes() {
        // A loop bounded at 1,000 iterations by the property, not by the model: refused on the 1,001st.
        String loop = refusal(ResourceLimits.MAX_LOOP_ITERATIONS, "1000", "loop-iterations");
        assertTrue(loop.contains("more than 1000 iterations"), loop);
        String allocation = refusal(ResourceLimits.MAX_ALLOCATION_BYTES, "1000", "constant-shape");
        assertTrue(allocation.contains("1000 bytes"), allocation);
    }

    @Test
    void aSessionRefusesActivationMemoryAboveTheLimitBeforeTakingIt() {
        // Two 1 KiB intermediates live at once: each tensor is within a 1,500-byte limit, the plan's arena is not.
        GraphProto g = GraphProto.newBuilder().setName("two_live")
                .addInput(info("x", FLOAT, 256))
                .addNode(node("Relu", "a", new String[] {"x"}, new String[] {"a"}))
                .addNode(node("Neg", "b", new String[] {"x"}, new String[] {"b"}))
                .addNode(node("Add", "c", new String[] {"a", "b"}, new String[] {"y"}))
                .addOutput(info("y", FLOAT, 256)).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
        Tensor x = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 256);
        System.setProperty(ResourceLimits.MAX_ALLOCATION_BYTES, "1500");
        try (Engine e = Engine.of(OnnxImporter.load(m.toByteArray(), Path.of(".")))) {
            var err = assertThrows(ResourceLimitException.class, () -> e.run(Map.of("x", x)));
            assertTrue(err.getMessage().startsWith("the activation memory planned for inputs x tensor(float32) [256] needs 2048 bytes"),
                    err.getMessage());
            System.clearProperty(ResourceLimits.MAX_ALLOCATION_BYTES);
            assertEquals(256, ((Tensor) e.run(Map.of("x", x)).get("y")).size());
        } finally {
            System.clearProperty(ResourceLimits.MAX_ALLOCATION_BYTES);
        }
    }

    @Test
    void aSoundRunAfterARefusalGivesTheRightAnswer() {
        try (Engine e = Engine.of(OnnxImporter.load(model("tensor").toByteArray(), Path.of(".")))) {
            assertThrows(ResourceLimitException.class, () -> e.run(Map.of("x", Tensor.ofFloats(new long[] {1}, 1))));
            // The limit is on bytes: Tile by 2^40 of an empty x is empty, and y = x + 1.
            Map<String, Value> out = e.run(Map.of("x", Tensor.ofFloats(new long[] {0})));
            assertEquals(0, ((Tensor) out.get("y")).size());
            assertEquals(0, ((Tensor) out.get("z")).size());
        }
    }
}
