package io.jengine.cpu.simd;

import io.jengine.ir.Node;
import java.util.Arrays;

/**
 * A 2-D transposed convolution's geometry: input [batch, inC, inH, inW], output [batch, outC, outH, outW], weights
 * [inC, outC/group, kH, kW]; output pixel (oh, ow) of tap (kh, kw) and input pixel (ih, iw) is {@code (ih*strideH +
 * kh*dilH - padTop, iw*strideW + kw*dilW - padLeft)}, dropped when outside.
 */
public record ConvTransposeShape(int batch, int inC, int inH, int inW, int outC, int outH, int outW, int kH, int kW,
                                 int strideH, int strideW, int dilH, int dilW, int padTop, int padLeft, int group) {
    public int inCPerGroup() { return inC / group; }

    public int outCPerGroup() { return outC / group; }

    public int taps() { return kH * kW; }

    /** Each output pixel is the image of exactly one (input pixel, tap). */
    public boolean tiles() {
        return strideH == kH && strideW == kW && dilH == 1 && dilW == 1 && padTop == 0 && padLeft == 0
                && outH == inH * kH && outW == inW * kW;
    }

    /**
     * The reference's reading of node {@code n}'s attributes (strides, pads, dilations, output_padding, output_shape,
     * auto_pad) for input dims {@code x} and weight dims {@code ws}; null where it would fail.
     */
    static ConvTransposeShape resolve(Node n, long[] x, long[] ws, long group) {
        long[] kernel = {ws[2], ws[3]};
        if (!Arrays.equals(n.attrInts("kernel_shape", kernel), kernel)) return null;
        long[] strides = n.attrInts("strides", new long[] {1, 1}), dil = n.attrInts("dilations", new long[] {1, 1});
        long[] outPad = n.attrInts("output_padding", new long[2]), pads = n.attrInts("pads", new long[4]);
        long[] outShape = n.attrInts("output_shape", null);
        if (strides.length != 2 || dil.length != 2 || outPad.length != 2 || pads.length != 4) return null;
        if (outShape != null && outShape.length != 2 && outShape.length != 4) return null;
        for (int i = 0; i < 2; i++) if (strides[i] <= 0 || dil[i] <= 0) return null;
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] out = new long[2], pb = new long[2];
        for (int i = 0; i < 2; i++) {
            long in = x[2 + i];
            long full = strides[i] * (in - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            if (autoPad.startsWith("SAME")) {
                out[i] = outShape != null ? outShape[outShape.length - 2 + i] : in * strides[i];
                long total = full - out[i];
                pb[i] = autoPad.equals("SAME_UPPER") ? Math.floorDiv(total, 2) : total - Math.floorDiv(total, 2);
            } else if (outShape != null) {
                out[i] = outShape[outShape.length - 2 + i];
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
            } else {
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
                long pe = autoPad.equals("VALID") ? 0 : pads[i + 2];
                out[i] = full - pb[i] - pe;
            }
            if (out[i] <= 0 || out[i] > Integer.MAX_VALUE || Math.abs(pb[i]) > Integer.MAX_VALUE / 4) return null;
            if (strides[i] > Integer.MAX_VALUE / 4 || dil[i] > Integer.MAX_VALUE / 4) return null;
        }
        return new ConvTransposeShape(Math.toIntExact(x[0]), Math.toIntExact(x[1]), Math.toIntExact(x[2]),
                Math.toIntExact(x[3]), Math.toIntExact(ws[1] * group), (int) out[0], (int) out[1], (int) kernel[0],
                (int) kernel[1], (int) strides[0], (int) strides[1], (int) dil[0], (int) dil[1], (int) pb[0], (int) pb[1],
                (int) group);
    }
}
