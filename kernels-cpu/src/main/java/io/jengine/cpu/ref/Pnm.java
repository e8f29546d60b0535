package io.jengine.cpu.ref;

import java.awt.image.BufferedImage;
import java.io.IOException;

/** Binary PNM: P5 (grey) and P6 (RGB), 8-bit: a text header "P6 W H MAXVAL" then raw samples. */
final class Pnm {
    private Pnm() {}

    static BufferedImage read(byte[] b) throws IOException {
        int[] pos = {2};
        int w = number(b, pos), h = number(b, pos), max = number(b, pos);
        pos[0]++; // the single whitespace after MAXVAL
        boolean rgb = b[1] == '6';
        if (max <= 0 || max > 255) throw new IOException("PNM max value " + max + " is not 8-bit");
        long need = (long) w * h * (rgb ? 3 : 1);
        if (w <= 0 || h <= 0 || pos[0] + need > b.length) throw new IOException("PNM data is shorter than " + w + "x" + h);
        BufferedImage img = new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        int p = pos[0];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (rgb) {
                    int r = b[p++] & 0xFF, g = b[p++] & 0xFF, bl = b[p++] & 0xFF;
                    img.setRGB(x, y, (r << 16) | (g << 8) | bl);
                } else {
                    img.getRaster().setSample(x, y, 0, b[p++] & 0xFF);
                }
            }
        }
        return img;
    }

    /** The next decimal number, skipping whitespace and # comments. */
    private static int number(byte[] b, int[] pos) throws IOException {
        int p = pos[0];
        while (p < b.length && (Character.isWhitespace(b[p]) || b[p] == '#')) {
            if (b[p] == '#') while (p < b.length && b[p] != '\n') p++;
            else p++;
        }
        int start = p, v = 0;
        while (p < b.length && b[p] >= '0' && b[p] <= '9') v = v * 10 + (b[p++] - '0');
        if (p == start) throw new IOException("malformed PNM header");
        pos[0] = p;
        return v;
    }
}
