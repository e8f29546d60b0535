package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ConvTestData.assertTensor;
import static io.jengine.cpu.ref.ConvTestData.data;
import static io.jengine.cpu.ref.ConvTestData.node;
import static io.jengine.cpu.ref.ConvTestData.s;
import static io.jengine.cpu.ref.ConvTestData.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Conv, ConvInteger, QLinearConv, ConvTranspose and DeformConv against values computed with numpy. */
class ConvKernelsTest {
    private static final String[] XWB = {"X", "W", "B"};
    private static final String[] Y = {"Y"};

    private static final double[] CONV2D = {2.125, -4.5, 2.875, -3.625, -9.875, 4.875, 0.25, -0.5, 4.875, -1.0, -0.5,
        4.25, 1.375, -6.0, -1.875, 6.125, 2.625, -1.625, 3.625, 4.75, -1.625, 5.125, 4.75, -3.75, -0.5, 3.75, 1.375,
        0.875, 2.625, 3.75, 3.25, -1.625, 3.75, -2.0, -1.625, 5.875, 2.375, -5.125, 1.125, 4.125, -3.875, -3.875, 3.25,
        2.625, -3.875, 7.125, 2.625, 0.625};

    private static Node conv2d() {
        return node("Conv", XWB, Y, Attribute.of("group", 2L), Attribute.of("strides", s(2, 1)),
                Attribute.of("pads", s(1, 0, 0, 2)), Attribute.of("dilations", s(1, 2)));
    }

    @Test
    void groupedStridedDilatedConvWithAsymmetricPadsAndBias() {
        Tensor x = data(DType.FLOAT32, s(1, 4, 5, 6), 7, 11, 5, 2);
        Tensor w = data(DType.FLOAT32, s(4, 2, 2, 3), 5, 13, 6, 4);
        Tensor b = Tensor.ofFloats(s(4), 0.5f, -1, 2, 0.25f);
        assertTensor(s(1, 4, 3, 4), CONV2D, single(conv2d(), 11, x, w, b), 1e-6);
    }

