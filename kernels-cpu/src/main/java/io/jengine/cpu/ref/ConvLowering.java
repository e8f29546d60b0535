package io.jengine.cpu.ref;

/**
 * The arithmetic core of the reference Conv, 1-D to 3-D (shapes padded to 3 spatial axes). For each block of output
 * positions it gathers the receptive fields into columns (im2col: row r = input channel x kernel tap, zero where the
 * tap falls in the padding), then adds weight x column row to each output channel's row. The inner loops therefore
 * run over long contiguous rows without bounds tests, even where the spatial output is small (7x7 in ResNet's last
 * stage) and the direct loop's rows would be short.
 */
final class ConvLowering {
    /** Upper bound on the doubles held by one column block (8 MiB), so large images are processed in slices. */
    private static final int BLOCK_ELEMENTS = 1 << 20;

    private ConvLowering() {}

    /**
     * Adds the convolution of {@code xv} [batch, c, in...] with {@code wv} [m, c/group, k...] into {@code out}
     * [batch, m, o...] (which may already hold the bias).
     */
    static void accumulate(double[] xv, double[] wv, double[] out, int batch, int c, int m, int group, int[] in,
                           int[] k, int[] s, int[] d, int[] p, int[] o) {
        int cg = c / group, mg = m / group;
        int kVol = k[0] * k[1] * k[2], rows = cg * kVol;
        int inPlane = in[0] * in[1] * in[2], outPlane = o[0] * o[1] * o[2];
        int block = Math.max(1, Math.min(outPlane, BLOCK_ELEMENTS / Math.max(1, rows)));
        double[] col = new double[rows * block];
        for (int nb = 0; nb < batch; nb++) {
            for (int grp = 0; grp < group; grp++) {
                int xb = (nb * c + grp * cg) * inPlane;
                for (int p0 = 0; p0 < outPlane; p0 += block) {
                    int len = Math.min(block, outPlane - p0);
                    gather(xv, xb, cg, inPlane, in, k, s, d, p, o, p0, len, block, col);
                    int oc = grp * mg, ocEnd = (grp + 1) * mg;
                    // Four output channels share each column row read; the remainder goes one at a time.
                    for (; oc + 4 <= ocEnd; oc += 4) {
                        int ob = (nb * m + oc) * outPlane + p0, wb = oc * rows;
                        for (int r = 0; r < rows; r++) {
                            double w0 = wv[wb + r], w1 = wv[wb + rows + r], w2 = wv[wb + 2 * rows + r];
                            double w3 = wv[wb + 3 * rows + r];
                            int cb = r * block;
                            for (int q = 0; q < len; q++) {
                                double v = col[cb + q];
                                out[ob + q] += w0 * v;
                                out[ob + outPlane + q] += w1 * v;
                                out[ob + 2 * outPlane + q] += w2 * v;
                                out[ob + 3 * outPlane + q] += w3 * v;
                            }
                        }
                    }
                    for (; oc < ocEnd; oc++) {
                        int ob = (nb * m + oc) * outPlane + p0, wb = oc * rows;
                        for (int r = 0; r < rows; r++) {
                            double wt = wv[wb + r];
                            int cb = r * block;
                            for (int q = 0; q < len; q++) out[ob + q] += wt * col[cb + q];
                        }
                    }
                }
            }
        }
    }

    /** Fills {@code col[r][q]} for output positions {@code p0 .. p0+len} of one group's input channels. */
    private static void gather(double[] xv, int xb, int cg, int inPlane, int[] in, int[] k, int[] s, int[] d, int[] p,
                               int[] o, int p0, int len, int block, double[] col) {
        int r = 0;
        for (int ic = 0; ic < cg; ic++) {
            int cb = xb + ic * inPlane;
            for (int kd = 0; kd < k[0]; kd++) for (int kh = 0; kh < k[1]; kh++) for (int kw = 0; kw < k[2]; kw++) {
                int base = r++ * block;
                int od = p0 / (o[1] * o[2]), oh = (p0 / o[2]) % o[1], ow = p0 % o[2];
                for (int q = 0; q < len; q++) {
                    int id = od * s[0] - p[0] + kd * d[0], ih = oh * s[1] - p[1] + kh * d[1];
                    int iw = ow * s[2] - p[2] + kw * d[2];
                    boolean inside = id >= 0 && id < in[0] && ih >= 0 && ih < in[1] && iw >= 0 && iw < in[2];
                    col[base + q] = inside ? xv[cb + (id * in[1] + ih) * in[2] + iw] : 0;
                    if (++ow == o[2]) {
                        ow = 0;
                        if (++oh == o[1]) { oh = 0; od++; }
                    }
                }
            }
        }
    }
}
