package io.jengine.tune;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.TreeMap;

/**
 * What makes two layers the same tuning problem, as TensorRT keys its timing cache: the op, every attribute that is
 * not a name, each input's element type and shape and whether it is a constant (weights packed at plan time run
 * another kernel than activations), the outputs' types and the thread count. Weight values and node names are left
 * out, so ResNet's repeated blocks are tuned once, and a timing cache serves another model with the same layers.
 */
public final class LayerSignature {
    private LayerSignature() {}

    /** The signature, or null for a node that cannot be tuned alone (it holds a sub-graph). */
    public static String of(Node node, Graph graph, int threads) {
        StringBuilder sb = new StringBuilder();
        sb.append(node.domain().isEmpty() ? "" : node.domain() + "::").append(node.opType()).append('(');
        TreeMap<String, Attribute> attrs = new TreeMap<>(node.attributes());
        boolean first = true;
        for (Attribute a : attrs.values()) {
            if (a.kind() == Attribute.Kind.GRAPH || a.kind() == Attribute.Kind.GRAPHS) return null;
            if (!first) sb.append(',');
            first = false;
            if (a.kind() == Attribute.Kind.TENSOR) sb.append(a.name()).append('=').append(((Tensor) a.value()).describe());
            else sb.append(a);
        }
        sb.append(") in[");
        for (int i = 0; i < node.inputs().size(); i++) {
            String in = node.inputs().get(i);
            if (i > 0) sb.append(';');
            if (in.isEmpty()) continue;
            if (graph.initializers().containsKey(in)) sb.append("const ");
            sb.append(type(graph.typeOf(in)));
        }
        sb.append("] out[");
        for (int i = 0; i < node.outputs().size(); i++) {
            if (i > 0) sb.append(';');
            String out = node.outputs().get(i);
            if (!out.isEmpty()) sb.append(type(graph.typeOf(out)));
        }
        return sb.append("] threads=").append(threads).toString();
    }

    private static String type(ValueType t) {
        if (t instanceof ValueType.TensorType tt) {
            return (tt.elementType() == null ? "?" : tt.elementType().name().toLowerCase())
                    + (tt.shape() == null ? "[?]" : tt.shape().toString());
        }
        return String.valueOf(t);
    }
}
