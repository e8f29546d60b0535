package io.jengine.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shapes of generated inputs (--batch, dynamic dimensions) and their values (--input-range). */
class BenchInputsTest {
    static ValueInfo input(String name, DType type, Dim... dims) {
        return new ValueInfo(name, new ValueType.TensorType(type, new Shape(List.of(dims))));
    }

    static final ValueInfo IMAGE = input("image", DType.FLOAT32, Dim.symbol("N"), Dim.of(3), Dim.of(8), Dim.of(8));
    static final ValueInfo IDS = input("ids", DType.INT64, Dim.symbol("batch"), Dim.symbol("seq"));

    @Test
    void batchFillsTheDynamicLeadingDimension() {
        assertArrayEquals(new long[] {4, 3, 8, 8}, BenchInputs.concreteShape(IMAGE, 4));
        Map<String, long[]> fixed = BenchInputs.batchShapes(List.of(IMAGE), 2, Set.of());
        assertArrayEquals(new long[] {2, 3, 8, 8}, fixed.get("image"));
    }

    @Test
    void aDynamicDimensionWithoutAValueIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchInputs.concreteShape(IMAGE, null));
        assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("dimension 0 ('N')")
                && e.getMessage().contains("--shapes image:?x3x8x8") && e.getMessage().contains("--batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchInputs.concreteShape(IDS, 1));
        assertTrue(e.getMessage().contains("dimension 1 ('seq')") && e.getMessage().contains("--shapes ids:1x?"), e.getMessage());
    }

    @Test
    void batchCannotChangeAFixedLeadingDimension() {
        ValueInfo fixed = input("x", DType.FLOAT32, Dim.of(8), Dim.of(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchInputs.batchShapes(List.of(fixed), 4, Set.of()));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("fixed leading dimension 8"), e.getMessage());
        assertTrue(BenchInputs.batchShapes(List.of(fixed), 8, Set.of()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> BenchInputs.batchShapes(List.of(IMAGE), 0, Set.of()));
    }

    @Test
    void inputsGivenOtherwiseAreLeftToTheirSource() {
        assertTrue(BenchInputs.batchShapes(List.of(IMAGE, IDS), 2, Set.of("ids")).keySet().equals(Set.of("image")));
    }

    @Test
    void floatsFillTheRangeAndAreRepeatable() {
        Tensor a = BenchInputs.random("x", DType.FLOAT32, new long[] {3, 37}, null, new Random(1));
        Tensor b = BenchInputs.random("x", DType.FLOAT32, new long[] {3, 37}, null, new Random(1));
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (float v : a.toFloatArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -1 && max < 1 && min < -0.5 && max > 0.5, min + " " + max);
        Tensor c = BenchInputs.random("x", DType.FLOAT32, new long[] {50}, InputRange.parse("2:3"), new Random(1));
        for (float v : c.toFloatArray()) assertTrue(v >= 2 && v <= 3, "value " + v);
    }

    @Test
    void integersAreSmallAndNonNegativeByDefault() {
        Tensor t = BenchInputs.random("ids", DType.INT64, new long[] {1, 128}, null, new Random(2));
        long zeros = 0;
        for (long v : t.toLongArray()) {
            assertTrue(v == 0 || v == 1, "value " + v);
            if (v == 0) zeros++;
        }
        assertTrue(zeros > 20 && zeros < 108, "both values drawn, zeros " + zeros);
        Tensor r = BenchInputs.random("ids", DType.INT32, new long[] {200}, InputRange.parse("5:9"), new Random(2));
        boolean sawLow = false, sawHigh = false;
        for (long v : r.toLongArray()) {
            assertTrue(v >= 5 && v <= 9, "value " + v);
            sawLow |= v == 5;
            sawHigh |= v == 9;
        }
        assertTrue(sawLow && sawHigh, "both ends of the inclusive range drawn");
    }

    @Test
    void rangesAreParsedOrRefusedByName() {
        assertEquals(new InputRange(-1.5, 2), InputRange.parse("-1.5:2"));
        assertEquals(new InputRange(0, 30521), InputRange.parse("0:30521"));
        for (String bad : new String[] {"3", "a:b", "2:1", "1:nan"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputRange.parse(bad));
            assertTrue(e.getMessage().startsWith("--input-range"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                BenchInputs.random("ids", DType.INT64, new long[] {2}, InputRange.parse("0.2:0.8"), new Random(1)));
        assertTrue(e.getMessage().contains("no integer"), e.getMessage());
    }

    @Test
    void stringsCannotBeGenerated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchInputs.random("s", DType.STRING, new long[] {2}, null, new Random(1)));
        assertTrue(e.getMessage().contains("--input s=FILE"), e.getMessage());
    }
}
