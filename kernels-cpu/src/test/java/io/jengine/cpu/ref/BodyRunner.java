package io.jengine.cpu.ref;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a kernel whose node has sub-graphs, standing in for the runtime: bodies are evaluated node by node with the
 * reference kernels, their formal inputs bound in order and other names read from the enclosing scope (the
 * {@code outer} map for the top level). Counts body runs so tests can check iteration counts.
 */
final class BodyRunner {
    private final int opset;
    int bodyRuns;

    BodyRunner(int opset) { this.opset = opset; }

    /** Runs {@code node} on {@code inputs}, its sub-graphs seeing {@code outer} as their enclosing scope. */
    Value[] run(Node node, Map<String, Value> outer, Value... inputs) {
        return kernel(node).run(context(node, outer), inputs);
    }

    private ValueKernel kernel(Node node) {
        KernelRegistry.Entry e = ReferenceKernels.registry().find(node.domain(), node.opType(), opset);
        if (e == null) throw new AssertionError("no reference kernel for " + node.opType() + " at opset " + opset);
        Graph g = Graph.builder("test").opset(node.domain(), opset).addNode(node).build();
        return e.factory().create(new NodeContext(node, opset, g));
    }

    private ExecutionContext context(Node node, Map<String, Value> scope) {
        return new ExecutionContext() {
            @Override
            public Node node() { return node; }

            @Override
            public List<Value> runSubgraph(Graph body, List<Value> inputs) { return evaluate(body, inputs, scope); }
        };
    }

    private List<Value> evaluate(Graph body, List<Value> inputs, Map<String, Value> scope) {
        bodyRuns++;
        Map<String, Value> env = new HashMap<>(scope);
        env.putAll(body.initializers());
        for (int i = 0; i < inputs.size(); i++) env.put(body.inputs().get(i).name(), inputs.get(i));
        for (Node n : body.nodes()) {
            Value[] in = new Value[n.inputs().size()];
            for (int i = 0; i < in.length; i++) in[i] = n.inputs().get(i).isEmpty() ? null : env.get(n.inputs().get(i));
            Value[] out = kernel(n).run(context(n, env), in);
            for (int i = 0; i < n.outputs().size(); i++) env.put(n.outputs().get(i), out[i]);
        }
        List<Value> res = new ArrayList<>();
        for (ValueInfo o : body.outputs()) res.add(env.get(o.name()));
        return res;
    }

    /** A graph from nodes, with formal inputs and outputs given as names (types unknown unless set later). */
    static Graph graph(List<String> inputs, List<String> outputs, Node... nodes) {
        Graph.Builder b = Graph.builder("body");
        for (String i : inputs) b.addInput(new ValueInfo(i, null));
        for (String o : outputs) b.addOutput(new ValueInfo(o, null));
        Arrays.stream(nodes).forEach(b::addNode);
        return b.build();
    }

    /** The same graph with output {@code name} declared as a float tensor of the given per-step shape. */
    static Graph declare(Graph g, String name, ValueType type) {
        Graph.Builder b = g.toBuilder();
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfo o : g.outputs()) outs.add(o.name().equals(name) ? new ValueInfo(name, type) : o);
        return b.outputs(outs).build();
    }

    static ValueType floats(long... dims) { return ValueType.tensor(DType.FLOAT32, dims); }

    static Node node(String op, List<String> in, List<String> out) {
        return Node.builder(op).inputs(in).outputs(out).build();
    }
}
