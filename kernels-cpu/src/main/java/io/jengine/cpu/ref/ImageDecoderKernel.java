package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * ImageDecoder with the JDK's own codecs (PNG, BMP, JPEG, TIFF, GIF) and binary PNM (P5/P6): encoded bytes in, [H, W, C] uint8 out, in RGB,
 * BGR or Grayscale (one channel; colour images converted with ITU-R 601 luma weights, as the reference does). A
 * format the JDK cannot read (WebP, JPEG 2000) is an error naming the op and the format's first bytes.
 */
final class ImageDecoderKernel {
    private ImageDecoderKernel() {}

    static void register(KernelRegistry r) {
        r.add("ImageDecoder", 20, n -> {
            String format = n.node().attrString("pixel_format", "RGB");
            if (!format.equals("RGB") && !format.equals("BGR") && !format.equals("Grayscale")) {
                throw new IllegalArgumentException("pixel_format must be RGB, BGR or Grayscale, got '" + format + "'");
            }
            return (ctx, in) -> new Value[] {Decoder.run(tensor(in, 0), format)};
        });
    }

    /**
     * The decoding, in a class of its own: it needs java.desktop (ImageIO, BufferedImage), which a runtime image
     * without that module lacks, and registering the kernel must not load it.
     */
    private static final class Decoder {
        static Tensor run(Tensor encoded, String format) {
            try {
                return decode(encoded, format);
            } catch (NoClassDefFoundError e) {
                throw new IllegalArgumentException("decoding images needs the java.desktop module, which this Java"
                        + " runtime lacks (" + e.getMessage() + ")");
            }
        }

        private static Tensor decode(Tensor encoded, String format) {
            if (encoded.dtype() != DType.UINT8 || encoded.rank() != 1) {
                throw new IllegalArgumentException("input must be a 1-D uint8 tensor of encoded bytes, got " + encoded.describe());
            }
            byte[] bytes = encoded.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            BufferedImage img;
            try {
                img = bytes.length > 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '6')
                        ? Pnm.read(bytes) : ImageIO.read(new ByteArrayInputStream(bytes));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("image bytes could not be decoded: " + e.getMessage());
            }
            if (img == null) {
                throw new IllegalArgumentException("no decoder for this image format (first bytes "
                        + String.format("%02x %02x %02x %02x", bytes.length > 0 ? bytes[0] : 0, bytes.length > 1 ? bytes[1] : 0,
                        bytes.length > 2 ? bytes[2] : 0, bytes.length > 3 ? bytes[3] : 0) + ")");
            }
            int h = img.getHeight(), w = img.getWidth();
            boolean gray = format.equals("Grayscale");
            Tensor out = Tensor.allocate(DType.UINT8, h, w, gray ? 1 : 3);
            boolean sourceGray = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
            Raster raster = img.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    long at = ((long) y * w + x) * (gray ? 1 : 3);
                    if (sourceGray) {
                        int v = raster.getSample(x, y, 0);
                        if (gray) out.setLong(at, v);
                        else for (int k = 0; k < 3; k++) out.setLong(at + k, v);
                        continue;
                    }
                    int rgb = img.getRGB(x, y);
                    int rr = (rgb >> 16) & 0xFF, gg = (rgb >> 8) & 0xFF, bb = rgb & 0xFF;
                    if (gray) {
                        out.setLong(at, (rr * 299 + gg * 587 + bb * 114 + 500) / 1000);
                    } else if (format.equals("RGB")) {
                        out.setLong(at, rr); out.setLong(at + 1, gg); out.setLong(at + 2, bb);
                    } else {
                        out.setLong(at, bb); out.setLong(at + 1, gg); out.setLong(at + 2, rr);
                    }
                }
            }
            return out;
        }
    }
}
