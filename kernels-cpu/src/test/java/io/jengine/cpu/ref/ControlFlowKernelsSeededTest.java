package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
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
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * If, Loop and Scan with a fake ExecutionContext whose sub-graph runner evaluates the tiny bodies by hand, so the
 * kernels' iteration, carrying and stacking are tested without the runtime.
 */
class ControlFlowKernelsSeededTest {

    /** Runs a kernel whose sub-graphs are evaluated by {@code body} (keyed on the graph's name). */
    static Value[] runWithBodies(Node node, int opset, java.util.function.BiFunction<Graph, List<Value>, List<Value>> body,
                                 Value... inputs) {
        KernelRegistry.Entry e = ReferenceKernels.registry().find(node.domain(), node.opType(), opset);
        Graph g = Graph.builder("harness").opset(node.domain(), opset).addNode(node).build();
        ValueKernel k = e.factory().create(new NodeContext(node, opset, g));
        ExecutionContext ctx = new ExecutionContext() {
            @Override
            public Node node() { return node; }

            @Override
            public List<Value> runSubgraph(Graph b, List<Value> in) { return body.apply(b, in); }
        };
        return k.run(ctx, inputs);
    }

    /** A body graph that declares its inputs and outputs (all float32 tensors); its nodes are never run. */
    static Graph graph(String name, int inputs, int outputs) {
        Graph.Builder b = Graph.builder(name);
        ValueType f = new ValueType.TensorType(DType.FLOAT32, null);
        for (int i = 0; i < inputs; i++) b.addInput(new ValueInfo(name + "_in" + i, f));
        for (int i = 0; i < outputs; i++) b.addOutput(new ValueInfo(name + "_out" + i, f));
        return b.build();
    }

    static Tensor map(Tensor x, java.util.function.DoubleUnaryOperator f) {
        Tensor y = Tensor.allocate(x.dtype(), x.shape());
        for (long i = 0; i < x.size(); i++) y.setDouble(i, f.applyAsDouble(x.getDouble(i)));
        return y;
    }

    @Test
    void ifRunsTheBranchTheConditionPicks() {
        Node n = Node.builder("If").inputs("c").outputs("y").attr(Attribute.of("then_branch", graph("then", 0, 1)))
                .attr(Attribute.of("else_branch", graph("else", 0, 1))).build();
        java.util.function.BiFunction<Graph, List<Value>, List<Value>> bodies = (b, in) -> List.of(b.name().equals("then")
                ? t(DType.FLOAT32, shape(2), 1.5, -2) : l(DType.INT64, shape(3), 7, 8, 9));
        check(t(DType.FLOAT32, shape(2), 1.5, -2), runWithBodies(n, 16, bodies, l(DType.BOOL, shape(), 1))[0]);
        check(l(DType.INT64, shape(3), 7, 8, 9), runWithBodies(n, 16, bodies, l(DType.BOOL, shape(), 0))[0]);
    }

    @Test
    void loopCarriesStateAndStacksScanOutputs() {
        // Body "add 1": (i, cond, x) -> (cond, x + 1, x * i); three trips from x0.
        Node n = Node.builder("Loop").inputs("m", "c", "x").outputs("xf", "scan").attr(Attribute.of("body", graph("body", 3, 3))).build();
        List<Long> seen = new ArrayList<>();
        double[] x0 = data(1, 2, -3, 3);
        Value[] out = runWithBodies(n, 16, (b, in) -> {
            long i = ((Tensor) in.get(0)).getLong(0);
            seen.add(i);
            Tensor x = (Tensor) in.get(2);
            return List.of(l(DType.BOOL, shape(), 1), map(x, v -> v + 1), map(x, v -> v * i));
        }, l(DType.INT64, shape(), 3), l(DType.BOOL, shape(), 1), t(DType.FLOAT32, shape(2), x0));
        assertEquals(List.of(0L, 1L, 2L), seen);
        check(t(DType.FLOAT32, shape(2), x0[0] + 3, x0[1] + 3), out[0]);
        check(t(DType.FLOAT32, shape(3, 2), 0, 0, x0[0] + 1, x0[1] + 1, 2 * (x0[0] + 2), 2 * (x0[1] + 2)), out[1]);
    }

    @Test
    void loopStopsWhenTheBodyClearsTheCondition() {
        // No trip count: the body says continue while x < 10; x doubles.
        Node n = Node.builder("Loop").inputs("", "c", "x").outputs("xf").attr(Attribute.of("body", graph("body", 3, 2))).build();
        Value[] out = runWithBodies(n, 16, (b, in) -> {
            Tensor x = map((Tensor) in.get(2), v -> v * 2);
            return List.of(l(DType.BOOL, shape(), x.getDouble(0) < 10 ? 1 : 0), x);
        }, null, l(DType.BOOL, shape(), 1), t(DType.FLOAT32, shape(1), 1.5));
        check(t(DType.FLOAT32, shape(1), 12), out[0]); // 3, 6, 12
    }

