package io.jengine.onnx;

import io.jengine.errors.ModelFormatException;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.SparseTensorProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** GraphProto, NodeProto and AttributeProto to the IR; sub-graphs inherit the model's opset imports. */
final class GraphDecoder {
    private final TensorDecoder tensors;
    private final Map<String, Integer> opsets;

    GraphDecoder(TensorDecoder tensors, Map<String, Integer> opsets) {
        this.tensors = tensors;
        this.opsets = opsets;
    }

    Graph decode(GraphProto g) {
        Graph.Builder b = Graph.builder(g.getName()).opsets(opsets);
        for (TensorProto t : g.getInitializerList()) b.initializer(t.getName(), tensor(t, "initializer"));
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            b.initializer(s.getValues().getName(), sparse(s));
        }
        for (ValueInfoProto v : g.getInputList()) b.addInput(valueInfo(v));
        for (ValueInfoProto v : g.getOutputList()) b.addOutput(valueInfo(v));
        for (ValueInfoProto v : g.getValueInfoList()) b.valueInfo(valueInfo(v));
        for (NodeProto n : g.getNodeList()) b.addNode(node(n));
        return b.build();
    }

    static ValueInfo valueInfo(ValueInfoProto v) {
        return new ValueInfo(v.getName(), v.hasType() ? TypeDecoder.decode(v.getType()) : null);
    }

    Node node(NodeProto n) {
        Node.Builder b = Node.builder(n.getOpType()).name(n.getName()).domain(n.getDomain())
                .inputs(n.getInputList()).outputs(n.getOutputList());
        for (AttributeProto a : n.getAttributeList()) {
            Attribute attr;
            try {
                attr = attribute(a, n);
            } catch (ModelFormatException e) {
                if (a.hasG() || a.getGraphsCount() > 0) throw e; // already names the node inside the sub-graph
                throw rewrap("node " + label(n) + ": attribute '" + a.getName() + "': ", e);
            }
            if (attr != null) b.attr(attr);
        }
        return b.build();
    }

    private static String label(NodeProto n) {
        String d = Node.normalizeDomain(n.getDomain());
        return (n.getName().isEmpty() ? "<unnamed>" : "'" + n.getName() + "'") + " ("
                + (d.isEmpty() ? "" : d + ".") + n.getOpType() + ")";
    }

    /**
     * The same error with more context in front; an unsupported element type stays the direct cause, which callers use
     * to report such models as skipped rather than broken.
     */
    static ModelFormatException rewrap(String prefix, RuntimeException e) {
        Throwable cause = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnsupportedDTypeException) cause = c;
        }
        return new ModelFormatException(prefix + e.getMessage(), cause);
    }

    /** Null for an attribute that only refers to a function's attribute (resolved when the function is inlined). */
    Attribute attribute(AttributeProto a, NodeProto owner) {
        if (!a.getRefAttrName().isEmpty()) return null;
        AttributeProto.AttributeType type = a.hasType() ? a.getType() : guessType(a);
        String name = a.getName();
        return switch (type) {
            case FLOAT -> new Attribute(name, Attribute.Kind.FLOAT, a.getF());
            case INT -> new Attribute(name, Attribute.Kind.INT, a.getI());
            case STRING -> new Attribute(name, Attribute.Kind.STRING, a.getS().toStringUtf8());
            case TENSOR -> new Attribute(name, Attribute.Kind.TENSOR, tensor(a.getT(), "attribute " + name));
            case GRAPH -> new Attribute(name, Attribute.Kind.GRAPH, decode(a.getG()));
            case SPARSE_TENSOR -> new Attribute(name, Attribute.Kind.SPARSE_TENSOR, sparse(a.getSparseTensor()));
            case TYPE_PROTO -> new Attribute(name, Attribute.Kind.TYPE_PROTO, TypeDecoder.decode(a.getTp()));
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) f[i] = a.getFloats(i);
                yield new Attribute(name, Attribute.Kind.FLOATS, f);
            }
            case INTS -> new Attribute(name, Attribute.Kind.INTS, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case STRINGS -> new Attribute(name, Attribute.Kind.STRINGS,
                    a.getStringsList().stream().map(s -> s.toStringUtf8()).toList());
            case TENSORS -> new Attribute(name, Attribute.Kind.TENSORS,
                    a.getTensorsList().stream().map(t -> tensor(t, "attribute " + name)).toList());
            case GRAPHS -> new Attribute(name, Attribute.Kind.GRAPHS, a.getGraphsList().stream().map(this::decode).toList());
            case SPARSE_TENSORS -> new Attribute(name, Attribute.Kind.SPARSE_TENSORS,
                    a.getSparseTensorsList().stream().map(this::sparse).toList());
            case TYPE_PROTOS -> {
                List<ValueType> l = new ArrayList<>();
                for (TypeProto t : a.getTypeProtosList()) l.add(TypeDecoder.decode(t));
                yield new Attribute(name, Attribute.Kind.TYPE_PROTOS, l);
            }
            default -> throw new ModelFormatException("has no type and no value");
        };
    }

    /** Old exporters leave AttributeProto.type unset; the populated field tells. */
    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.hasF()) return AttributeProto.AttributeType.FLOAT;
        if (a.hasI()) return AttributeProto.AttributeType.INT;
        if (a.hasS()) return AttributeProto.AttributeType.STRING;
        if (a.hasT()) return AttributeProto.AttributeType.TENSOR;
        if (a.hasG()) return AttributeProto.AttributeType.GRAPH;
        if (a.getFloatsCount() > 0) return AttributeProto.AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return AttributeProto.AttributeType.INTS;
        if (a.getStringsCount() > 0) return AttributeProto.AttributeType.STRINGS;
        if (a.getTensorsCount() > 0) return AttributeProto.AttributeType.TENSORS;
        if (a.hasSparseTensor()) return AttributeProto.AttributeType.SPARSE_TENSOR;
        if (a.hasTp()) return AttributeProto.AttributeType.TYPE_PROTO;
        if (a.getGraphsCount() > 0) return AttributeProto.AttributeType.GRAPHS;
        if (a.getSparseTensorsCount() > 0) return AttributeProto.AttributeType.SPARSE_TENSORS;
        if (a.getTypeProtosCount() > 0) return AttributeProto.AttributeType.TYPE_PROTOS;
        return AttributeProto.AttributeType.UNDEFINED;
    }

    private Tensor tensor(TensorProto t, String what) {
        try {
            return tensors.decode(t);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(what + " '" + t.getName() + "': " + e.getMessage(), e);
        }
    }

    private Tensor sparse(SparseTensorProto s) { return tensors.decodeSparse(s); }
}
