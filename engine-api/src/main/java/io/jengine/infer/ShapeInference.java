package io.jengine.infer;

import io.jengine.errors.GraphValidationException;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Propagates static types and shapes through a graph, op by op, and records them as the graph's value_info. What the
 * model already declared is kept where inference knows less; an element type that contradicts a declaration, or an
 * op whose inputs are inconsistent, is a {@link GraphValidationException} naming the node, op, domain and opset.
 */
public final class ShapeInference {
    private final InferenceRegistry registry;

    public ShapeInference(InferenceRegistry registry) { this.registry = registry; }

    /** Infers with the standard ONNX rules. */
    public static Graph infer(Graph g) { return infer(g, InferenceRegistry.onnx()); }

    /** Infers with {@code rules} (the standard ones plus the ops plugins define: {@code Backends.inference()}). */
    public static Graph infer(Graph g, InferenceRegistry rules) { return new ShapeInference(rules).run(g, Map.of()); }

    /** Infers {@code g}, whose free names have the types in {@code outer}. */
    public Graph run(Graph g, Map<String, ValueType> outer) {
        Map<String, ValueType> types = new HashMap<>(outer);
        Map<String, Tensor> constants = new HashMap<>(g.initializers());
        for (var e : g.initializers().entrySet()) types.put(e.getKey(), ValueType.tensor(e.getValue().dtype(), e.getValue().shape()));
        for (ValueInfo v : g.inputs()) if (v.type() != null) types.put(v.name(), v.type());
        Graph.Builder b = g.toBuilder();
        List<Node> nodes = new ArrayList<>();
        for (Node n : GraphOrder.sort(g, outer.keySet())) {
            Node node = inferBodies(n, types);
            nodes.add(node);
            if (node.opType().equals("Constant") && node.domain().isEmpty() && !node.outputs().isEmpty()) {
                Attribute v = node.attr("value");
                if (v != null && v.kind() == Attribute.Kind.TENSOR) constants.put(node.outputs().getFirst(), v.asTensor());
            }
            List<ValueType> out = inferNode(g, node, types, constants);
            for (int i = 0; i < node.outputs().size(); i++) {
                String name = node.outputs().get(i);
                if (name.isEmpty()) continue;
                ValueType declared = g.typeOf(name);
                ValueType merged = merge(node, g, name, declared, out != null && i < out.size() ? out.get(i) : null);
                if (merged != null) {
                    types.put(name, merged);
                    b.valueInfo(new ValueInfo(name, merged));
                }
            }
        }
        return b.nodes(nodes).build();
    }

    /** Infers the bodies of If/Loop/Scan so their values are typed too. */
    private Node inferBodies(Node n, Map<String, ValueType> types) {
        Node.Builder nb = null;
        for (Attribute a : n.attributes().values()) {
            if (a.kind() != Attribute.Kind.GRAPH) continue;
            Graph body = a.asGraph();
            Map<String, ValueType> outer = new HashMap<>();
            Set<String> free = GraphOrder.freeNames(body);
            for (String f : free) if (types.containsKey(f)) outer.put(f, types.get(f));
            for (String f : free) outer.putIfAbsent(f, null);
            Graph inferred = run(body, outer);
            if (nb == null) nb = n.toBuilder();
            nb.attr(Attribute.of(a.name(), inferred));
        }
        return nb == null ? n : nb.build();
    }

    private List<ValueType> inferNode(Graph g, Node node, Map<String, ValueType> types, Map<String, Tensor> constants) {
        int opset = g.opset(node.domain());
        OpInference fn = registry.find(node.domain(), node.opType(), opset);
        if (fn == null) return null;
        List<ValueType> in = new ArrayList<>();
        List<Tensor> consts = new ArrayList<>();
        for (String name : node.inputs()) {
            in.add(name.isEmpty() ? null : types.get(name));
            consts.add(name.isEmpty() ? null : constants.get(name));
        }
        try {
            return fn.infer(new InferenceContext(node, opset, in, consts));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new GraphValidationException("node " + node.label() + " (domain "
                    + (node.domain().isEmpty() ? "ai.onnx" : node.domain()) + ", opset " + opset + "): "
                    + e.getMessage());
        } catch (io.jengine.errors.EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            // A rule that meets attributes or inputs it does not expect (an index past a list, a missing value) has
            // found the node malformed: say so about the node, never as an internal error.
            throw new GraphValidationException("node " + node.label() + " (domain "
                    + (node.domain().isEmpty() ? "ai.onnx" : node.domain()) + ", opset " + opset + "): malformed"
                    + " attributes or inputs (" + e + ")");
        }
    }

    private static ValueType merge(Node node, Graph g, String name, ValueType declared, ValueType inferred) {
        if (inferred == null) return declared;
        if (declared == null) return inferred;
        if (declared instanceof ValueType.TensorType d && inferred instanceof ValueType.TensorType i) {
            if (d.elementType() != i.elementType()) {
                throw new GraphValidationException("node " + node.label() + " (opset " + g.opset(node.domain())
                        + "): output '" + name + "' is declared " + d + " but the op produces " + i.elementType());
            }
            if (d.shape() == null) return i;
            if (i.shape() == null || i.shape().rank() != d.shape().rank()) return d;
            List<Dim> dims = new ArrayList<>();
            for (int k = 0; k < d.shape().rank(); k++) {
                Dim dd = d.shape().dim(k), id = i.shape().dim(k);
                dims.add(id.isKnown() || (!dd.isKnown() && id.isSymbolic()) ? id : dd);
            }
            return new ValueType.TensorType(d.elementType(), new Shape(dims));
        }
        return declared;
    }
}
