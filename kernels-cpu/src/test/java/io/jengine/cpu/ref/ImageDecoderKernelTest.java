package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderKernelTest {
    private static Tensor bytes(byte[] b) {
        Tensor t = Tensor.allocate(DType.UINT8, b.length);
        for (int i = 0; i < b.length; i++) t.setLong(i, b[i]);
        return t;
    }

    private static Tensor decode(byte[] b, String format) {
        Node n = Node.builder("ImageDecoder").inputs("x").outputs("y").attr(Attribute.of("pixel_format", format)).build();
        return (Tensor) KernelHarness.run(n, 20, bytes(b))[0];
    }

    @Test
    void pngDecodesToRgbBgrAndGray() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0x102030);
        img.setRGB(1, 0, 0xFF8001);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Tensor rgb = decode(png.toByteArray(), "RGB");
        assertArrayEquals(new long[] {1, 2, 3}, rgb.shape());
        assertArrayEquals(new long[] {0x10, 0x20, 0x30, 0xFF, 0x80, 0x01}, rgb.toLongArray());
        assertArrayEquals(new long[] {0x30, 0x20, 0x10, 0x01, 0x80, 0xFF}, decode(png.toByteArray(), "BGR").toLongArray());
        // ITU-R 601 luma, rounded: (16*299 + 32*587 + 48*114 + 500) / 1000 = 29.
        assertEquals(29, decode(png.toByteArray(), "Grayscale").getLong(0));
    }

    @Test
    void binaryPnmIsRead() {
        byte[] header = "P6\n# two pixels\n2 1\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + 6];
        System.arraycopy(header, 0, all, 0, header.length);
        byte[] px = {1, 2, 3, (byte) 250, (byte) 251, (byte) 252};
        System.arraycopy(px, 0, all, header.length, 6);
        assertArrayEquals(new long[] {1, 2, 3, 250, 251, 252}, decode(all, "RGB").toLongArray());
    }

    @Test
    void unknownFormatNamesItsBytes() {
        var e = assertThrows(IllegalArgumentException.class, () -> decode(new byte[] {'R', 'I', 'F', 'F', 0, 0}, "RGB"));
        assertTrue(e.getMessage().contains("52 49 46 46"), e.getMessage());
    }
}
