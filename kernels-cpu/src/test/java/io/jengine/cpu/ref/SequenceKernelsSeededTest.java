package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ControlFlowKernelsSeededTest.graph;
import static io.jengine.cpu.ref.ControlFlowKernelsSeededTest.runWithBodies;
import static io.jengine.cpu.ref.RefChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequence construction, editing, splitting, concatenation, SequenceMap and the Optional ops. */
class SequenceKernelsSeededTest {
    private static final Tensor A = t(DType.FLOAT32, shape(2), data(1, 2, -3, 3));
    private static final Tensor B = t(DType.FLOAT32, shape(3), data(2, 3, -3, 3));
    private static final Tensor C = t(DType.FLOAT32, shape(1), data(3, 1, -3, 3));

    private static TensorSequence seq(Tensor... ts) { return new TensorSequence(ts[0].dtype(), List.of(ts)); }

    @Test
    void constructInsertEraseAtLength() {
        Value s = KernelHarness.run(node("SequenceConstruct", in("a", "b")), 11, A, B)[0];
        check(seq(A, B), s);
        check(seq(A, C, B), KernelHarness.run(node("SequenceInsert", in("s", "t", "p")), 11, s, C, Tensor.ofLongs(shape(), -1))[0]);
        check(seq(A, B, C), KernelHarness.run(node("SequenceInsert", in("s", "t")), 11, s, C)[0]);
        check(seq(B), KernelHarness.run(node("SequenceErase", in("s", "p")), 11, s, Tensor.ofInts(shape(), -2))[0]);
        check(seq(A), KernelHarness.run(node("SequenceErase", in("s")), 11, s)[0]);
        check(B, KernelHarness.run(node("SequenceAt", in("s", "p")), 11, s, Tensor.ofLongs(shape(), -1))[0]);
        check(Tensor.ofLongs(shape(), 2), KernelHarness.run(node("SequenceLength", in("s")), 11, s)[0]);
        TensorSequence empty = (TensorSequence) KernelHarness.run(node("SequenceEmpty", in(), Attribute.of("dtype", (long) DType.INT64.onnxCode())), 11)[0];
        assertEquals(0, empty.size());
        assertEquals(DType.INT64, empty.elementType());
    }

    @Test
    void splitToSequenceAndConcatBack() {
        double[] x = data(4, 12, -5, 5);
        Tensor xt = t(DType.FLOAT64, shape(2, 6), x);
        TensorSequence parts = (TensorSequence) KernelHarness.run(node("SplitToSequence", in("x", "s"), Attribute.of("axis", -1L)), 11,
                xt, Tensor.ofLongs(shape(2), 4, 2))[0];
        check(t(DType.FLOAT64, shape(2, 4), x[0], x[1], x[2], x[3], x[6], x[7], x[8], x[9]), parts.get(0));
        check(t(DType.FLOAT64, shape(2, 2), x[4], x[5], x[10], x[11]), parts.get(1));
        check(xt, KernelHarness.run(node("ConcatFromSequence", in("s"), Attribute.of("axis", 1L)), 11, parts)[0]);
        // No split, keepdims 0: one slice per index with the axis removed; new_axis stacks them back.
        TensorSequence rows = (TensorSequence) KernelHarness.run(node("SplitToSequence", in("x"), Attribute.of("keepdims", 0L)), 11, xt)[0];
        assertEquals(2, rows.size());
        check(t(DType.FLOAT64, shape(6), java.util.Arrays.copyOfRange(x, 6, 12)), rows.get(1));
        check(xt, KernelHarness.run(node("ConcatFromSequence", in("s"), Attribute.of("axis", 0L), Attribute.of("new_axis", 1L)), 11, rows)[0]);
    }

    @Test
    void sequenceMapRunsTheBodyPerElement() {
        // Body "add 1" with a broadcast extra tensor input: (x, k) -> x + 1 + k.
        Node n = Node.builder("SequenceMap").inputs("s", "k").outputs("y").attr(Attribute.of("body", graph("add1", 2, 1))).build();
        Tensor k = t(DType.FLOAT32, shape(), 0.5);
        Value[] out = runWithBodies(n, 17, (b, in) -> {
            Tensor x = (Tensor) in.get(0);
            double kk = ((Tensor) in.get(1)).getDouble(0);
            return List.of(ControlFlowKernelsSeededTest.map(x, v -> v + 1 + kk));
        }, seq(A, B), k);
        check(seq(ControlFlowKernelsSeededTest.map(A, v -> v + 1.5), ControlFlowKernelsSeededTest.map(B, v -> v + 1.5)), out[0]);
    }

    @Test
    void optionalWrapsAndUnwraps() {
        OptionalValue o = (OptionalValue) KernelHarness.run(node("Optional", in("x")), 15, A)[0];
        assertTrue(o.isPresent());
        check(l(DType.BOOL, shape(), 1), KernelHarness.run(node("OptionalHasElement", in("o")), 18, o)[0]);
        check(A, KernelHarness.run(node("OptionalGetElement", in("o")), 18, o)[0]);
        check(l(DType.BOOL, shape(), 0), KernelHarness.run(node("OptionalHasElement", in("o")), 18, (Value) null)[0]);
        // Without an input the element type must come from the 'type' attribute.
        fails(() -> KernelHarness.run(node("Optional", in()), 15), "type");
        OptionalValue none = new OptionalValue(io.jengine.tensor.ValueType.tensor(DType.FLOAT32, A.shape()), null);
        assertFalse(none.isPresent());
        fails(() -> KernelHarness.run(node("OptionalGetElement", in("o")), 18, none), "optional", "empty");
    }

    @Test
    void positionOutOfRangeIsReported() {
        fails(() -> KernelHarness.run(node("SequenceAt", in("s", "p")), 11, seq(A, B), Tensor.ofLongs(shape(), 5)), "position", "5");
    }

    @Test
    void scalarSplitLeavesTheRemainderLastAndNewAxisAtTheEnd() {
        double[] x = data(5, 5, -5, 5);
        TensorSequence parts = (TensorSequence) KernelHarness.run(node("SplitToSequence", in("x", "s")), 11,
                t(DType.FLOAT32, shape(5), x), Tensor.ofLongs(shape(), 2))[0];
        assertEquals(3, parts.size());
        check(t(DType.FLOAT32, shape(1), x[4]), parts.get(2));
        // new_axis with axis -1 stacks along a new last axis: [a, b] of shape [2] -> [2, 2] with columns a and b.
        check(t(DType.FLOAT32, shape(2, 2), x[0], x[2], x[1], x[3]), KernelHarness.run(node("ConcatFromSequence", in("s"),
                Attribute.of("axis", -1L), Attribute.of("new_axis", 1L)), 11, seq(parts.get(0), parts.get(1)))[0]);
    }
}
