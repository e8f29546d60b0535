package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.BodyRunner.graph;
import static io.jengine.cpu.ref.BodyRunner.node;
import static io.jengine.cpu.ref.ImageKernelsTest.assertValues;
import static io.jengine.cpu.ref.ImageKernelsTest.f;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sequence ops, SplitToSequence, ConcatFromSequence, SequenceMap and the Optional ops. */
class SequenceKernelsTest {

    private static Node op(String type, int inputs, Attribute... attrs) {
        String[] names = new String[inputs];
        for (int i = 0; i < inputs; i++) names[i] = "i" + i;
        Node.Builder b = Node.builder(type).inputs(names).outputs("o");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    private static Value one(String type, int opset, Value... in) {
        return KernelHarness.run(op(type, in.length), opset, in)[0];
    }

    private static Tensor scalar(long v) { return Tensor.ofLongs(new long[0], v); }

    private static double[] firsts(TensorSequence s) {
        return s.tensors().stream().mapToDouble(t -> t.getDouble(0)).toArray();
    }

    @Test
    void constructInsertEraseAtAndLengthWithNegativePositions() {
        Tensor a = f(new long[] {1}, 1), b = f(new long[] {2}, 2, 2), c = f(new long[] {1}, 3);
        TensorSequence s = (TensorSequence) one("SequenceConstruct", 11, a, b);
        assertNotSame(a, s.get(0));
        s = (TensorSequence) one("SequenceInsert", 11, s, c, scalar(-1)); // before the last: [a, c, b]
        assertArrayEquals(new double[] {1, 3, 2}, firsts(s));
        s = (TensorSequence) one("SequenceInsert", 11, s, f(new long[] {1}, 4)); // at the end
        assertArrayEquals(new double[] {1, 3, 2, 4}, firsts(s));
        s = (TensorSequence) one("SequenceErase", 11, s); // the last
        s = (TensorSequence) one("SequenceErase", 11, s, Tensor.ofInts(new long[0], 0));
        assertArrayEquals(new double[] {3, 2}, firsts(s));
        assertValues(new double[] {2, 2}, one("SequenceAt", 11, s, scalar(-1)), 2);
        assertValues(new double[] {2}, one("SequenceLength", 11, s));
    }

    @Test
    void insertRejectsOutOfRangePositionsAndMixedTypes() {
        TensorSequence s = (TensorSequence) one("SequenceConstruct", 11, f(new long[] {1}, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one("SequenceInsert", 11, s, f(new long[] {1}, 2), scalar(3)));
        assertTrue(e.getMessage().contains("position 3 is out of range for a sequence of 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> one("SequenceInsert", 11, s, scalar(1)));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void sequenceEmptyTakesItsElementType() {
        Value v = KernelHarness.run(op("SequenceEmpty", 0, Attribute.of("dtype", 7L)), 11)[0];
        assertEquals(new TensorSequence(DType.INT64, List.of()), v);
    }

    @Test
    void splitToSequenceByChunkByLengthsAndPerElement() {
        Tensor x = f(new long[] {2, 5}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Node split = op("SplitToSequence", 2, Attribute.of("axis", -1L));
        TensorSequence chunks = (TensorSequence) KernelHarness.run(split, 11, x, scalar(2))[0];
        assertEquals(3, chunks.size());
        assertValues(new double[] {4, 9}, chunks.get(2), 2, 1);
        TensorSequence parts = (TensorSequence) KernelHarness.run(split, 11, x, Tensor.ofLongs(new long[] {2}, 1, 4))[0];
        assertValues(new double[] {1, 2, 3, 4, 6, 7, 8, 9}, parts.get(1), 2, 4);
        Node rows = op("SplitToSequence", 1, Attribute.of("keepdims", 0L));
        TensorSequence squeezed = (TensorSequence) KernelHarness.run(rows, 11, x)[0];
        assertValues(new double[] {5, 6, 7, 8, 9}, squeezed.get(1), 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelHarness.run(split, 11, x, Tensor.ofLongs(new long[] {2}, 1, 3)));
        assertTrue(e.getMessage().contains("sum to 4, expected the axis length 5"), e.getMessage());
    }

    @Test
    void concatFromSequenceConcatenatesOrStacks() {
        TensorSequence s = new TensorSequence(DType.FLOAT32,
                List.of(f(new long[] {2, 1}, 1, 2), f(new long[] {2, 1}, 3, 4)));
        assertValues(new double[] {1, 3, 2, 4},
                KernelHarness.run(op("ConcatFromSequence", 1, Attribute.of("axis", -1L)), 11, s)[0], 2, 2);
        assertValues(new double[] {1, 3, 2, 4}, KernelHarness.run(op("ConcatFromSequence", 1,
                Attribute.of("axis", -1L), Attribute.of("new_axis", 1L)), 11, s)[0], 2, 1, 2);
    }

    @Test
    void sequenceMapPairsSequenceElementsAndRepeatsTensors() {
        Graph body = graph(List.of("a", "b"), List.of("c"), node("Add", List.of("a", "b"), List.of("c")));
        Node map = Node.builder("SequenceMap").inputs("s", "t").outputs("o").attr(Attribute.of("body", body)).build();
        TensorSequence s = new TensorSequence(DType.FLOAT32, List.of(f(new long[] {1}, 1), f(new long[] {2}, 2, 3)));
        TensorSequence withTensor = (TensorSequence) new BodyRunner(17).run(map, Map.of(), s, f(new long[0], 10))[0];
        assertValues(new double[] {12, 13}, withTensor.get(1), 2);
        TensorSequence t = new TensorSequence(DType.FLOAT32, List.of(f(new long[] {1}, 5), f(new long[] {1}, -1)));
        TensorSequence paired = (TensorSequence) new BodyRunner(17).run(map, Map.of(), s, t)[0];
        assertValues(new double[] {6}, paired.get(0), 1);
        assertValues(new double[] {1, 2}, paired.get(1), 2);
    }

    @Test
    void optionalWrapsTestsAndUnwraps() {
        Tensor x = f(new long[] {2}, 1, 2);
        OptionalValue full = (OptionalValue) one("Optional", 15, x);
        assertNotSame(x, full.content());
        assertValues(new double[] {1}, one("OptionalHasElement", 15, full));
        Value got = one("OptionalGetElement", 18, full);
        assertValues(new double[] {1, 2}, got, 2);
        assertNotSame(full.content(), got);
        Node typed = Node.builder("Optional").outputs("o")
                .attr(new Attribute("type", Attribute.Kind.TYPE_PROTO, ValueType.tensor(DType.INT32))).build();
        OptionalValue empty = (OptionalValue) KernelHarness.run(typed, 15)[0];
        assertFalse(empty.isPresent());
        assertValues(new double[] {0}, one("OptionalHasElement", 18, empty));
        assertValues(new double[] {0}, KernelHarness.run(op("OptionalHasElement", 1), 18, (Value) null)[0]);
        assertValues(new double[] {1, 2}, one("OptionalGetElement", 18, x), 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one("OptionalGetElement", 18, empty));
        assertTrue(e.getMessage().contains("empty optional"), e.getMessage());
    }

    @Test
    void optionalOfASequenceUnwrapsToACopy() {
        TensorSequence s = new TensorSequence(DType.INT64, List.of(scalar(4), scalar(5)));
        OptionalValue o = (OptionalValue) one("Optional", 15, s);
        assertEquals(new ValueType.SequenceType(new ValueType.TensorType(DType.INT64, null)), o.elementType());
        TensorSequence back = (TensorSequence) one("OptionalGetElement", 15, o);
        assertArrayEquals(new double[] {4, 5}, firsts(back));
        assertNotSame(s.get(0), back.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one("SequenceAt", 11, back, scalar(-3)));
        assertTrue(e.getMessage().contains("position -3 is out of range for a sequence of 2"), e.getMessage());
    }
}
