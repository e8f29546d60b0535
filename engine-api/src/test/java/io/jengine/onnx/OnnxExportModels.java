package io.jengine.onnx;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** IR models the exporter tests write and read back: every attribute kind, every dtype, sub-graphs, blocked ops. */
final class OnnxExportModels {
    private OnnxExportModels() {}

    /** Opset imports of every test model; ai.onnx, the engine's own domain and a third, in that order. */
    static final Map<String, Integer> OPSETS = opsets();

    private static Map<String, Integer> opsets() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("", 17);
        m.put("jengine", 1);
        m.put("com.microsoft", 1);
        return m;
    }

    /** Every element type the engine can hold in a tensor. */
    static final List<DType> DTYPES = List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16, DType.INT8,
            DType.INT16, DType.INT32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64, DType.BOOL,
            DType.STRING);

    static Model model(Graph g) {
        return new Model(9, "jengine-test", "0.1", g, Map.of("purpose", "export test", "stage", "optimized"));
    }

    static Graph.Builder graph(String name) { return Graph.builder(name).opsets(OPSETS); }

    static ValueInfo value(String name, DType dtype, Object... dims) {
        return new ValueInfo(name, ValueType.tensor(dtype, shape(dims)));
    }

    /** Numbers are sizes, strings symbols, null unknown. */
    static Shape shape(Object... dims) {
        return new Shape(Arrays.stream(dims).map(d -> d == null ? Dim.unknown()
                : d instanceof String s ? Dim.symbol(s) : Dim.of(((Number) d).longValue())).toList());
    }

    /**
     * Seeded random elements with the bit patterns a lossy writer would change: NaNs with payloads, a signalling NaN,
     * both infinities and -0.0 for floats; the minimum, -1 and the maximum for signed integers; the top bit for
     * unsigned ones. Needs at least 6 elements for the float patterns.
     */
    static Tensor tensor(DType dtype, long seed, long... shape) {
        Random r = new Random(seed);
        if (dtype == DType.STRING) {
            String[] pool = {"", "a", "héllo", "✓ ok", "zero\0byte", "long string " + seed};
            String[] s = new String[(int) io.jengine.tensor.Shapes.size(shape)];
            for (int i = 0; i < s.length; i++) s[i] = pool[r.nextInt(pool.length)] + (r.nextBoolean() ? i : "");
            return Tensor.ofStrings(shape, s);
        }
        Tensor t = Tensor.allocate(dtype, shape);
        byte[] b = new byte[(int) t.byteSize()];
        r.nextBytes(b);
        if (dtype == DType.BOOL) for (int i = 0; i < b.length; i++) b[i] &= 1;
        MemorySegment.copy(b, 0, t.data(), ValueLayout.JAVA_BYTE, 0, b.length);
        if (t.size() < 6) return t;
        MemorySegment d = t.data();
        switch (dtype) {
            case FLOAT32 -> setInts(d, 0x7fc00000, 0x7fc01234, 0x7f800001, 0x7f800000, 0xff800000, 0x80000000);
            case FLOAT64 -> setLongs(d, 0x7ff8000000000000L, 0x7ff8000000abcdefL, 0x7ff0000000000001L,
                    0x7ff0000000000000L, 0xfff0000000000000L, 0x8000000000000000L);
            case FLOAT16 -> setShorts(d, 0x7e00, 0x7e55, 0x7c01, 0x7c00, 0xfc00, 0x8000);
            case BFLOAT16 -> setShorts(d, 0x7fc0, 0x7fd5, 0x7f81, 0x7f80, 0xff80, 0x8000);
            case INT8 -> setAll(t, Byte.MIN_VALUE, -1, Byte.MAX_VALUE);
            case INT16 -> setAll(t, Short.MIN_VALUE, -1, Short.MAX_VALUE);
            case INT32 -> setAll(t, Integer.MIN_VALUE, -1, Integer.MAX_VALUE);
            case INT64 -> setAll(t, Long.MIN_VALUE, -1, Long.MAX_VALUE);
            case UINT8 -> setAll(t, 0x81, 0xff);
            case UINT16 -> setAll(t, 0x8001, 0xffff);
            case UINT32 -> setAll(t, 0x80000001L, 0xffffffffL);
            case UINT64 -> setAll(t, 0x8000000000000001L, -1L);
            default -> { }
        }
        return t;
    }

    private static void setInts(MemorySegment d, int... v) {
        for (int i = 0; i < v.length; i++) d.setAtIndex(ValueLayout.JAVA_INT, i, v[i]);
    }

    private static void setLongs(MemorySegment d, long... v) {
        for (int i = 0; i < v.length; i++) d.setAtIndex(ValueLayout.JAVA_LONG, i, v[i]);
    }

    private static void setShorts(MemorySegment d, int... v) {
        for (int i = 0; i < v.length; i++) d.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) v[i]);
    }

    private static void setAll(Tensor t, long... v) {
        for (int i = 0; i < v.length; i++) t.setLong(i, v[i]);
    }

    /** A dense float tensor mostly of zeros, as a sparse attribute holds it; -0.0 is a value, not a zero. */
    static Tensor sparseFloats() {
        Tensor t = Tensor.allocate(DType.FLOAT32, 3, 4);
        t.setFloat(1, 2.5f);
        t.setFloat(6, -0.0f);
        t.setFloat(11, Float.POSITIVE_INFINITY);
        t.setFloat(7, Float.intBitsToFloat(0x7fc01234)); // a quiet NaN's payload survives the reader's widening
        return t;
    }

    /**
     * A body that reads the enclosing graph's {@code outer} and has its own input, initializer, value_info and
     * output, as the bodies of Loop and Scan do.
     */
    static Graph body(String name, String outer) {
        return graph(name)
                .addInput(value(name + "_in", DType.FLOAT32, "n"))
                .addOutput(value(name + "_out", DType.FLOAT32, "n"))
                .initializer(name + "_k", tensor(DType.FLOAT32, name.hashCode(), 2, 3))
                .valueInfo(value(name + "_mid", DType.FLOAT32, "n"))
                .addNode(Node.builder("Add").name(name + "_add").inputs(name + "_in", outer).outputs(name + "_mid").build())
                .addNode(Node.builder("Mul").name(name + "_mul").inputs(name + "_mid", name + "_k")
                        .outputs(name + "_out").build())
                .build();
    }

    /** One attribute of every kind the IR has, and empty lists of the list kinds. */
    static List<Attribute> everyAttributeKind() {
        ValueType nested = new ValueType.MapType(DType.INT64,
                new ValueType.SequenceType(ValueType.tensor(DType.FLOAT32, shape("N", 3, null))));
        Tensor sparseLongs = Tensor.allocate(DType.INT64, 5);
        sparseLongs.setLong(0, Long.MIN_VALUE);
        sparseLongs.setLong(4, -7);
        Tensor sparseStrings = Tensor.ofStrings(new long[] {2, 2}, "", "x", "", "héllo");
        return List.of(
                Attribute.of("f", 0.25f),
                Attribute.of("f_nan", Float.intBitsToFloat(0x7fc0abcd)),
                Attribute.of("i", Long.MIN_VALUE),
                Attribute.of("s", "héllo ✓"),
                Attribute.of("s_empty", ""),
                Attribute.of("t", tensor(DType.FLOAT16, 1, 2, 4)),
                Attribute.of("t_scalar", Tensor.scalar(DType.INT64, -42)),
                Attribute.of("g", body("g_body", "x")),
                new Attribute("sp", Attribute.Kind.SPARSE_TENSOR, sparseFloats()),
                new Attribute("tp", Attribute.Kind.TYPE_PROTO, nested),
                Attribute.of("fs", new float[] {1f, -0.0f, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001)}),
                Attribute.of("is", new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}),
                Attribute.ofStrings("ss", List.of("a", "", "✓")),
                new Attribute("ts", Attribute.Kind.TENSORS, List.of(tensor(DType.INT8, 2, 7),
                        tensor(DType.STRING, 3, 2), Tensor.allocate(DType.FLOAT32, 0, 3))),
                new Attribute("gs", Attribute.Kind.GRAPHS, List.of(body("gs_a", "x"), body("gs_b", "w"))),
                new Attribute("sps", Attribute.Kind.SPARSE_TENSORS, List.of(sparseLongs, sparseStrings)),
                new Attribute("tps", Attribute.Kind.TYPE_PROTOS, Arrays.asList(
                        new ValueType.OptionalType(ValueType.tensor(DType.BOOL)),
                        new ValueType.SparseTensorType(DType.FLOAT32, Shape.of(4, 4)),
                        null)),
                Attribute.of("fs_empty", new float[0]),
                Attribute.of("is_empty", new long[0]),
                Attribute.ofStrings("ss_empty", List.of()),
                new Attribute("ts_empty", Attribute.Kind.TENSORS, List.of()),
                new Attribute("gs_empty", Attribute.Kind.GRAPHS, List.of()),
                new Attribute("sps_empty", Attribute.Kind.SPARSE_TENSORS, List.of()),
                new Attribute("tps_empty", Attribute.Kind.TYPE_PROTOS, List.of()));
    }

    /** A model whose one custom node carries {@link #everyAttributeKind()}, with omitted optional inputs/outputs. */
    static Model everyAttributeModel() {
        Node.Builder n = Node.builder("Custom").name("all_kinds").domain("test.attrs")
                .inputs("x", "", "w", "").outputs("y", "");
        for (Attribute a : everyAttributeKind()) n.attr(a);
        Graph g = graph("attrs")
                .addInput(value("x", DType.FLOAT32, "n"))
                .addOutput(value("y", DType.FLOAT32, "n"))
                .initializer("w", tensor(DType.FLOAT32, 11, 3, 4))
                .addNode(n.build())
                .build();
        return model(g);
    }
}
