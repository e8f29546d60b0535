package io.jengine.ir;

import io.jengine.tensor.ValueType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable computation graph: nodes in topological order, its formal inputs and outputs, constant initializers,
 * the static types known for intermediate values, and the opset versions its nodes are written against. Sub-graphs
 * (the bodies of If, Loop, Scan) are Graphs too and may read values of the enclosing graph by name.
 */
public record Graph(String name, List<Node> nodes, List<ValueInfo> inputs, List<ValueInfo> outputs,
                    Map<String, Tensor> initializers, Map<String, ValueInfo> valueInfo, Map<String, Integer> opsets) {

    public Graph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        valueInfo = Collections.unmodifiableMap(new LinkedHashMap<>(valueInfo));
        opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    }

    /** The opset version of a domain ("" = ai.onnx), or -1 when the graph does not import it. */
    public int opset(String domain) {
        return opsets.getOrDefault(Node.normalizeDomain(domain), -1);
    }

    /**
     * The best static type known for a value; null if none. A graph input's declared type comes first (an
     * initializer that is also an input is only a default a caller may replace); then a plain initializer's own
     * dtype and shape, which are exact, where a value_info entry may be stale (a value the optimizer folded into a
     * constant keeps the entry inference gave it before its shape was known); then value_info and graph outputs.
     */
    public ValueType typeOf(String value) {
        for (ValueInfo v : inputs) if (v.name().equals(value) && v.type() != null) return v.type();
        Tensor constant = initializers.get(value);
        if (constant != null) return ValueType.tensor(constant.dtype(), constant.shape());
        ValueInfo vi = valueInfo.get(value);
        if (vi != null && vi.type() != null) return vi.type();
        for (ValueInfo v : outputs) if (v.name().equals(value) && v.type() != null) return v.type();
        return null;
    }

    /** Graph inputs that are not also initializers: what a caller must (or may) feed. */
    public List<ValueInfo> runtimeInputs() {
        List<ValueInfo> r = new ArrayList<>();
        for (ValueInfo v : inputs) if (!initializers.containsKey(v.name())) r.add(v);
        return r;
    }

    public Builder toBuilder() { return new Builder(this); }

    public static Builder builder(String name) { return new Builder(name); }

    /** Mutable assembly of a graph; {@link #build()} freezes it. */
    public static final class Builder {
        private String name;
        private final List<Node> nodes = new ArrayList<>();
        private final List<ValueInfo> inputs = new ArrayList<>();
        private final List<ValueInfo> outputs = new ArrayList<>();
        private final Map<String, Tensor> initializers = new LinkedHashMap<>();
        private final Map<String, ValueInfo> valueInfo = new LinkedHashMap<>();
        private final Map<String, Integer> opsets = new LinkedHashMap<>();

        private Builder(String name) { this.name = name; }

        private Builder(Graph g) {
            name = g.name;
            nodes.addAll(g.nodes);
            inputs.addAll(g.inputs);
            outputs.addAll(g.outputs);
            initializers.putAll(g.initializers);
            valueInfo.putAll(g.valueInfo);
            opsets.putAll(g.opsets);
        }

        public Builder name(String v) { name = v; return this; }

        public Builder addNode(Node n) { nodes.add(n); return this; }

        public Builder nodes(List<Node> v) { nodes.clear(); nodes.addAll(v); return this; }

        public List<Node> nodes() { return nodes; }

        public Builder addInput(ValueInfo v) { inputs.add(v); return this; }

        public Builder inputs(List<ValueInfo> v) { inputs.clear(); inputs.addAll(v); return this; }

        public Builder addOutput(ValueInfo v) { outputs.add(v); return this; }

        public Builder outputs(List<ValueInfo> v) { outputs.clear(); outputs.addAll(v); return this; }

        public Builder initializer(String n, Tensor t) { initializers.put(n, t); return this; }

        public Builder removeInitializer(String n) { initializers.remove(n); return this; }

        public Builder valueInfo(ValueInfo v) { valueInfo.put(v.name(), v); return this; }

        public Builder opset(String domain, int version) {
            opsets.put(Node.normalizeDomain(domain), version);
            return this;
        }

        public Builder opsets(Map<String, Integer> v) { opsets.clear(); opsets.putAll(v); return this; }

        public Graph build() { return new Graph(name, nodes, inputs, outputs, initializers, valueInfo, opsets); }
    }
}
