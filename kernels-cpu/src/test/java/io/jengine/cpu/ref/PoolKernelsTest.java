package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ConvTestData.assertTensor;
import static io.jengine.cpu.ref.ConvTestData.data;
import static io.jengine.cpu.ref.ConvTestData.node;
import static io.jengine.cpu.ref.ConvTestData.s;
import static io.jengine.cpu.ref.ConvTestData.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The pools, MaxUnpool and Col2Im against values computed with numpy. */
class PoolKernelsTest {
    private static final String[] X = {"X"};

    private static Tensor x() { return data(DType.FLOAT32, s(1, 2, 4, 5), 3, 17, 8, 2); }

    private static Node maxPool(long storageOrder) {
        return node("MaxPool", X, new String[] {"Y", "I"}, Attribute.of("kernel_shape", s(2, 3)),
                Attribute.of("strides", s(2, 2)), Attribute.of("pads", s(1, 0, 0, 1)), Attribute.of("ceil_mode", 1L),
                Attribute.of("storage_order", storageOrder));
    }

    @Test
    void maxPoolCeilModeWithIndicesInBothStorageOrders() {
        Value[] r = KernelHarness.run(maxPool(0), 12, x());
        assertTensor(s(1, 2, 3, 3), new double[] {-1, 2, 2, 4, 1, 1, 3, -1, -1, 3.5, 3.5, -2, 2.5, 4, -3, 0.5, 3.5, 3.5},
                (Tensor) r[0], 0);
        assertArrayEquals(new long[] {2, 4, 4, 11, 9, 9, 16, 19, 19, 22, 22, 24, 27, 28, 29, 37, 39, 39},
                ((Tensor) r[1]).toLongArray());
        Tensor colMajor = (Tensor) KernelHarness.run(maxPool(1), 12, x())[1];
        assertArrayEquals(new long[] {8, 16, 16, 6, 17, 17, 7, 19, 19, 28, 28, 36, 29, 33, 37, 31, 39, 39},
                colMajor.toLongArray());
    }

    @Test
    void maxPoolPropagatesNanAndPointsAtTheFirstOne() {
        Node n = node("MaxPool", X, new String[] {"Y", "I"}, Attribute.of("kernel_shape", s(3)));
        Value[] r = KernelHarness.run(n, 12, Tensor.ofFloats(s(1, 1, 4), 1, Float.NaN, 3, Float.NaN));
        assertTrue(Double.isNaN(((Tensor) r[0]).getDouble(0)) && Double.isNaN(((Tensor) r[0]).getDouble(1)));
        assertArrayEquals(new long[] {1, 1}, ((Tensor) r[1]).toLongArray());
    }

    @Test
    void maxPoolKeepsInt8() {
        Node n = node("MaxPool", X, new String[] {"Y"}, Attribute.of("kernel_shape", s(2)),
                Attribute.of("pads", s(1, 1)));
        Value[] r = KernelHarness.run(n, 12, Tensor.fromDoubles(DType.INT8, s(1, 1, 3), new double[] {-128, -5, 127}));
        assertEquals(1, r.length);
        assertEquals(DType.INT8, ((Tensor) r[0]).dtype());
        assertArrayEquals(new long[] {-128, -5, 127, 127}, ((Tensor) r[0]).toLongArray());
    }

    @Test
    void averagePoolCountsPadsOnlyWhenAsked() {
        double[][] expected = {
            {-0.7222222222222222, -1.0, 0.3333333333333333, 1.2222222222222223, -1.1111111111111112, -0.5, 0.75,
                -0.5833333333333334, -0.5833333333333334, 0.3333333333333333, 1.0555555555555556, -0.5, -0.5, 1.5,
                0.6111111111111112, -0.5833333333333334, 0.25, 0.9166666666666666},
            {-1.625, -1.5, 0.75, 1.8333333333333333, -1.1111111111111112, -0.75, 2.25, -1.1666666666666667, -1.75,
                0.75, 1.5833333333333333, -1.125, -0.75, 1.5, 0.9166666666666666, -1.75, 0.5, 2.75}};
        for (int include = 1; include >= 0; include--) {
            Node n = node("AveragePool", X, new String[] {"Y"}, Attribute.of("kernel_shape", s(3, 3)),
                    Attribute.of("strides", s(2, 2)), Attribute.of("pads", s(1, 1, 1, 1)),
                    Attribute.of("ceil_mode", 1L), Attribute.of("count_include_pad", (long) include));
            assertTensor(s(1, 2, 3, 3), expected[1 - include], single(n, 19, x()), 1e-6);
        }
    }

