package io.jengine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Structural equality of IR models for the exporter's round trips. The IR's records compare tensors and arrays by
 * identity, so this walks them: nodes in order (op, domain, name, inputs, outputs, attributes by value, nested graphs
 * recursively), initializers bit for bit (NaN payloads included), value types, opsets and metadata. Each failure names
 * the path to what differs.
 */
final class OnnxExportAssertions {
    private OnnxExportAssertions() {}

    static void assertModelsEqual(Model want, Model got) {
        assertEquals(want.irVersion(), got.irVersion(), "ir_version");
        assertEquals(want.producerName(), got.producerName(), "producer name");
        assertEquals(want.producerVersion(), got.producerVersion(), "producer version");
        assertEquals(want.metadata(), got.metadata(), "metadata");
        assertEquals(entries(want.opsets()), entries(got.opsets()), "opset imports, in order");
        assertGraphsEqual(want.graph(), got.graph(), "graph '" + want.graph().name() + "'");
    }

    static void assertGraphsEqual(Graph want, Graph got, String at) {
        assertEquals(want.name(), got.name(), at + ": name");
        assertEquals(want.opsets(), got.opsets(), at + ": opsets");
        assertEquals(want.inputs(), got.inputs(), at + ": inputs");
        assertEquals(want.outputs(), got.outputs(), at + ": outputs");
        assertEquals(entries(want.valueInfo()), entries(got.valueInfo()), at + ": value_info, in order");
        assertEquals(List.copyOf(want.initializers().keySet()), List.copyOf(got.initializers().keySet()),
                at + ": initializer names, in order");
        for (String name : want.initializers().keySet()) {
            assertTensorsEqual(want.initializers().get(name), got.initializers().get(name),
                    at + ", initializer '" + name + "'");
        }
        assertEquals(want.nodes().size(), got.nodes().size(), at + ": node count");
        for (int i = 0; i < want.nodes().size(); i++) {
            assertNodesEqual(want.nodes().get(i), got.nodes().get(i), at + ", node " + i);
        }
    }

    static void assertNodesEqual(Node want, Node got, String at) {
        assertEquals(want.name(), got.name(), at + ": name");
        assertEquals(want.opType(), got.opType(), at + ": op type");
        assertEquals(want.domain(), got.domain(), at + ": domain");
        assertEquals(want.inputs(), got.inputs(), at + ": inputs");
        assertEquals(want.outputs(), got.outputs(), at + ": outputs");
        assertEquals(List.copyOf(want.attributes().keySet()), List.copyOf(got.attributes().keySet()),
                at + ": attribute names, in order");
        for (String name : want.attributes().keySet()) {
            assertAttributesEqual(want.attr(name), got.attr(name), at + ", attribute '" + name + "'");
        }
    }

    static void assertAttributesEqual(Attribute want, Attribute got, String at) {
        assertEquals(want.name(), got.name(), at + ": name");
        assertEquals(want.kind(), got.kind(), at + ": kind");
        Object w = want.value(), g = got.value();
        switch (want.kind()) {
            case FLOAT -> assertEquals(Float.floatToRawIntBits((Float) w), Float.floatToRawIntBits((Float) g), at);
            case FLOATS -> assertArrayEquals(rawBits((float[]) w), rawBits((float[]) g), at);
            case INTS -> assertArrayEquals((long[]) w, (long[]) g, at);
            case TENSOR, SPARSE_TENSOR -> assertTensorsEqual((Tensor) w, (Tensor) g, at);
            case GRAPH -> assertGraphsEqual((Graph) w, (Graph) g, at + ", graph");
            case TENSORS, SPARSE_TENSORS -> {
                List<?> lw = (List<?>) w, lg = (List<?>) g;
                assertEquals(lw.size(), lg.size(), at + ": count");
                for (int i = 0; i < lw.size(); i++) assertTensorsEqual((Tensor) lw.get(i), (Tensor) lg.get(i), at + "[" + i + "]");
            }
            case GRAPHS -> {
                List<?> lw = (List<?>) w, lg = (List<?>) g;
                assertEquals(lw.size(), lg.size(), at + ": count");
                for (int i = 0; i < lw.size(); i++) assertGraphsEqual((Graph) lw.get(i), (Graph) lg.get(i), at + "[" + i + "]");
            }
            // Long, String, ValueType records and lists of strings or types compare by value already.
            case INT, STRING, TYPE_PROTO, STRINGS, TYPE_PROTOS -> assertEquals(w, g, at);
        }
    }

    /** Same dtype, shape and bytes (or strings): NaN payloads, -0.0 and the sign bit of unsigned types all count. */
    static void assertTensorsEqual(Tensor want, Tensor got, String at) {
        if (got == null) fail(at + ": missing");
        assertEquals(want.dtype(), got.dtype(), at + ": dtype");
        assertArrayEquals(want.shape(), got.shape(), at + ": shape");
        if (want.dtype() == DType.STRING) {
            assertArrayEquals(want.toStringArray(), got.toStringArray(), at + ": strings");
            return;
        }
        long diff = want.data().mismatch(got.data());
        if (diff != -1) {
            long e = diff / want.dtype().byteSize();
            fail(at + ": element " + e + " differs at byte " + diff + " (" + want.getDouble(e) + " vs "
                    + got.getDouble(e) + ")");
        }
    }

    private static int[] rawBits(float[] f) {
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) r[i] = Float.floatToRawIntBits(f[i]);
        return r;
    }

    private static <K, V> List<Map.Entry<K, V>> entries(Map<K, V> m) {
        List<Map.Entry<K, V>> r = new ArrayList<>();
        for (Map.Entry<K, V> e : m.entrySet()) r.add(Map.entry(e.getKey(), e.getValue()));
        return r;
    }
}
