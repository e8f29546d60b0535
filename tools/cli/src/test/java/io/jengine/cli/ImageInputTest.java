package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.calib.ImagePreprocessing;
import io.jengine.io.Npy;
import java.awt.image.BufferedImage;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PNG or JPEG given as --input becomes the input through --preprocess, exactly as the same preprocessing written to
 * a .npy file; without --preprocess it is an error saying what to add, and build refuses --preprocess without images
 * to calibrate on.
 */
class ImageInputTest {
    @TempDir
    Path tmp;

    /** The digits model reads [N, 1, 8, 8] grey levels of 0 to 16. */
    static final String SPEC = "resize=8x8;scale=15.9375;channels=GRAY";

    @Test
    void anImageRunsAsItsPreprocessedTensor() throws Exception {
        Path png = tmp.resolve("digit.png");
        BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(5);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, r.nextInt(1 << 24));
        }
        ImageIO.write(img, "png", png.toFile());
        Path npy = tmp.resolve("digit.npy");
        Npy.write(npy, ImagePreprocessing.parse(SPEC).toTensor(png));

        String model = CliErrorsTest.DIGITS.toString();
        TinyModels.Output fromImage = TinyModels.cli("run", model, "--input", "image=" + png, "--preprocess", SPEC,
                "--output-dir", tmp.resolve("a").toString());
        TinyModels.Output fromNpy = TinyModels.cli("run", model, "--input", "image=" + npy,
                "--output-dir", tmp.resolve("b").toString());
        assertEquals(0, fromImage.code(), fromImage.toString());
        assertEquals(0, fromNpy.code(), fromNpy.toString());
        byte[] a = Npy.read(tmp.resolve("a/logits.npy")).data().toArray(ValueLayout.JAVA_BYTE);
        byte[] b = Npy.read(tmp.resolve("b/logits.npy")).data().toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(b, a);

        TinyModels.Output compared = TinyModels.cli("compare", model, model, "--input", "image=" + png,
                "--preprocess", SPEC, "--atol", "0");
        assertEquals(0, compared.code(), compared.toString());
        assertTrue(compared.out().contains("PASS: 0 of 1 outputs out of tolerance"), compared.toString());
    }

    @Test
    void anImageWithoutPreprocessingIsRefusedSayingWhatToAdd() throws Exception {
        Path png = tmp.resolve("digit.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        TinyModels.Output r = TinyModels.cli("run", CliErrorsTest.DIGITS.toString(), "--input", "image=" + png);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("input file " + png + " is an image: say how it becomes the input with"
                + " --preprocess SPEC"), r.toString());
    }

    @Test
    void commandsWithoutInputFilesRefusePreprocessingWithNothingToCalibrate() {
        String model = CliErrorsTest.DIGITS.toString();
        for (String[] args : new String[][] {{"build", model, "-o", tmp.resolve("d.plan").toString(), "--no-tune"},
                {"inspect", model}}) {
            String[] withSpec = java.util.Arrays.copyOf(args, args.length + 2);
            withSpec[args.length] = "--preprocess";
            withSpec[args.length + 1] = SPEC;
            TinyModels.Output r = TinyModels.cli(withSpec);
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("--preprocess applies to a calibration folder of images (--int8 --calib DIR)"),
                    r.toString());
        }
    }
}
