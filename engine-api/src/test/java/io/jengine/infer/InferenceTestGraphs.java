package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** Builds one-node graphs and returns the inferred type of each output as text. */
final class InferenceTestGraphs {
    private InferenceTestGraphs() {}

    static ValueType t(DType d, Object... dims) {
        Dim[] ds = new Dim[dims.length];
        for (int i = 0; i < dims.length; i++) {
            ds[i] = dims[i] instanceof String s ? Dim.symbol(s) : Dim.of(((Number) dims[i]).longValue());
        }
        return new ValueType.TensorType(d, new Shape(List.of(ds)));
    }

    /** Infers {@code node} with the given typed inputs and constant initializers; returns output types as strings. */
    static List<String> infer(String domain, int opset, Node node, Map<String, ValueType> inputs, Map<String, Tensor> consts) {
        Graph.Builder b = Graph.builder("g").opset(domain, opset);
        if (!domain.isEmpty()) b.opset("", opset);
        inputs.forEach((k, v) -> b.addInput(new ValueInfo(k, v)));
        consts.forEach(b::initializer);
        b.addNode(node);
        for (String o : node.outputs()) b.addOutput(new ValueInfo(o, null));
        Graph g = ShapeInference.infer(b.build());
        return node.outputs().stream().map(o -> String.valueOf(g.typeOf(o))).toList();
    }

    static List<String> infer(int opset, Node node, Map<String, ValueType> inputs) {
        return infer("", opset, node, inputs, Map.of());
    }
}
