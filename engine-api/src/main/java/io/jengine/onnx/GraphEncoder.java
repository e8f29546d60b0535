package io.jengine.onnx;

import com.google.protobuf.ByteString;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Graph, Node and Attribute to GraphProto, NodeProto and AttributeProto, the inverse of {@link GraphDecoder}. Every
 * list keeps its order, every name (empty ones for omitted optional inputs and outputs included) is written as it is,
 * and sub-graphs are written the same way as the main graph, initializers and value_info included.
 */
final class GraphEncoder {
    private final Function<String, OnnxExporter.ExternalData> placement;
    private final Map<String, Integer> opsets;

    /**
     * {@code placement}: where an initializer's bytes go instead of raw_data (null: inline); {@code opsets}: the
     * model's opset imports, which every sub-graph must share, since ONNX has them once per model and the importer
     * gives every graph the model's.
     */
    GraphEncoder(Function<String, OnnxExporter.ExternalData> placement, Map<String, Integer> opsets) {
        this.placement = placement;
        this.opsets = opsets;
    }

    /** {@code where} names the graph in errors: "graph 'main'", or the path to a sub-graph. */
    GraphProto encode(Graph g, String where) {
        if (g == null) throw new IllegalArgumentException(where + " is null");
        if (g.name() == null) throw new IllegalArgumentException(where + " has a null name");
        if (!g.opsets().equals(opsets)) {
            throw new IllegalArgumentException(where + " imports opsets " + g.opsets() + ", the model " + opsets
                    + "; ONNX keeps one set per model, so a sub-graph's own would be lost");
        }
        GraphProto.Builder b = GraphProto.newBuilder().setName(g.name());
        for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
            if (e.getKey() == null) throw new IllegalArgumentException(where + " has an initializer without a name");
            String what = where + ", initializer '" + e.getKey() + "'";
            OnnxExporter.ExternalData ext = placement.apply(e.getKey());
            b.addInitializer(ext == null ? TensorEncoder.inline(e.getValue(), e.getKey(), what)
                    : TensorEncoder.external(e.getValue(), e.getKey(), ext, what));
        }
        for (ValueInfo v : g.inputs()) b.addInput(TypeEncoder.valueInfo(v, where + ", input"));
        for (ValueInfo v : g.outputs()) b.addOutput(TypeEncoder.valueInfo(v, where + ", output"));
        for (Map.Entry<String, ValueInfo> e : g.valueInfo().entrySet()) {
            if (e.getKey() == null) throw new IllegalArgumentException(where + " has a value_info without a name");
            String what = where + ", value_info '" + e.getKey() + "'";
            // The decoder keys value_info by the entry's own name; a different key would not come back.
            if (e.getValue() != null && !e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException(what + " holds the entry of '" + e.getValue().name() + "'");
            }
            b.addValueInfo(TypeEncoder.valueInfo(e.getValue(), what));
        }
        for (int i = 0; i < g.nodes().size(); i++) b.addNode(node(g.nodes().get(i), where + ", node " + i));
        return b.build();
    }

    private NodeProto node(Node n, String where) {
        if (n.name() == null || n.opType() == null) {
            throw new IllegalArgumentException(where + " has a null " + (n.name() == null ? "name" : "op type"));
        }
        String at = where + " " + n.label();
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
                .addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (!n.domain().isEmpty()) b.setDomain(n.domain()); // "" is ai.onnx, the field's default
        for (Map.Entry<String, Attribute> e : n.attributes().entrySet()) {
            Attribute a = e.getValue();
            String what = at + ", attribute '" + e.getKey() + "'";
            if (a == null || e.getKey() == null) throw new IllegalArgumentException(what + " is null or unnamed");
            if (!e.getKey().equals(a.name())) {
                throw new IllegalArgumentException(what + " is keyed apart from its name '" + a.name() + "'");
            }
            b.addAttribute(attribute(a, what));
        }
        return b.build();
    }

    /** The attribute with its type always set: readers need not guess from which field is populated. */
    private AttributeProto attribute(Attribute a, String what) {
        if (a.kind() == null) throw new IllegalArgumentException(what + " has no kind");
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name());
        Object v = a.value();
        switch (a.kind()) {
            case FLOAT -> b.setType(AttributeType.FLOAT).setF(as(v, Float.class, a, what));
            case INT -> b.setType(AttributeType.INT).setI(as(v, Long.class, a, what));
            case STRING -> b.setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(as(v, String.class, a, what)));
            case TENSOR -> b.setType(AttributeType.TENSOR).setT(TensorEncoder.inline(as(v, Tensor.class, a, what), "", what));
            case GRAPH -> b.setType(AttributeType.GRAPH).setG(subgraph(as(v, Graph.class, a, what), what));
            case SPARSE_TENSOR -> b.setType(AttributeType.SPARSE_TENSOR)
                    .setSparseTensor(TensorEncoder.sparse(as(v, Tensor.class, a, what), what));
            case TYPE_PROTO -> b.setType(AttributeType.TYPE_PROTO).setTp(TypeEncoder.encode(type(v, a, what), what));
            case FLOATS -> {
                b.setType(AttributeType.FLOATS);
                for (float f : as(v, float[].class, a, what)) b.addFloats(f);
            }
            case INTS -> {
                b.setType(AttributeType.INTS);
                for (long i : as(v, long[].class, a, what)) b.addInts(i);
            }
            case STRINGS -> {
                b.setType(AttributeType.STRINGS);
                for (String s : list(v, String.class, a, what)) b.addStrings(ByteString.copyFromUtf8(s));
            }
            case TENSORS -> {
                b.setType(AttributeType.TENSORS);
                List<Tensor> l = list(v, Tensor.class, a, what);
                for (int i = 0; i < l.size(); i++) b.addTensors(TensorEncoder.inline(l.get(i), "", what + "[" + i + "]"));
            }
            case GRAPHS -> {
                b.setType(AttributeType.GRAPHS);
                List<Graph> l = list(v, Graph.class, a, what);
                for (int i = 0; i < l.size(); i++) b.addGraphs(subgraph(l.get(i), what + "[" + i + "]"));
            }
            case SPARSE_TENSORS -> {
                b.setType(AttributeType.SPARSE_TENSORS);
                List<Tensor> l = list(v, Tensor.class, a, what);
                for (int i = 0; i < l.size(); i++) b.addSparseTensors(TensorEncoder.sparse(l.get(i), what + "[" + i + "]"));
            }
            case TYPE_PROTOS -> {
                b.setType(AttributeType.TYPE_PROTOS);
                List<?> l = list(v, Object.class, a, what);
                for (int i = 0; i < l.size(); i++) {
                    b.addTypeProtos(TypeEncoder.encode(type(l.get(i), a, what), what + "[" + i + "]"));
                }
            }
        }
        return b.build();
    }

    private GraphProto subgraph(Graph g, String what) {
        return encode(g, what + ", graph" + (g == null || g.name() == null ? "" : " '" + g.name() + "'"));
    }

    /** A TYPE_PROTO value: a ValueType, or null for "no type", which the decoder makes of an empty TypeProto. */
    private static ValueType type(Object v, Attribute a, String what) {
        return v == null ? null : as(v, ValueType.class, a, what);
    }

    private static <T> T as(Object v, Class<T> c, Attribute a, String what) {
        if (!c.isInstance(v)) {
            throw new IllegalArgumentException(what + " of kind " + a.kind() + " holds "
                    + (v == null ? "null" : v.getClass().getName()) + ", expected " + c.getSimpleName());
        }
        return c.cast(v);
    }

    /** A list attribute's value; elements must be of {@code c}, and only TYPE_PROTOS may hold nulls (unknown types). */
    private static <T> List<T> list(Object v, Class<T> c, Attribute a, String what) {
        List<?> l = as(v, List.class, a, what);
        for (int i = 0; i < l.size(); i++) {
            Object e = l.get(i);
            if (e == null ? a.kind() != Attribute.Kind.TYPE_PROTOS : !c.isInstance(e)) {
                throw new IllegalArgumentException(what + "[" + i + "] of kind " + a.kind() + " holds "
                        + (e == null ? "null" : e.getClass().getName()) + ", expected " + c.getSimpleName());
            }
        }
        @SuppressWarnings("unchecked")
        List<T> r = (List<T>) l;
        return r;
    }
}
