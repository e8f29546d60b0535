package io.jengine.cpu.ref;

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

/**
 * Resize, Upsample, GridSample, AffineGrid, RoiAlign and NonMaxSuppression against values worked out by hand or with
 * a numpy transcription of the ONNX definitions.
 */
class ImageKernelsTest {

    static Tensor f(long[] shape, double... v) { return Tensor.fromDoubles(DType.FLOAT32, shape, v); }

    static void assertValues(double[] expected, Value actual, long... shape) {
        Tensor a = (Tensor) actual;
        assertArrayEquals(shape, a.shape());
        double[] got = a.toDoubleArray();
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 + 1e-5 * Math.abs(expected[i]), "element " + i);
        }
    }

    private static Node resize(Attribute... attrs) {
        Node.Builder b = Node.builder("Resize").inputs("X", "roi", "scales", "sizes").outputs("Y");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    @Test
    void resizeLinearHalfPixelUpsample() {
        Value[] out = KernelHarness.run(resize(Attribute.of("mode", "linear")), 19,
                f(new long[] {1, 1, 2, 2}, 1, 2, 3, 4), null, f(new long[] {4}, 1, 1, 2, 2));
        assertValues(new double[] {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4},
                out[0], 1, 1, 4, 4);
    }

    @Test
    void resizeCubicAlignCornersWithSizesOnNegativeAxis() {
        Node n = resize(Attribute.of("mode", "cubic"), Attribute.of("coordinate_transformation_mode", "align_corners"),
                Attribute.of("axes", new long[] {-1}));
        Value[] out = KernelHarness.run(n, 19, f(new long[] {1, 4}, 1, 2, 4, 8), null, null,
                Tensor.ofLongs(new long[] {1}, 7));
        assertValues(new double[] {1, 1.3125, 2, 2.71875, 4, 6.1875, 8}, out[0], 1, 7);
    }

    @Test
    void resizeCubicExcludeOutsideWithCoefficientA() {
        Node n = resize(Attribute.of("mode", "cubic"), Attribute.of("cubic_coeff_a", -0.5f),
                Attribute.of("exclude_outside", 1L));
        Value[] out = KernelHarness.run(n, 13, f(new long[] {5}, 1, 2, 4, 8, 16), Tensor.ofFloats(new long[] {0}),
                f(new long[] {1}, 0.75));
        assertValues(new double[] {1.0919037199124717, 2.8125, 7.078703703703705}, out[0], 3);
    }

    @Test
    void resizeLinearAntialiasDownsampleWidensTheFilter() {
        // scale 1/2: a 4-tap triangle (1/8, 3/8, 3/8, 1/8) centred on each output pixel, edges clamped.
        Node n = resize(Attribute.of("mode", "linear"), Attribute.of("antialias", 1L));
        Value[] out = KernelHarness.run(n, 18, f(new long[] {8}, 1, 2, 3, 4, 5, 6, 7, 8), null,
                f(new long[] {1}, 0.5));
        assertValues(new double[] {1.625, 3.5, 5.5, 7.375}, out[0], 4);
    }

    @Test
    void resizeTfCropAndResizeExtrapolatesOutsideTheImage() {
        Node n = resize(Attribute.of("mode", "linear"),
                Attribute.of("coordinate_transformation_mode", "tf_crop_and_resize"),
                Attribute.of("extrapolation_value", -1f), Attribute.of("axes", new long[] {2, 3}));
        Value[] out = KernelHarness.run(n, 18, f(new long[] {1, 1, 3, 3}, 0, 1, 2, 3, 4, 5, 6, 7, 8),
                f(new long[] {4}, 0.2, 0.1, 0.9, 1.2), null, Tensor.ofLongs(new long[] {2}, 2, 3));
        assertValues(new double[] {1.4, 2.5, -1, 5.6, 6.7, -1}, out[0], 1, 1, 2, 3);
    }

    @Test
    void resizeNearestKeepsLargeInt64ExactlyAndHonoursNearestMode() {
        long big = (1L << 60) + 1;
        Node n = resize(Attribute.of("mode", "nearest"), Attribute.of("coordinate_transformation_mode", "asymmetric"),
                Attribute.of("nearest_mode", "ceil"));
        // asymmetric x / 1.5: 0, 0.67, 1.33 -> ceil 0, 1, 2 (clamped to 1).
        Value[] out = KernelHarness.run(n, 13, Tensor.ofLongs(new long[] {2}, big, -3), null,
                f(new long[] {1}, 1.5));
        Tensor y = (Tensor) out[0];
        assertArrayEquals(new long[] {3}, y.shape());
        assertArrayEquals(new long[] {big, -3, -3}, y.toLongArray());
    }

    @Test
    void resizeNotSmallerPolicyKeepsAspectRatio() {
        // sizes (3, 5) for a 2x2 image: not_smaller takes scale 2.5 on both axes -> 5x5.
        Node n = resize(Attribute.of("mode", "nearest"), Attribute.of("keep_aspect_ratio_policy", "not_smaller"));
        Value[] out = KernelHarness.run(n, 18, f(new long[] {2, 2}, 1, 2, 3, 4), null, null,
                Tensor.ofLongs(new long[] {2}, 3, 5));
        Tensor y = (Tensor) out[0];
        assertArrayEquals(new long[] {5, 5}, y.shape());
        // half_pixel (i + 0.5) / 2.5 - 0.5 = -0.3, 0.1, 0.5, 0.9, 1.3 -> round_prefer_floor 0, 0, 0, 1, 1.
        assertValues(new double[] {1, 1, 1, 2, 2}, Tensor.fromDoubles(DType.FLOAT32, new long[] {5},
                java.util.Arrays.copyOf(y.toDoubleArray(), 5)), 5);
        assertEquals(4, y.getDouble(24));
    }

    @Test
    void resizeHalfPixelSymmetricAndPytorchHalfPixel() {
        // scale 0.6 of 4 -> 2 pixels; the 2.4-pixel extent is centred: offset 2 * (1 - 2 / 2.4) = 1/3.
        Node sym = resize(Attribute.of("mode", "linear"),
                Attribute.of("coordinate_transformation_mode", "half_pixel_symmetric"));
        assertValues(new double[] {5.0 / 3, 10.0 / 3}, KernelHarness.run(sym, 19, f(new long[] {1, 4}, 1, 2, 3, 4),
                null, f(new long[] {2}, 1, 0.6))[0], 1, 2);
        // pytorch_half_pixel maps a length-1 output to -0.5, which reads the first pixel; float16 stays float16.
        Node pt = resize(Attribute.of("mode", "linear"),
                Attribute.of("coordinate_transformation_mode", "pytorch_half_pixel"));
        Tensor half = Tensor.fromDoubles(DType.FLOAT16, new long[] {4}, new double[] {2, 4, 6, 8});
        Tensor y = (Tensor) KernelHarness.run(pt, 13, half, Tensor.ofFloats(new long[] {0}),
                Tensor.ofFloats(new long[] {0}), Tensor.ofLongs(new long[] {1}, 1))[0];
        assertEquals(DType.FLOAT16, y.dtype());
        assertValues(new double[] {2}, y, 1);
    }

    @Test
    void resizeOpset10RoundsUpWhenShrinkingAndTruncatesWhenGrowing() {
        Node n = Node.builder("Resize").inputs("X", "scales").outputs("Y").build();
        // x / 0.75 = 0, 1.33, 2.67 -> 0, 2, 3.
        assertValues(new double[] {1, 3, 4},
                KernelHarness.run(n, 10, f(new long[] {4}, 1, 2, 3, 4), f(new long[] {1}, 0.75))[0], 3);
        // x / 1.5 = 0, 0.67, 1.33, 2, 2.67, 3.33 -> 0, 0, 1, 2, 2, 3.
        assertValues(new double[] {1, 1, 2, 3, 3, 4},
                KernelHarness.run(n, 10, f(new long[] {4}, 1, 2, 3, 4), f(new long[] {1}, 1.5))[0], 6);
    }

    @Test
    void upsampleOpset9RepeatsAndOpset7ReadsTheAttribute() {
        Node n9 = Node.builder("Upsample").inputs("X", "scales").outputs("Y").attr(Attribute.of("mode", "nearest"))
                .build();
        Value[] out = KernelHarness.run(n9, 9, f(new long[] {1, 2}, 1, 2), f(new long[] {2}, 2, 3));
        assertValues(new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, out[0], 2, 6);
        Node n7 = Node.builder("Upsample").inputs("X").outputs("Y").attr(Attribute.of("mode", "linear"))
                .attr(Attribute.of("scales", new float[] {2f})).build();
        // asymmetric: x / 2 = 0, 0.5, 1, 1.5 (clamped to the last pixel).
        assertValues(new double[] {1, 2, 3, 3}, KernelHarness.run(n7, 7, f(new long[] {2}, 1, 3))[0], 4);
    }

    @Test
    void resizeRejectsBadInputsAndAttributes() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(
                resize(), 19, f(new long[] {2}, 1, 2), null, f(new long[] {1}, 2), Tensor.ofLongs(new long[] {1}, 4)));
        assertTrue(both.getMessage().contains("exactly one of scales and sizes"), both.getMessage());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> KernelHarness.run(resize(Attribute.of("mode", "area")), 19, f(new long[] {2}, 1, 2)));
        assertTrue(mode.getMessage().contains("'area'"), mode.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(
                resize(), 19, f(new long[] {1, 2}, 1, 2), null, f(new long[] {1}, 2)));
        assertTrue(count.getMessage().contains("scales must have one entry per resized axis (2), got 1"),
                count.getMessage());
    }

    private static Value gridSample(String mode, String padding, long align, Tensor x, Tensor grid) {
        Node n = Node.builder("GridSample").inputs("X", "grid").outputs("Y").attr(Attribute.of("mode", mode))
                .attr(Attribute.of("padding_mode", padding)).attr(Attribute.of("align_corners", align)).build();
        return KernelHarness.run(n, 20, x, grid)[0];
    }

    private static final double[] IMG = {1, 2, 3, 4, 5, 6};
    private static final double[] PTS = {0, 0, -1, -1, 0.9, 0.5};

    @Test
    void gridSamplePaddingModes() {
        Tensor x = f(new long[] {1, 1, 2, 3}, IMG);
        Tensor g = f(new long[] {1, 1, 3, 2}, PTS);
        assertValues(new double[] {3.5, 0.25, 3.9}, gridSample("linear", "zeros", 0, x, g), 1, 1, 1, 3);
        assertValues(new double[] {3.5, 1, 6}, gridSample("linear", "border", 0, x, g), 1, 1, 1, 3);
        assertValues(new double[] {3.5, 1, 6}, gridSample("linear", "reflection", 0, x, g), 1, 1, 1, 3);
        assertValues(new double[] {3.5, 1, 5.15}, gridSample("linear", "zeros", 1, x, g), 1, 1, 1, 3);
        // Nearest rounds half to even: y = 0.5 -> 0, x = -0.5 -> 0.
        assertValues(new double[] {2, 1, 6}, gridSample("nearest", "zeros", 0, x, g), 1, 1, 1, 3);
    }

    @Test
    void gridSampleReflectionFoldsFarCoordinatesBack() {
        // align_corners on width 4: x = 4.5 mirrors at 3 to 1.5 (between 20 and 30); x = -3 mirrors at 0 and then
        // at 3, landing on 3 (40).
        Tensor x = f(new long[] {1, 1, 1, 4}, 10, 20, 30, 40);
        Tensor g = f(new long[] {1, 1, 2, 2}, 2, 0, -3, 0);
        assertValues(new double[] {25, 40}, gridSample("linear", "reflection", 1, x, g), 1, 1, 1, 2);
    }

    @Test
    void gridSampleCubicUsesKeysWeights() {
        // v = x^2 + 10 y; the sample (x, y) = (1.5, 1) sits on row 1 and halfway between columns 1 and 2, where the
        // A = -0.75 weights of columns 0..3 are (-0.09375, 0.59375, 0.59375, -0.09375).
        double[] img = new double[16];
        for (int i = 0; i < 16; i++) img[i] = (i % 4) * (i % 4) + 10 * (i / 4);
        Tensor x = f(new long[] {1, 1, 4, 4}, img);
        Tensor g = f(new long[] {1, 1, 1, 2}, 0, -0.25);
        assertValues(new double[] {12.125}, gridSample("cubic", "border", 0, x, g), 1, 1, 1, 1);
    }

    @Test
    void gridSampleVolumetricLinearAndOpset16Names() {
        double[] vol = new double[8];
        for (int i = 0; i < 8; i++) vol[i] = i;
        Tensor x = f(new long[] {1, 1, 2, 2, 2}, vol);
        // align_corners: (x, y, z) = (0, 0, 0) is the centre, the mean of all eight corners.
        Value y = gridSample("linear", "zeros", 1, x, f(new long[] {1, 1, 1, 1, 3}, 0, 0, 0));
        assertValues(new double[] {3.5}, y, 1, 1, 1, 1, 1);
        Node n16 = Node.builder("GridSample").inputs("X", "grid").outputs("Y").attr(Attribute.of("mode", "bilinear"))
                .build();
        Value[] out = KernelHarness.run(n16, 16, f(new long[] {1, 1, 2, 3}, IMG), f(new long[] {1, 1, 3, 2}, PTS));
        assertValues(new double[] {3.5, 0.25, 3.9}, out[0], 1, 1, 1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelHarness.run(n16, 16, x, f(new long[] {1, 1, 1, 1, 3}, 0, 0, 0)));
        assertTrue(e.getMessage().contains("X must be 4-D"), e.getMessage());
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> gridSample("linear", "wrap", 0, x, f(new long[] {1, 1, 1, 1, 3}, 0, 0, 0)));
        assertTrue(pad.getMessage().contains("padding_mode"), pad.getMessage());
    }

    @Test
    void affineGridTwoDimensional() {
        Node n = Node.builder("AffineGrid").inputs("theta", "size").outputs("grid").build();
        // x' = 2x + 0.5, y' = y - x.
        Value[] out = KernelHarness.run(n, 20, f(new long[] {1, 2, 3}, 2, 0, 0.5, -1, 1, 0),
                Tensor.ofLongs(new long[] {4}, 1, 1, 2, 3));
        double[] xs = {-2.0 / 3, 0, 2.0 / 3};
        double[] ys = {-0.5, 0.5};
        double[] expected = new double[12];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                expected[(i * 3 + j) * 2] = 2 * xs[j] + 0.5;
                expected[(i * 3 + j) * 2 + 1] = ys[i] - xs[j];
            }
        }
        assertValues(expected, out[0], 1, 2, 3, 2);
        Node ac = n.toBuilder().attr(Attribute.of("align_corners", 1L)).build();
        Value[] out3 = KernelHarness.run(ac, 20, f(new long[] {1, 3, 4}, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0),
                Tensor.ofLongs(new long[] {5}, 1, 1, 2, 1, 2));
        // Identity in 3-D with align_corners: z in {-1, 1}, y = -1 (a single row sits at -1), x in {-1, 1}.
        assertValues(new double[] {-1, -1, -1, 1, -1, -1, -1, -1, 1, 1, -1, 1}, out3[0], 1, 2, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(n, 20,
                f(new long[] {1, 2, 3}, 1, 0, 0, 0, 1, 0), Tensor.ofLongs(new long[] {3}, 1, 1, 2)));
        assertTrue(e.getMessage().contains("size must list 4"), e.getMessage());
    }

    private static Node roiAlign(String ct, String mode) {
        return Node.builder("RoiAlign").inputs("X", "rois", "batch_indices").outputs("Y")
                .attr(Attribute.of("coordinate_transformation_mode", ct)).attr(Attribute.of("mode", mode))
                .attr(Attribute.of("output_height", 2L)).attr(Attribute.of("output_width", 2L))
                .attr(Attribute.of("sampling_ratio", 2L)).build();
    }

    @Test
    void roiAlignAverageAndMax() {
        double[] img = new double[16];
        for (int i = 0; i < 16; i++) img[i] = i;
        Tensor x = f(new long[] {1, 1, 4, 4}, img);
        Tensor rois = f(new long[] {1, 4}, 0, 0, 2, 2);
        Tensor batch = Tensor.ofLongs(new long[] {1}, 0);
        // Bilinear sampling is exact on v = 4y + x: each bin averages its sample points.
        assertValues(new double[] {2.5, 3.5, 6.5, 7.5},
                KernelHarness.run(roiAlign("output_half_pixel", "avg"), 16, x, rois, batch)[0], 1, 1, 2, 2);
        // half_pixel shifts by -0.5; samples above / left of the image clamp to row / column 0.
        assertValues(new double[] {0.625, 1.5, 4.125, 5},
                KernelHarness.run(roiAlign("half_pixel", "avg"), 16, x, rois, batch)[0], 1, 1, 2, 2);
        // Opset 10 has no coordinate_transformation_mode: always the output_half_pixel mapping.
        assertValues(new double[] {2.5, 3.5, 6.5, 7.5},
                KernelHarness.run(roiAlign("half_pixel", "avg"), 10, x, rois, batch)[0], 1, 1, 2, 2);
        Tensor max = (Tensor) KernelHarness.run(roiAlign("output_half_pixel", "max"), 16, x, rois, batch)[0];
        assertEquals(2.8125, max.getDouble(0), 1e-6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(
                roiAlign("output_half_pixel", "avg"), 16, x, rois, Tensor.ofLongs(new long[] {1}, 3)));
        assertTrue(e.getMessage().contains("batch_indices[0] = 3"), e.getMessage());
    }

    private static Value[] nms(long centerPoint, Tensor boxes, Tensor scores, long max, double iou, Double score) {
        Node n = Node.builder("NonMaxSuppression").inputs("boxes", "scores", "max", "iou", "score").outputs("sel")
                .attr(Attribute.of("center_point_box", centerPoint)).build();
        return KernelHarness.run(n, 11, boxes, scores, Tensor.ofLongs(new long[] {1}, max),
                f(new long[] {1}, iou), score == null ? null : f(new long[] {1}, score));
    }

    private static final double[] BOXES = {0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, -0.1, 1, 0.9, 0, 10, 1, 11, 0, 10.1, 1,
        11.1, 0, 100, 1, 101};

    @Test
    void nonMaxSuppressionSuppressesOverlapsPerClass() {
        Tensor boxes = f(new long[] {1, 6, 4}, BOXES);
        Tensor scores = f(new long[] {1, 2, 6}, 0.9, 0.75, 0.6, 0.95, 0.5, 0.3, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
        Tensor sel = (Tensor) nms(0, boxes, scores, 3, 0.5, 0.0)[0];
        assertArrayEquals(new long[] {0, 0, 3, 0, 0, 0, 0, 0, 5, 0, 1, 5, 0, 1, 4, 0, 1, 2}, sel.toLongArray());
        // A score threshold of 0.35 leaves class 1 only boxes 3..5; max 2 keeps two boxes per class.
        Tensor thr = (Tensor) nms(0, boxes, scores, 2, 0.5, 0.35)[0];
        assertArrayEquals(new long[] {4, 3}, thr.shape());
        assertArrayEquals(new long[] {0, 0, 3, 0, 0, 0, 0, 1, 5, 0, 1, 4}, thr.toLongArray());
    }

    @Test
    void nonMaxSuppressionCenterPointBoxesAndLimits() {
        // The same boxes as (x_center, y_center, width, height).
        double[] c = new double[24];
        for (int i = 0; i < 6; i++) {
            double y1 = BOXES[i * 4], x1 = BOXES[i * 4 + 1], y2 = BOXES[i * 4 + 2], x2 = BOXES[i * 4 + 3];
            c[i * 4] = (x1 + x2) / 2;
            c[i * 4 + 1] = (y1 + y2) / 2;
            c[i * 4 + 2] = x2 - x1;
            c[i * 4 + 3] = y2 - y1;
        }
        Tensor scores = f(new long[] {1, 1, 6}, 0.9, 0.75, 0.6, 0.95, 0.5, 0.3);
        Tensor sel = (Tensor) nms(1, f(new long[] {1, 6, 4}, c), scores, 2, 0.5, null)[0];
        assertArrayEquals(new long[] {0, 0, 3, 0, 0, 0}, sel.toLongArray());
        Tensor none = (Tensor) nms(1, f(new long[] {1, 6, 4}, c), scores, 0, 0.5, null)[0];
        assertArrayEquals(new long[] {0, 3}, none.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> nms(2, f(new long[] {1, 6, 4}, c), scores, 2, 0.5, null));
        assertTrue(e.getMessage().contains("center_point_box must be 0 or 1, got 2"), e.getMessage());
    }
}
