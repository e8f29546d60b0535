package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code --preprocess} reads an image into a tensor, and what it says about a spec it does not take. */
public class ImagePreprocessingTest {
    /** 4 columns x 2 rows, every pixel a different colour: row-major {r, g, b}. */
    private static final int[][] PIXELS = {
        {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30},
        {40, 50, 60}, {255, 255, 255}, {0, 0, 0}, {200, 100, 50},
    };

    private static Path png(Path dir, String name) throws Exception {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < PIXELS.length; i++) {
            img.setRGB(i % 4, i / 4, PIXELS[i][0] << 16 | PIXELS[i][1] << 8 | PIXELS[i][2]);
        }
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        return file;
    }

    private static float[] values(Tensor t) { return t.toFloatArray(); }

    private static void assertShape(Tensor t, long... shape) {
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(shape, t.shape());
    }

    @Test
    void rgbNchwByDefaultDividedBy255(@TempDir Path dir) throws Exception {
        Tensor t = ImagePreprocessing.parse("layout=NCHW").toTensor(png(dir, "a.png"));
        assertShape(t, 1, 3, 2, 4);
        float[] v = values(t);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 8; p++) assertEquals(PIXELS[p][c] / 255.0, v[c * 8 + p], 1e-6, "channel " + c + " pixel " + p);
        }
    }

    @Test
    void bgrNhwcInterleavesTheChannelsReversed(@TempDir Path dir) throws Exception {
        Tensor t = ImagePreprocessing.parse("layout=nhwc;channels=bgr;scale=1").toTensor(png(dir, "a.png"));
        assertShape(t, 1, 2, 4, 3);
        float[] v = values(t);
        for (int p = 0; p < 8; p++) {
            for (int c = 0; c < 3; c++) assertEquals(PIXELS[p][2 - c], v[p * 3 + c], 0, "pixel " + p + " channel " + c);
        }
    }

    @Test
    void grayIsItuR601Luma(@TempDir Path dir) throws Exception {
        Tensor t = ImagePreprocessing.parse("channels=GRAY;scale=1").toTensor(png(dir, "a.png"));
        assertShape(t, 1, 1, 2, 4);
        float[] v = values(t);
        for (int p = 0; p < 8; p++) {
            assertEquals(0.299 * PIXELS[p][0] + 0.587 * PIXELS[p][1] + 0.114 * PIXELS[p][2], v[p], 1e-4, "pixel " + p);
        }
        assertEquals(76.245, v[0], 1e-4, "pure red");
    }

    @Test
    void meanAndStdPerChannelAfterScale(@TempDir Path dir) throws Exception {
        Path file = png(dir, "a.png");
        Tensor t = ImagePreprocessing.parse(" resize=2x4 ; mean=0.485,0.456,0.406; std=0.229,0.224,0.225 ").toTensor(file);
        double[] mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225};
        float[] v = values(t);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 8; p++) {
                assertEquals((PIXELS[p][c] / 255.0 - mean[c]) / std[c], v[c * 8 + p], 1e-5, "channel " + c + " pixel " + p);
            }
        }
        // one value for every channel, and another divisor: (x / 2 - 10) / 4
        v = values(ImagePreprocessing.parse("scale=2;mean=10;std=4;layout=NHWC").toTensor(file));
        assertEquals((255 / 2.0 - 10) / 4, v[0], 1e-6);
        assertEquals((0 / 2.0 - 10) / 4, v[1], 1e-6);
        assertEquals((30 / 2.0 - 10) / 4, v[3 * 3 + 2], 1e-6);
    }

    /**
     * Half-pixel centres: output pixel i of 4 samples the 2-pixel source at (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75,
     * 1.25, clamped to [0, 1], so each axis weighs (p0, p1) by (1, 0), (3/4, 1/4), (1/4, 3/4), (0, 1).
     */
    @Test
    void upscalingIsBilinearWithHalfPixelCentres(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 0);
        img.getRaster().setSample(1, 0, 0, 40);
        img.getRaster().setSample(0, 1, 0, 80);
        img.getRaster().setSample(1, 1, 0, 120);
        Path file = dir.resolve("g.png");
        ImageIO.write(img, "png", file.toFile());
        float[] v = values(ImagePreprocessing.parse("resize=4x4;scale=1;channels=GRAY").toTensor(file));
        assertArrayEquals(new float[] {
            0, 10, 30, 40,
            20, 30, 50, 60,
            60, 70, 90, 100,
            80, 90, 110, 120}, v, 1e-4f);
        // an RGB image: the three channels each resized the same way; NHWC keeps them interleaved
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x000000);
        rgb.setRGB(1, 0, 0x4080C0);
        ImageIO.write(rgb, "png", dir.resolve("c.png").toFile());
        v = values(ImagePreprocessing.parse("resize=1x4;scale=1;layout=NHWC").toTensor(dir.resolve("c.png")));
        assertArrayEquals(new float[] {0, 0, 0, 16, 32, 48, 48, 96, 144, 64, 128, 192}, v, 1e-4f);
    }

    /**
     * Downscaling by 2 widens the triangle to half-width 2 source pixels, as PIL does: output 0 is centred at source
     * coordinate 1 and weighs pixels 0, 1, 2 by 0.75, 0.75, 0.25 (pixel -1 lies outside), output 1 centred at 3 weighs
     * pixels 1, 2, 3 by 0.25, 0.75, 0.75; each normalized by 1.75. Plain bilinear would give 20 and 100.
     */
    @Test
    void downscalingAveragesWhatEachPixelCoversAsPilDoes(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 4; x++) img.getRaster().setSample(x, 0, 0, 40 * x);
        Path file = dir.resolve("row.png");
        ImageIO.write(img, "png", file.toFile());
        float[] v = values(ImagePreprocessing.parse("resize=1x2;scale=1;channels=gray").toTensor(file));
        assertArrayEquals(new float[] {(0.75f * 40 + 0.25f * 80) / 1.75f, (0.25f * 40 + 0.75f * 80 + 0.75f * 120) / 1.75f},
                v, 1e-4f);
    }

    @Test
    void greyPngsReadTheirSamplesNotAnSrgbCurve(@TempDir Path dir) throws Exception {
        BufferedImage g8 = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        g8.getRaster().setSample(0, 0, 0, 100);
        ImageIO.write(g8, "png", dir.resolve("g8.png").toFile());
        BufferedImage g16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 100 * 257);
        ImageIO.write(g16, "png", dir.resolve("g16.png").toFile());
        ImagePreprocessing rgb = ImagePreprocessing.parse("scale=1");
        for (String f : List.of("g8.png", "g16.png")) {
            assertArrayEquals(new float[] {100, 100, 100}, values(rgb.toTensor(dir.resolve(f))), 1e-4f, f);
            assertArrayEquals(new float[] {100}, values(ImagePreprocessing.parse("scale=1;channels=GRAY")
                    .toTensor(dir.resolve(f))), 1e-4f, f);
        }
    }

    @Test
    void palettedAlphaAnd16BitPngsAllRead(@TempDir Path dir) throws Exception {
        ImagePreprocessing p = ImagePreprocessing.parse("scale=1;layout=NHWC");
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {10, (byte) 200}, new byte[] {20, 0},
                new byte[] {30, 100});
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        indexed.getRaster().setSample(1, 0, 0, 1);
        ImageIO.write(indexed, "png", dir.resolve("indexed.png").toFile());
        assertArrayEquals(new float[] {10, 20, 30, 200, 0, 100}, values(p.toTensor(dir.resolve("indexed.png"))), 0);

        BufferedImage alpha = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(0, 0, 0x10_405060); // nearly transparent: the colour is read as it is
        ImageIO.write(alpha, "png", dir.resolve("alpha.png").toFile());
        assertArrayEquals(new float[] {0x40, 0x50, 0x60}, values(p.toTensor(dir.resolve("alpha.png"))), 0);

        ComponentColorModel cm16 = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm16.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {255 * 257, 128 * 257, 0});
        ImageIO.write(new BufferedImage(cm16, raster, false, null), "png", dir.resolve("rgb16.png").toFile());
        assertArrayEquals(new float[] {255, 128, 0}, values(p.toTensor(dir.resolve("rgb16.png"))), 0);
    }

    @Test
    void jpegsRead(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, 0x808080);
        Path file = dir.resolve("grey.JPG");
        assertTrue(ImageIO.write(img, "jpeg", file.toFile()));
        assertTrue(ImagePreprocessing.isImage(file));
        float[] v = values(ImagePreprocessing.parse("resize=8x8;scale=1").toTensor(file));
        assertEquals(3 * 64, v.length);
        for (float x : v) assertEquals(128, x, 2, "a flat grey survives JPEG within 2 levels");
    }

    @Test
    void aFileImageIoCannotReadIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.png"), "not an image");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImagePreprocessing.parse("scale=1").toTensor(file));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ImagePreprocessing.parse("scale=1").toTensor(dir.resolve("missing.png")));
        assertTrue(e.getMessage().contains("missing.png") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void theSpecParsesAndPrintsInCanonicalForm() {
        ImagePreprocessing p = ImagePreprocessing.parse(
                "resize=224X200;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=NCHW;channels=RGB;");
        assertEquals(224, p.height());
        assertEquals(200, p.width());
        assertEquals(255, p.scale());
        assertEquals(List.of(0.485, 0.456, 0.406), p.mean());
        assertEquals(ImagePreprocessing.Layout.NCHW, p.layout());
        assertEquals("resize=224x200;scale=255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=NCHW;channels=RGB",
                p.spec());
        assertEquals(p, ImagePreprocessing.parse(p.spec()));
        assertEquals("scale=255;mean=0;std=1;layout=NHWC;channels=GRAY",
                ImagePreprocessing.parse("channels=gray;layout=nhwc").spec());
    }

    private static String error(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> ImagePreprocessing.parse(spec)).getMessage();
    }

    @Test
    void aBadSpecNamesTheKeyOrValueAndWhatIsAccepted() {
        String m = error("resize=224x224;crop=200x200");
        assertTrue(m.contains("'crop'") && m.contains("resize=HxW") && m.contains("channels=RGB|BGR|GRAY"), m);
        m = error("resize=224");
        assertTrue(m.contains("resize='224'") && m.contains("HxW"), m);
        assertTrue(error("resize=0x224").contains("positive"));
        m = error("layout=CHW");
        assertTrue(m.contains("layout='CHW'") && m.contains("NCHW, NHWC"), m);
        m = error("channels=RGBA");
        assertTrue(m.contains("channels='RGBA'") && m.contains("RGB, BGR, GRAY"), m);
        m = error("mean=0.5,0.5");
        assertTrue(m.contains("mean has 2 values") && m.contains("channels=RGB has 3 channels"), m);
        m = error("channels=GRAY;std=0.2,0.2,0.2");
        assertTrue(m.contains("std has 3 values") && m.contains("give 1 value"), m);
        m = error("mean=a,b,c");
        assertTrue(m.contains("mean='a,b,c'") && m.contains("not a number"), m);
        assertTrue(error("std=0.2,0,0.2").contains("non-zero"));
        m = error("scale=0");
        assertTrue(m.contains("scale='0'") && m.contains("positive"), m);
        assertTrue(error("mean=0.5;mean=0.4").contains("'mean' twice"));
        m = error("224x224");
        assertTrue(m.contains("'224x224' is not KEY=VALUE") && m.contains("resize=HxW"), m);
        assertTrue(error(" ; ").contains("empty"));
    }
}