    @Test
    void float64AndFloat16TakeTheSamePath() {
        for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT16}) {
            Tensor x = data(t, s(1, 4, 5, 6), 7, 11, 5, 2);
            Tensor w = data(t, s(4, 2, 2, 3), 5, 13, 6, 4);
            Tensor b = Tensor.fromDoubles(t, s(4), new double[] {0.5, -1, 2, 0.25});
            Tensor y = single(conv2d(), 11, x, w, b);
            assertEquals(t, y.dtype());
            assertTensor(s(1, 4, 3, 4), CONV2D, y, t == DType.FLOAT16 ? 2e-3 : 1e-12);
        }
    }

    @Test
    void conv1dSameLowerPutsTheExtraPadFirst() {
        Node n = node("Conv", new String[] {"X", "W"}, Y, Attribute.of("auto_pad", "SAME_LOWER"),
                Attribute.of("strides", s(2)));
        Tensor y = single(n, 11, data(DType.FLOAT32, s(1, 2, 7), 7, 11, 5, 2), data(DType.FLOAT32, s(3, 2, 4), 5, 13, 6, 4));
        assertTensor(s(1, 3, 4), new double[] {-5.0, -4.125, 4.5, 3.0, -5.875, 2.125, 6.125, -0.625, -6.75, 1.875,
            6.125, -1.0}, y, 1e-6);
    }

    @Test
    void fiveOutputChannelsCoverTheFourChannelBlockAndItsRemainder() {
        Node n = node("Conv", new String[] {"X", "W"}, Y, Attribute.of("pads", s(1, 1, 1, 1)));
        Tensor y = single(n, 11, data(DType.FLOAT32, s(1, 2, 3, 4), 7, 11, 5, 2),
                data(DType.FLOAT32, s(5, 2, 3, 3), 5, 13, 6, 4));
        assertTensor(s(1, 5, 3, 4), new double[] {3.875, -4.75, 1.875, 3.125, -1.75, 1.875, 11.75, -2.625, -5.375,
            7.875, 1.125, -8.375, 7.625, -8.375, 8.75, 3.625, -6.25, 0.5, 14.625, -12.375, -0.5, 8.125, -11.125, 2.5,
            3.25, -2.25, 7.5, 2.5, -1.0, -0.875, 6.125, -12.375, -0.5, 8.375, -10.375, 3.625, -1.125, -4.25, 9.5, -8.375,
            4.25, -0.625, -7.25, -2.625, -0.5, 2.125, -4.75, 3.125, -0.625, -4.625, 8.25, -9.5, 1.375, 7.75, -6.0,
            -2.625, 6.0, 2.375, -10.5, 4.25}, y, 1e-6);
    }

    @Test
    void nanInTheInputPropagatesEvenThroughZeroWeights() {
        Node n = node("Conv", new String[] {"X", "W"}, Y);
        Tensor y = single(n, 11, Tensor.ofFloats(s(1, 1, 1, 2), Float.NaN, 1), Tensor.ofFloats(s(1, 1, 1, 1), 0));
        assertTrue(Double.isNaN(y.getDouble(0)));
        assertEquals(0.0, y.getDouble(1));
    }

    @Test
    void depthwiseConvUsesOneFilterPerChannel() {
        Node n = node("Conv", new String[] {"X", "W"}, Y, Attribute.of("group", 2L));
        Tensor x = Tensor.ofFloats(s(1, 2, 1, 3), 1, 2, 3, 4, 5, 6);
        Tensor w = Tensor.ofFloats(s(2, 1, 1, 2), 1, -1, 2, 0.5f);
        assertTensor(s(1, 2, 1, 2), new double[] {-1, -1, 10.5, 13}, single(n, 11, x, w), 0);
    }

    @Test
    void convIntegerSubtractsScalarAndPerChannelZeroPoints() {
        int[] xv = new int[16];
        for (int i = 0; i < 16; i++) xv[i] = (i * 37) % 256;
        double[] wv = new double[8];
        for (int i = 0; i < 8; i++) wv[i] = (i * 5) % 9 - 4;
        Tensor x = Tensor.fromDoubles(DType.UINT8, s(1, 1, 4, 4), java.util.Arrays.stream(xv).asDoubleStream().toArray());
        Tensor w = Tensor.fromDoubles(DType.INT8, s(2, 1, 2, 2), wv);
        Node n = node("ConvInteger", new String[] {"x", "w", "xz", "wz"}, Y, Attribute.of("pads", s(1, 1, 0, 0)));
        Tensor y = single(n, 10, x, w, Tensor.scalar(DType.UINT8, 100), Tensor.fromDoubles(DType.INT8, s(2), new double[] {1, -2}));
        assertEquals(DType.INT32, y.dtype());
        assertTensor(s(1, 2, 4, 4), new double[] {-100, 337, 226, 115, 48, 393, 97, -455, -60, -23, -319, -615, 88, 73,
            -479, 249, -600, -478, -219, 40, -212, 243, 687, -405, -120, 227, 671, -165, 228, 723, -369, -181}, y, 0);
    }

    @Test
    void qlinearConvRequantizesPerChannel() {
        double[] xv = new double[16];
        for (int i = 0; i < 16; i++) xv[i] = (i * 37) % 256;
        double[] wv = new double[8];
        for (int i = 0; i < 8; i++) wv[i] = (i * 5) % 9 - 4;
        Node n = node("QLinearConv", new String[] {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "B"}, Y);
        Tensor y = single(n, 10, Tensor.fromDoubles(DType.UINT8, s(1, 1, 4, 4), xv), Tensor.scalar(DType.FLOAT32, 0.5),
                Tensor.scalar(DType.UINT8, 10), Tensor.fromDoubles(DType.INT8, s(2, 1, 2, 2), wv),
                Tensor.ofFloats(s(2), 0.1f, 0.2f), Tensor.fromDoubles(DType.INT8, s(2), new double[] {0, 0}),
                Tensor.scalar(DType.FLOAT32, 3), Tensor.scalar(DType.UINT8, 20), Tensor.ofInts(s(2), 5, -7));
        assertEquals(DType.UINT8, y.dtype());
        assertTensor(s(1, 2, 3, 3), new double[] {20, 18, 7, 15, 12, 5, 17, 6, 17, 42, 47, 18, 36, 41, 20, 47, 18, 31},
                y, 0);
    }

    @Test
    void convTransposeWithGroupsStridesPadsAndOutputPadding() {
        Node n = node("ConvTranspose", new String[] {"X", "W"}, Y, Attribute.of("group", 2L),
                Attribute.of("strides", s(2, 1)), Attribute.of("pads", s(1, 0, 0, 1)),
                Attribute.of("output_padding", s(1, 0)));
        Tensor y = single(n, 11, data(DType.FLOAT32, s(1, 2, 3, 3), 7, 11, 5, 2),
                data(DType.FLOAT32, s(2, 1, 2, 3), 5, 13, 6, 4));
        assertTensor(s(1, 2, 6, 4), new double[] {2.5, -1.625, -2.5, 1.25, -3.75, -1.375, 4.625, 0.875, -2.5, 0.125,
            5.375, 0.375, -3.0, -0.5, 5.0, 0.5, -2.0, 0.5, 5.0, -0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 1.875, -1.75, -2.75, -0.5,
            1.25, -3.25, 3.125, 0.0, 1.25, -2.0, 3.875, -0.25, 1.125, -2.75, 3.375, 0.0, 0.625, -2.25, 3.625, 0.0, 0.0,
            0.0, 0.0}, y, 1e-6);
    }

    @Test
    void convTransposeOutputShapeExtendsWithZerosAtTheEnd() {
        Node n = node("ConvTranspose", new String[] {"X", "W", "B"}, Y, Attribute.of("output_shape", s(4)));
        Tensor y = single(n, 11, Tensor.ofFloats(s(1, 1, 2), 1, 2), Tensor.ofFloats(s(1, 1, 2), 1, 10),
                Tensor.ofFloats(s(1), 0.5f));
        assertTensor(s(1, 1, 4), new double[] {1.5, 12.5, 20.5, 0.5}, y, 0);
    }

    @Test
    void deformConvWithZeroOffsetsIsAConvAndFractionalOffsetsInterpolate() {
        Tensor x = Tensor.ofFloats(s(1, 1, 2, 2), 1, 2, 3, 4);
        Tensor w = Tensor.ofFloats(s(1, 1, 1, 1), 2);
        Node n = node("DeformConv", new String[] {"X", "W", "offset", "B", "mask"}, Y);
        float[] off = new float[8];
        off[0] = 0.5f;      // output (0,0): dh = 0.5 -> between 1 and 3
        off[4 + 3] = 0.25f; // output (1,1): dw = 0.25 -> 4 * 0.75 + 0 (outside) * 0.25
        Tensor mask = Tensor.ofFloats(s(1, 1, 2, 2), 1, 1, 0.5f, 1);
        Tensor y = single(n, 19, x, w, Tensor.ofFloats(s(1, 2, 2, 2), off), Tensor.ofFloats(s(1), 1), mask);
        assertTensor(s(1, 1, 2, 2), new double[] {2 * 2 + 1, 2 * 2 + 1, 2 * 3 * 0.5 + 1, 2 * 3 + 1}, y, 1e-6);
    }

    @Test
    void badChannelsAndAttributesNameWhatIsWrong() {
        Node n = node("Conv", new String[] {"X", "W"}, Y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> single(n, 11,
                Tensor.ofFloats(s(1, 3, 2, 2), new float[12]), Tensor.ofFloats(s(1, 2, 1, 1), 1, 1)));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
        Node bad = node("Conv", new String[] {"X", "W"}, Y, Attribute.of("strides", s(1)));
        e = assertThrows(IllegalArgumentException.class, () -> single(bad, 11,
                Tensor.ofFloats(s(1, 1, 2, 2), new float[4]), Tensor.ofFloats(s(1, 1, 1, 1), 1)));
        assertTrue(e.getMessage().contains("strides"), e.getMessage());
        Node autoPad = node("Conv", new String[] {"X", "W"}, Y, Attribute.of("auto_pad", "SAME"));
        e = assertThrows(IllegalArgumentException.class, () -> single(autoPad, 11,
                Tensor.ofFloats(s(1, 1, 2, 2), new float[4]), Tensor.ofFloats(s(1, 1, 1, 1), 1)));
        assertTrue(e.getMessage().contains("auto_pad 'SAME'"), e.getMessage());
        Node badT = node("ConvTranspose", new String[] {"X", "W"}, Y, Attribute.of("pads", s(1, 1)));
        e = assertThrows(IllegalArgumentException.class, () -> single(badT, 11,
                Tensor.ofFloats(s(1, 1, 2, 2), new float[4]), Tensor.ofFloats(s(1, 1, 1, 1), 1)));
        assertTrue(e.getMessage().contains("pads"), e.getMessage());
    }
}