    @Test
    void scanAccumulatesAlongTheScanAxisInReverse() {
        // Body: (s, e) -> (s + e, s + e): a running sum; scan input [3,2] read backwards along axis 0.
        Node n = Node.builder("Scan").inputs("s", "x").outputs("sf", "ys").attr(Attribute.of("body", graph("body", 2, 2)))
                .attr(Attribute.of("num_scan_inputs", 1L)).attr(Attribute.of("scan_input_directions", new long[] {1})).build();
        double[] x = data(2, 6, -4, 4), s0 = {0.25, -0.5};
        Value[] out = runWithBodies(n, 16, (b, in) -> {
            Tensor s = (Tensor) in.get(0), e = (Tensor) in.get(1);
            Tensor r = Tensor.allocate(s.dtype(), s.shape());
            for (long i = 0; i < s.size(); i++) r.setDouble(i, s.getDouble(i) + e.getDouble(i));
            return List.of(r, r.copy());
        }, t(DType.FLOAT32, shape(2), s0), t(DType.FLOAT32, shape(3, 2), x));
        double[] ys = new double[6];
        double a = s0[0], c = s0[1];
        for (int step = 0; step < 3; step++) {
            int row = 2 - step;
            a += x[row * 2];
            c += x[row * 2 + 1];
            ys[step * 2] = a;
            ys[step * 2 + 1] = c;
        }
        check(t(DType.FLOAT32, shape(2), a, c), out[0]);
        check(t(DType.FLOAT32, shape(3, 2), ys), out[1]);
    }

    @Test
    void ifWithoutBranchesIsReported() {
        fails(() -> runWithBodies(Node.builder("If").inputs("c").outputs("y").build(), 16, (b, in) -> List.of(),
                l(DType.BOOL, shape(), 1)), "then_branch", "required");
        fails(() -> runWithBodies(Node.builder("If").inputs("c").outputs("y").attr(Attribute.of("then_branch", graph("then", 0, 1)))
                .build(), 16, (b, in) -> List.of(), l(DType.BOOL, shape(), 1)), "else_branch", "required");
    }

    @Test
    void scanWritesOutputsAlongTheRequestedAxis() {
        // Scan input [2,3] read along axis 1 (three steps of [2]); outputs stacked along axis 1 again -> [2,3].
        Node n = Node.builder("Scan").inputs("s", "x").outputs("sf", "ys").attr(Attribute.of("body", graph("body", 2, 2)))
                .attr(Attribute.of("num_scan_inputs", 1L)).attr(Attribute.of("scan_input_axes", new long[] {-1}))
                .attr(Attribute.of("scan_output_axes", new long[] {1})).build();
        double[] x = data(3, 6, -4, 4);
        Value[] out = runWithBodies(n, 16, (b, in) -> {
            Tensor s = (Tensor) in.get(0), e = (Tensor) in.get(1);
            Tensor r = Tensor.allocate(s.dtype(), s.shape());
            for (long i = 0; i < s.size(); i++) r.setDouble(i, s.getDouble(i) + e.getDouble(i));
            return List.of(r, r.copy());
        }, t(DType.FLOAT64, shape(2), 1, -1), t(DType.FLOAT64, shape(2, 3), x));
        double[] ys = new double[6];
        for (int r = 0; r < 2; r++) {
            double acc = r == 0 ? 1 : -1;
            for (int c = 0; c < 3; c++) { acc += x[r * 3 + c]; ys[r * 3 + c] = acc; }
        }
        check(t(DType.FLOAT64, shape(2), ys[2], ys[5]), out[0]);
        check(t(DType.FLOAT64, shape(2, 3), ys), out[1]);
    }

    @Test
    void loopWithZeroTripsReturnsTheInitialState() {
        Node n = Node.builder("Loop").inputs("m", "c", "x").outputs("xf").attr(Attribute.of("body", graph("body", 3, 2))).build();
        Tensor x0 = t(DType.FLOAT32, shape(2), 2.5, -1);
        Value[] out = runWithBodies(n, 16, (b, in) -> { throw new AssertionError("body must not run"); },
                l(DType.INT64, shape(), 0), l(DType.BOOL, shape(), 1), x0);
        check(x0, out[0]);
    }
}
