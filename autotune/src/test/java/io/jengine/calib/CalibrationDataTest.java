package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.io.Npy;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a calibration folder becomes batches, and what it says when a file does not fit. */
public class CalibrationDataTest {
    private static Tensor counting(long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, i + 1);
        return t;
    }

    private static ValueInfo input(String name, long... dims) {
        return new ValueInfo(name, ValueType.tensor(DType.FLOAT32, dims));
    }

    @Test
    void aFileOfSeveralModelBatchesIsSplitAlongTheBatchDimension(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("b0.npy"), counting(32, 1, 2, 2));
        Npy.write(dir.resolve("b1.npy"), counting(32, 1, 2, 2));
        CalibrationData d = CalibrationData.open(dir, List.of(input("image", 8, 1, 2, 2)), 0);
        assertEquals(2, d.fileCount());
        List<Map<String, Tensor>> feeds = d.read(0, 100);
        assertEquals(4, feeds.size());
        Tensor third = feeds.get(2).get("image");
        assertEquals(List.of(8L, 1L, 2L, 2L), java.util.Arrays.stream(third.shape()).boxed().toList());
        assertEquals(2 * 32 + 1, third.getFloat(0), 0, "the third piece starts at example 16");
        assertEquals(2, d.read(1, 2).size(), "at most the room left");
    }

    @Test
    void aDynamicBatchTakesTheFileWhole(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("b0.npy"), counting(5, 3));
        ValueInfo dynamic = new ValueInfo("x", new ValueType.TensorType(DType.FLOAT32,
                new Shape(List.of(new Dim(-1, "batch"), new Dim(3, null)))));
        List<Map<String, Tensor>> feeds = CalibrationData.open(dir, List.of(dynamic), 0).read(0, 10);
        assertEquals(1, feeds.size());
        assertEquals(5, feeds.getFirst().get("x").dim(0));
    }

    @Test
    void severalInputsTakeTheirSubFoldersOrPrefixedFiles(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Npy.write(dir.resolve("a/0.npy"), counting(2, 3));
        Npy.write(dir.resolve("a/1.npy"), counting(2, 3));
        Npy.write(dir.resolve("b_0.npy"), counting(2, 4));
        Npy.write(dir.resolve("b_1.npy"), counting(2, 4));
        Npy.write(dir.resolve("b_mask_0.npy"), counting(2, 4)); // another input's, not b's
        Npy.write(dir.resolve("b_mask_1.npy"), counting(2, 4));
        CalibrationData d = CalibrationData.open(dir, List.of(input("a", 2, 3), input("b", 2, 4), input("b_mask", 2, 4)), 0);
        assertEquals(2, d.fileCount());
        Map<String, Tensor> feed = d.read(1, 1).getFirst();
        assertEquals(3, feed.size());
        assertEquals(4, feed.get("b").dim(1));
    }

    @Test
    void aFileThatDoesNotFitNamesTheFileTheInputAndBothShapes(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("b0.npy"), counting(12, 1, 2, 2));
        CalibrationData d = CalibrationData.open(dir, List.of(input("image", 8, 1, 2, 2)), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 10));
        assertTrue(e.getMessage().contains("b0.npy") && e.getMessage().contains("'image'")
                && e.getMessage().contains("[12, 1, 2, 2]") && e.getMessage().contains("not a multiple of 8"), e.getMessage());
        Npy.write(dir.resolve("b0.npy"), counting(8, 1, 3, 2));
        e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 10));
        assertTrue(e.getMessage().contains("dimension 2"), e.getMessage());
        Tensor ints = Tensor.allocate(DType.INT64, 8, 1, 2, 2);
        Npy.write(dir.resolve("b0.npy"), ints);
        e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 10));
        assertTrue(e.getMessage().contains("expected float32") && e.getMessage().contains("got int64"), e.getMessage());
    }

    @Test
    void anEmptyOrMissingFolderIsAnError(@TempDir Path dir) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationData.open(dir.resolve("nope"),
                List.of(input("x", 1)), 0)).getMessage().contains("does not exist"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationData.open(dir,
                List.of(input("x", 1)), 0)).getMessage().contains("no calibration batches for input 'x'"));
    }
    /** A w x h PNG of one colour. */
    private static void image(Path file, int w, int h, int rgb) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        assertTrue(javax.imageio.ImageIO.write(img, "png", file.toFile()));
    }

    private static final ImagePreprocessing FOUR_BY_FOUR = ImagePreprocessing.parse("resize=4x4;scale=1");

    @Test
    void imagesMakeBatchesOfTheFixedBatchSizeAndTheRemainderIsLeftOut(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 5; i++) image(dir.resolve("img" + i + ".png"), 6 + i, 5, i * 10); // blue = 10 i
        CalibrationData d = CalibrationData.open(dir, List.of(input("image", 2, 3, 4, 4)), 0, FOUR_BY_FOUR);
        assertTrue(d.images());
        assertEquals(2, d.fileCount());
        assertTrue(d.describe().contains("5 images") && d.describe().contains("2 batches of 2")
                && d.describe().contains("1 left over"), d.describe());
        assertEquals("4 of 5 images", d.progress(2));
        List<Map<String, Tensor>> feeds = d.read(1, 10);
        assertEquals(1, feeds.size());
        Tensor batch = feeds.getFirst().get("image");
        assertEquals(List.of(2L, 3L, 4L, 4L), java.util.Arrays.stream(batch.shape()).boxed().toList());
        assertEquals(20, batch.getFloat(2 * 16), 0, "the second batch starts with the third image (blue 20)");
        assertEquals(30, batch.getFloat(48 + 2 * 16), 0, "then the fourth (blue 30)");
        assertEquals(0, batch.getFloat(48), 0, "its red");
        assertEquals(0, d.read(1, 0).size(), "no room left");
        assertEquals(1, CalibrationData.open(dir, List.of(input("image", 2, 3, 4, 4)), 1, FOUR_BY_FOUR).limit());
    }

    @Test
    void aDynamicBatchTakesOneImageAtATime(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) image(dir.resolve("img" + i + ".JPEG"), 4, 4, 0x808080);
        ValueInfo dynamic = new ValueInfo("x", new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(
                new Dim(-1, "batch"), new Dim(4, null), new Dim(4, null), new Dim(3, null)))));
        CalibrationData d = CalibrationData.open(dir, List.of(dynamic), 0, ImagePreprocessing.parse("layout=NHWC"));
        assertEquals(3, d.fileCount());
        assertEquals(List.of(1L, 4L, 4L, 3L),
                java.util.Arrays.stream(d.read(2, 1).getFirst().get("x").shape()).boxed().toList());
    }

    @Test
    void imagesNeedPreprocessing(@TempDir Path dir) throws Exception {
        image(dir.resolve("a.png"), 4, 4, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationData.open(dir, List.of(input("image", 1, 3, 4, 4)), 0));
        assertTrue(e.getMessage().contains("images need --preprocess") && e.getMessage().contains("resize=HxW")
                && e.getMessage().contains("channels=RGB|BGR|GRAY"), e.getMessage());
    }

    @Test
    void aPreprocessedImageThatDoesNotFitNamesTheImage(@TempDir Path dir) throws Exception {
        image(dir.resolve("a.png"), 4, 4, 0);
        CalibrationData d = CalibrationData.open(dir, List.of(input("image", 1, 3, 5, 5)), 0, FOUR_BY_FOUR);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.read(0, 1));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("'image'")
                && e.getMessage().contains("[1, 3, 4, 4]") && e.getMessage().contains("dimension 2")
                && e.getMessage().contains("resize=4x4"), e.getMessage());
        // without resize, images of different sizes cannot share a batch
        image(dir.resolve("b.png"), 5, 4, 0);
        ValueInfo open = new ValueInfo("image", new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(
                new Dim(2, null), new Dim(3, null), new Dim(-1, "h"), new Dim(-1, "w")))));
        e = assertThrows(IllegalArgumentException.class, () -> CalibrationData.open(dir, List.of(open), 0,
                ImagePreprocessing.parse("scale=1")).read(0, 1));
        assertTrue(e.getMessage().contains("b.png") && e.getMessage().contains("resize=HxW"), e.getMessage());
    }

    @Test
    void aFolderMixingImagesAndNpyOrTooFewImagesIsAnError(@TempDir Path dir) throws Exception {
        image(dir.resolve("a.png"), 4, 4, 0);
        e(dir, "fewer than input 'image' takes in one batch (2)", List.of(input("image", 2, 3, 4, 4)), FOUR_BY_FOUR);
        Npy.write(dir.resolve("b.npy"), counting(1, 3, 4, 4));
        e(dir, "mixes .npy batches (1) and images (1)", List.of(input("image", 1, 3, 4, 4)), FOUR_BY_FOUR);
        Files.delete(dir.resolve("a.png"));
        e(dir, "--preprocess applies to a folder of images", List.of(input("image", 1, 3, 4, 4)), FOUR_BY_FOUR);
        e(dir, "this one has 2 (a, b)", List.of(input("a", 1), input("b", 1)), FOUR_BY_FOUR);
    }

    private static void e(Path dir, String expected, List<ValueInfo> inputs, ImagePreprocessing p) {
        String m = assertThrows(IllegalArgumentException.class, () -> CalibrationData.open(dir, inputs, 0, p)).getMessage();
        assertTrue(m.contains(expected), m);
    }
}