    @Test
    void lpPoolWithDilations() {
        Node n = node("LpPool", X, new String[] {"Y"}, Attribute.of("kernel_shape", s(2, 2)),
                Attribute.of("strides", s(1, 2)), Attribute.of("dilations", s(2, 1)), Attribute.of("p", 3L));
        assertTensor(s(1, 2, 2, 2), new double[] {5.420339389521847, 3.1581797988281894, 4.878750127816648,
            4.443744102611055, 2.2571787177370006, 4.878750127816648, 2.6085517231380835, 4.443744102611055},
                single(n, 18, x()), 1e-6);
    }

    @Test
    void globalPoolsReduceEverySpatialAxis() {
        String[] y = {"Y"};
        assertTensor(s(1, 2, 1, 1), new double[] {-0.375, 0.3}, single(node("GlobalAveragePool", X, y), 1, x()), 1e-6);
        assertTensor(s(1, 2, 1, 1), new double[] {4, 4}, single(node("GlobalMaxPool", X, y), 1, x()), 0);
        assertTensor(s(1, 2, 1, 1), new double[] {11.191514642799696, 10.88577052853862},
                single(node("GlobalLpPool", X, y), 2, x()), 1e-6);
        // GlobalLpPool-1 takes p as a float; p = 1 sums absolute values.
        Tensor ones = Tensor.ofFloats(s(1, 1, 2), -1.5f, 2);
        assertTensor(s(1, 1, 1), new double[] {3.5},
                single(node("GlobalLpPool", X, y, Attribute.of("p", 1f)), 1, ones), 1e-6);
    }

    @Test
    void maxUnpoolWithLargerOutputShapeKeepsCoordinates() {
        Node n = node("MaxUnpool", new String[] {"X", "I", "S"}, new String[] {"Y"},
                Attribute.of("kernel_shape", s(2, 2)), Attribute.of("strides", s(2, 2)));
        Tensor y = single(n, 11, Tensor.ofFloats(s(1, 1, 2, 2), 5, 6, 7, 8), Tensor.ofLongs(s(1, 1, 2, 2), 5, 7, 13, 15),
                Tensor.ofLongs(s(4), 1, 1, 5, 5));
        double[] expected = new double[25];
        expected[6] = 5;
        expected[8] = 6;
        expected[16] = 7;
        expected[18] = 8;
        assertTensor(s(1, 1, 5, 5), expected, y, 0);
    }

    @Test
    void col2ImSumsOverlappingBlocks() {
        Node n = node("Col2Im", new String[] {"X", "image", "block"}, new String[] {"Y"},
                Attribute.of("pads", s(1, 0, 1, 0)));
        Tensor y = single(n, 18, data(DType.FLOAT32, s(1, 8, 12), 5, 19, 9, 2), Tensor.ofLongs(s(2), 3, 4),
                Tensor.ofLongs(s(2), 2, 2));
        assertTensor(s(1, 2, 3, 4), new double[] {1.5, 1.5, 2.0, -4.5, -2.5, 3.0, -6.0, 1.0, 3.0, -5.0, 5.0, -3.0, 4.0,
            -3.0, 7.0, -2.0, 0.0, -1.5, -1.0, 3.5, -4.0, 0.0, 0.5, -0.5}, y, 1e-6);
    }

    @Test
    void badPoolInputsNameWhatIsWrong() {
        Node noKernel = node("MaxPool", X, new String[] {"Y"});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> single(noKernel, 12, x()));
        assertTrue(e.getMessage().contains("kernel_shape"), e.getMessage());
        Node rank = node("AveragePool", X, new String[] {"Y"}, Attribute.of("kernel_shape", s(2)));
        e = assertThrows(IllegalArgumentException.class, () -> single(rank, 19, x()));
        assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
        Node lp = node("LpPool", X, new String[] {"Y"}, Attribute.of("kernel_shape", s(2, 2)), Attribute.of("p", 0L));
        e = assertThrows(IllegalArgumentException.class, () -> single(lp, 18, x()));
        assertTrue(e.getMessage().contains("attribute p"), e.getMessage());
        Node unpool = node("MaxUnpool", new String[] {"X", "I"}, new String[] {"Y"}, Attribute.of("kernel_shape", s(2)));
        e = assertThrows(IllegalArgumentException.class, () -> single(unpool, 11, Tensor.ofFloats(s(1, 1, 1), 1),
                Tensor.ofLongs(s(1, 1, 1), 9)));
        assertTrue(e.getMessage().contains("index 9"), e.getMessage());
        Node col = node("Col2Im", new String[] {"X", "image", "block"}, new String[] {"Y"});
        e = assertThrows(IllegalArgumentException.class, () -> single(col, 18, data(DType.FLOAT32, s(1, 8, 11), 5, 19, 9, 2),
                Tensor.ofLongs(s(2), 3, 4), Tensor.ofLongs(s(2), 2, 2)));
        assertTrue(e.getMessage().contains("blocks"), e.getMessage());
    }
}
