package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.BodyRunner.declare;
import static io.jengine.cpu.ref.BodyRunner.floats;
import static io.jengine.cpu.ref.BodyRunner.graph;
import static io.jengine.cpu.ref.BodyRunner.node;
import static io.jengine.cpu.ref.ImageKernelsTest.assertValues;
import static io.jengine.cpu.ref.ImageKernelsTest.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** If, Loop and Scan with small bodies evaluated by {@link BodyRunner}, checked against hand-worked results. */
class ControlFlowKernelsTest {

    private static final Tensor ONE = f(new long[0], 1);

    private static Tensor bool(boolean v) { return Tensor.ofBools(new long[0], v); }

    private static Node ifNode(Graph then, Graph other) {
        return Node.builder("If").inputs("c").outputs("y").attr(Attribute.of("then_branch", then))
                .attr(Attribute.of("else_branch", other)).build();
    }

    @Test
    void ifRunsTheChosenBranchOnOuterValuesAndCopiesPassThroughs() {
        Graph plus = graph(List.of(), List.of("r"), node("Add", List.of("x", "one"), List.of("r")));
        Graph passThrough = graph(List.of(), List.of("x"));
        Tensor x = f(new long[] {2}, 3, -4);
        Map<String, Value> outer = Map.of("x", x, "one", ONE);
        BodyRunner runner = new BodyRunner(16);
        assertValues(new double[] {4, -3}, runner.run(ifNode(plus, passThrough), outer, bool(true))[0], 2);
        Value other = runner.run(ifNode(plus, passThrough), outer, bool(false))[0];
        assertValues(new double[] {3, -4}, other, 2);
        assertNotSame(x, other, "If must not hand back the outer tensor itself");
    }

    @Test
    void ifBranchMayProduceASequence() {
        Graph seq = graph(List.of(), List.of("s"), node("SequenceConstruct", List.of("x", "x"), List.of("s")));
        Graph empty = graph(List.of(), List.of("s"), Node.builder("SequenceEmpty").outputs("s").build());
        Map<String, Value> outer = Map.of("x", f(new long[] {1}, 7));
        assertEquals(2, ((TensorSequence) new BodyRunner(16).run(ifNode(seq, empty), outer, bool(true))[0]).size());
        assertEquals(0, ((TensorSequence) new BodyRunner(16).run(ifNode(seq, empty), outer, bool(false))[0]).size());
    }

    /** Body: y_out = y_in + 1, cond passed through, scan output = y_out. */
    private static Graph countingBody() {
        return graph(List.of("i", "cond_in", "y_in"), List.of("cond_out", "y_out", "scan"),
                node("Identity", List.of("cond_in"), List.of("cond_out")),
                node("Add", List.of("y_in", "one"), List.of("y_out")),
                node("Identity", List.of("y_out"), List.of("scan")));
    }

    private static Node loop(Graph body, String... inputs) {
        return Node.builder("Loop").inputs(inputs).outputs("y", "scan").attr(Attribute.of("body", body)).build();
    }

    @Test
    void loopWithTripCountCarriesStateAndStacksScanOutputs() {
        BodyRunner runner = new BodyRunner(16);
        Value[] out = runner.run(loop(countingBody(), "M", "cond", "y0"), Map.of("one", ONE),
                Tensor.ofLongs(new long[0], 3), bool(true), f(new long[] {2}, 1, 2));
        assertValues(new double[] {4, 5}, out[0], 2);
        assertValues(new double[] {2, 3, 3, 4, 4, 5}, out[1], 3, 2);
        assertEquals(3, runner.bodyRuns);
    }

    @Test
    void loopWithoutTripCountStopsWhenTheBodySaysSo() {
        // cond_out = i < 2, so iterations 0, 1 and 2 run; the iteration number is int64, the limit too.
        Graph body = graph(List.of("i", "cond_in", "y_in"), List.of("cond_out", "y_out", "scan"),
                node("Less", List.of("i", "two"), List.of("cond_out")),
                node("Add", List.of("y_in", "one"), List.of("y_out")),
                node("Identity", List.of("i"), List.of("scan")));
        BodyRunner runner = new BodyRunner(16);
        Value[] out = runner.run(loop(body, "", "cond", "y0"),
                Map.of("one", ONE, "two", Tensor.ofLongs(new long[0], 2)), null, bool(true), f(new long[0], 10));
        assertValues(new double[] {13}, out[0]);
        assertEquals(List.of(0L, 1L, 2L), java.util.Arrays.stream(((Tensor) out[1]).toLongArray()).boxed().toList());
        assertEquals(3, runner.bodyRuns);
    }

    @Test
    void loopThatNeverRunsCopiesItsInputsAndDeclaresEmptyScans() {
        Graph body = declare(countingBody(), "scan", floats(2));
        Tensor y0 = f(new long[] {2}, 1, 2);
        BodyRunner runner = new BodyRunner(16);
        Value[] out = runner.run(loop(body, "M", "cond", "y0"), Map.of("one", ONE),
                Tensor.ofLongs(new long[0], 5), bool(false), y0);
        assertValues(new double[] {1, 2}, out[0], 2);
        assertNotSame(y0, out[0]);
        assertValues(new double[0], out[1], 0, 2);
        assertEquals(0, runner.bodyRuns);
    }

