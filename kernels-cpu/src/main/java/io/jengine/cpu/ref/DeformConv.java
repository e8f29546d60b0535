package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * DeformConv (opset 19), 2-D: each kernel tap samples X bilinearly at its regular position moved by a learned
 * (dh, dw) offset, zero outside the image, optionally scaled by a mask, then a grouped convolution sums the samples.
 * The offset layout is {@code [N, offset_group, kH, kW, 2, oH, oW]} and the mask {@code [N, offset_group, kH, kW,
 * oH, oW]}; the output size is the offset's spatial size.
 */
final class DeformConv {
    private DeformConv() {}

    static ValueKernel create(Node node) {
        long group = node.attrInt("group", 1), offsetGroup = node.attrInt("offset_group", 1);
        long[] strides = node.attrInts("strides", new long[] {1, 1});
        long[] dil = node.attrInts("dilations", new long[] {1, 1});
        long[] pads = node.attrInts("pads", new long[4]);
        if (strides.length != 2 || dil.length != 2 || pads.length != 4) {
            throw new IllegalArgumentException("DeformConv is 2-D: strides and dilations need 2 entries, pads 4; got "
                    + Arrays.toString(strides) + ", " + Arrays.toString(dil) + ", " + Arrays.toString(pads));
        }
        if (group <= 0 || offsetGroup <= 0) {
            throw new IllegalArgumentException("group and offset_group must be positive, got " + group + ", " + offsetGroup);
        }
        return (ctx, in) -> {
            Tensor x = tensor(in, 0), w = tensor(in, 1), off = tensor(in, 2);
            Tensor b = optionalTensor(in, 3), mask = optionalTensor(in, 4);
            long[] xs = x.shape(), ws = w.shape(), os = off.shape();
            if (xs.length != 4 || ws.length != 4 || os.length != 4) {
                throw new IllegalArgumentException("X, W and offset must be 4-D, got " + x.describe() + ", "
                        + w.describe() + ", " + off.describe());
            }
            int n = (int) xs[0], c = (int) xs[1], ih = (int) xs[2], iw = (int) xs[3];
            int m = (int) ws[0], cg = (int) ws[1], kh = (int) ws[2], kw = (int) ws[3];
            int oh = (int) os[2], ow = (int) os[3];
            long[] kernel = node.attrInts("kernel_shape", new long[] {kh, kw});
            if (kernel.length != 2 || kernel[0] != kh || kernel[1] != kw) {
                throw new IllegalArgumentException("kernel_shape " + Arrays.toString(kernel) + " does not match W "
                        + w.describe());
            }
            if (c != cg * group || m % group != 0 || c % offsetGroup != 0) {
                throw new IllegalArgumentException("X " + x.describe() + " and W " + w.describe() + " do not fit group "
                        + group + " and offset_group " + offsetGroup);
            }
            int taps = kh * kw;
            if (os[0] != n || os[1] != offsetGroup * taps * 2) {
                throw new IllegalArgumentException("offset " + off.describe() + " must be [" + n + ", "
                        + offsetGroup * taps * 2 + ", oH, oW]");
            }
            if (mask != null && !Arrays.equals(mask.shape(), new long[] {n, offsetGroup * taps, oh, ow})) {
                throw new IllegalArgumentException("mask " + mask.describe() + " must be [" + n + ", "
                        + offsetGroup * taps + ", " + oh + ", " + ow + "]");
            }
            if (b != null && b.size() != m) throw new IllegalArgumentException("B has " + b.size() + " elements, expected " + m);
            double[] xv = ConvKernels.doubles(x), wv = ConvKernels.doubles(w), ov = ConvKernels.doubles(off);
            double[] mv = mask == null ? null : ConvKernels.doubles(mask);
            int mg = m / (int) group, cpo = c / (int) offsetGroup, plane = oh * ow;
            double[] out = new double[n * m * plane];
            double[] samples = new double[taps * plane];
            for (int nb = 0; nb < n; nb++) {
                for (int ic = 0; ic < c; ic++) {
                    int og = ic / cpo;
                    sample(xv, (nb * c + ic) * ih * iw, ih, iw, ov, mv, (nb * (int) offsetGroup + og) * taps, kh, kw,
                            oh, ow, strides, dil, pads, samples);
                    int grp = ic / cg;
                    for (int oc = grp * mg; oc < (grp + 1) * mg; oc++) {
                        int wb = (oc * cg + ic % cg) * taps, ob = (nb * m + oc) * plane;
                        for (int t = 0; t < taps; t++) {
                            double wt = wv[wb + t];
                            for (int p = 0; p < plane; p++) out[ob + p] += wt * samples[t * plane + p];
                        }
                    }
                }
            }
            if (b != null) for (int i = 0; i < out.length; i++) out[i] += b.getDouble((i / plane) % m);
            return new Value[] {Tensor.fromDoubles(x.dtype(), new long[] {n, m, oh, ow}, out)};
        };
    }

    /** Fills {@code samples[tap][oh*ow]} with the masked bilinear samples of one input channel. */
    private static void sample(double[] xv, int xb, int ih, int iw, double[] ov, double[] mv, int tapBase, int kh, int kw,
                               int oh, int ow, long[] s, long[] d, long[] pads, double[] samples) {
        int plane = oh * ow;
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int tap = i * kw + j;
                int offH = ((tapBase + tap) * 2) * plane, offW = offH + plane, mb = (tapBase + tap) * plane;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        int p = y * ow + xo;
                        double h = y * s[0] - pads[0] + i * d[0] + ov[offH + p];
                        double wpos = xo * s[1] - pads[1] + j * d[1] + ov[offW + p];
                        double v = bilinear(xv, xb, ih, iw, h, wpos);
                        samples[tap * plane + p] = mv == null ? v : v * mv[mb + p];
                    }
                }
            }
        }
    }

    /** Bilinear interpolation at pixel coordinates (h, w), reading zero for corners outside the image. */
    private static double bilinear(double[] xv, int xb, int ih, int iw, double h, double w) {
        double h0 = Math.floor(h), w0 = Math.floor(w);
        double fh = h - h0, fw = w - w0;
        int y0 = (int) h0, x0 = (int) w0;
        return (1 - fh) * (1 - fw) * at(xv, xb, ih, iw, y0, x0) + (1 - fh) * fw * at(xv, xb, ih, iw, y0, x0 + 1)
                + fh * (1 - fw) * at(xv, xb, ih, iw, y0 + 1, x0) + fh * fw * at(xv, xb, ih, iw, y0 + 1, x0 + 1);
    }

    private static double at(double[] xv, int xb, int ih, int iw, int y, int x) {
        return y < 0 || y >= ih || x < 0 || x >= iw ? 0 : xv[xb + y * iw + x];
    }
}
