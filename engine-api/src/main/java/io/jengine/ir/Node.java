package io.jengine.ir;

import io.jengine.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Inputs and outputs are value names; an empty name marks an omitted optional input or
 * output, as in ONNX. {@code domain} is "" for the default ONNX domain ("ai.onnx" is normalised to "").
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes) {

    public Node {
        domain = normalizeDomain(domain);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static String normalizeDomain(String domain) {
        return domain == null || domain.equals("ai.onnx") ? "" : domain;
    }

    /** "name (Op)" or "Op_at_index" style label used in every error message about this node. */
    public String label() {
        String d = domain.isEmpty() ? "" : domain + ".";
        return (name.isEmpty() ? "<unnamed>" : "'" + name + "'") + " (" + d + opType + ")";
    }

    public int inputCount() { return inputs.size(); }

    /** Whether input {@code i} is present (listed and not the empty name). */
    public boolean hasInput(int i) { return i < inputs.size() && !inputs.get(i).isEmpty(); }

    public boolean hasOutput(int i) { return i < outputs.size() && !outputs.get(i).isEmpty(); }

    public boolean hasAttr(String attr) { return attributes.containsKey(attr); }

    public Attribute attr(String attr) { return attributes.get(attr); }

    public long attrInt(String attr, long dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asInt();
    }

    public float attrFloat(String attr, float dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asFloat();
    }

    public String attrString(String attr, String dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asString();
    }

    /** The ints attribute, or {@code dflt} (may be null) when absent. */
    public long[] attrInts(String attr, long[] dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? (dflt == null ? null : dflt.clone()) : a.asInts();
    }

    public float[] attrFloats(String attr, float[] dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? (dflt == null ? null : dflt.clone()) : a.asFloats();
    }

    public List<String> attrStrings(String attr, List<String> dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asStrings();
    }

    public Tensor attrTensor(String attr) {
        Attribute a = attributes.get(attr);
        return a == null ? null : a.asTensor();
    }

    public Graph attrGraph(String attr) {
        Attribute a = attributes.get(attr);
        return a == null ? null : a.asGraph();
    }

    public Builder toBuilder() { return new Builder(this); }

    public static Builder builder(String opType) { return new Builder(opType); }

    /** Builds a node; used by the importer, tests and graph rewrites. */
    public static final class Builder {
        private String name = "";
        private String opType;
        private String domain = "";
        private List<String> inputs = List.of();
        private List<String> outputs = List.of();
        private final Map<String, Attribute> attributes = new LinkedHashMap<>();

        private Builder(String opType) { this.opType = opType; }

        private Builder(Node n) {
            name = n.name;
            opType = n.opType;
            domain = n.domain;
            inputs = n.inputs;
            outputs = n.outputs;
            attributes.putAll(n.attributes);
        }

        public Builder name(String v) { name = v; return this; }

        public Builder opType(String v) { opType = v; return this; }

        public Builder domain(String v) { domain = v; return this; }

        public Builder inputs(String... v) { inputs = List.of(v); return this; }

        public Builder inputs(List<String> v) { inputs = List.copyOf(v); return this; }

        public Builder outputs(String... v) { outputs = List.of(v); return this; }

        public Builder outputs(List<String> v) { outputs = List.copyOf(v); return this; }

        public Builder attr(Attribute a) { attributes.put(a.name(), a); return this; }

        public Builder removeAttr(String attr) { attributes.remove(attr); return this; }

        public Node build() { return new Node(name, opType, domain, inputs, outputs, attributes); }
    }
}