    @Test
    void loopScanOutputsThatAreSequencesConcatenate() {
        Graph body = graph(List.of("i", "cond_in", "y_in"), List.of("cond_out", "y_out", "scan"),
                node("Identity", List.of("cond_in"), List.of("cond_out")),
                node("Add", List.of("y_in", "one"), List.of("y_out")),
                node("SequenceConstruct", List.of("y_in", "y_out"), List.of("scan")));
        Value[] out = new BodyRunner(16).run(loop(body, "M", "", "y0"), Map.of("one", ONE),
                Tensor.ofLongs(new long[0], 2), null, f(new long[0], 0));
        TensorSequence s = (TensorSequence) out[1];
        assertEquals(4, s.size());
        double[] got = s.tensors().stream().mapToDouble(t -> t.getDouble(0)).toArray();
        assertEquals(List.of(0.0, 1.0, 1.0, 2.0), java.util.Arrays.stream(got).boxed().toList());
    }

    @Test
    void loopRejectsABodyWithTheWrongInputCount() {
        Graph body = graph(List.of("i", "cond_in"), List.of("cond_in"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BodyRunner(16).run(loop(body, "M", "cond", "y0"), Map.of()));
        assertTrue(e.getMessage().contains("2 + 1 inputs"), e.getMessage());
    }

    /** Body: s_out = s + x, y = s_out. */
    private static Graph sumBody() {
        return graph(List.of("s", "x"), List.of("s_out", "y"),
                node("Add", List.of("s", "x"), List.of("s_out")),
                node("Identity", List.of("s_out"), List.of("y")));
    }

    @Test
    void scanAlongColumnsBackwardsPrependingOutputsOnTheLastAxis() {
        // Columns of [[1,2,3],[4,5,6]] taken last first: [3,6], [2,5], [1,4]; running sums [3,6], [5,11], [6,15];
        // prepended along axis -1 they read right to left.
        Node scan = Node.builder("Scan").inputs("s0", "X").outputs("s", "Y").attr(Attribute.of("body", sumBody()))
                .attr(Attribute.of("num_scan_inputs", 1L)).attr(Attribute.of("scan_input_axes", new long[] {1}))
                .attr(Attribute.of("scan_input_directions", new long[] {1}))
                .attr(Attribute.of("scan_output_axes", new long[] {-1}))
                .attr(Attribute.of("scan_output_directions", new long[] {1})).build();
        Value[] out = new BodyRunner(16).run(scan, Map.of(), f(new long[] {2}, 0, 0),
                f(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        assertValues(new double[] {6, 15}, out[0], 2);
        assertValues(new double[] {6, 5, 3, 15, 11, 6}, out[1], 2, 3);
    }

    @Test
    void scan8RunsEachBatchEntryUpToItsSequenceLength() {
        Node scan = Node.builder("Scan").inputs("lens", "s0", "X").outputs("s", "Y")
                .attr(Attribute.of("body", sumBody())).attr(Attribute.of("num_scan_inputs", 1L)).build();
        Value[] out = new BodyRunner(8).run(scan, Map.of(), Tensor.ofInts(new long[] {2}, 3, 2),
                f(new long[] {2, 1}, 0, 0), f(new long[] {2, 3, 1}, 1, 2, 3, 4, 5, 6));
        assertValues(new double[] {6, 9}, out[0], 2, 1);
        assertValues(new double[] {1, 3, 6, 4, 9, 0}, out[1], 2, 3, 1);
    }

    @Test
    void scan8OfAnEmptyBatchKeepsTheDeclaredStepShape() {
        Node scan = Node.builder("Scan").inputs("", "s0", "X").outputs("s", "Y")
                .attr(Attribute.of("body", declare(sumBody(), "y", floats(1))))
                .attr(Attribute.of("num_scan_inputs", 1L)).build();
        BodyRunner runner = new BodyRunner(8);
        Value[] out = runner.run(scan, Map.of(), null, f(new long[] {0, 1}), f(new long[] {0, 3, 1}));
        assertValues(new double[0], out[0], 0, 1);
        assertValues(new double[0], out[1], 0, 3, 1);
        assertEquals(0, runner.bodyRuns);
    }

    @Test
    void scanRejectsAnOutOfRangeScanInputCount() {
        Node scan = Node.builder("Scan").inputs("s0", "X").outputs("s", "Y").attr(Attribute.of("body", sumBody()))
                .attr(Attribute.of("num_scan_inputs", 3L)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BodyRunner(16).run(scan, Map.of()));
        assertTrue(e.getMessage().contains("num_scan_inputs must be in [1, 2], got 3"), e.getMessage());
    }
}
