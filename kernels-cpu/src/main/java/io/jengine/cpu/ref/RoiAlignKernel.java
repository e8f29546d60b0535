package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;

/**
 * ONNX RoiAlign: pools each region of interest into an output_height x output_width grid of bins, each the average
 * (or maximum) of bilinear samples on a regular sub-grid. Opset 10 behaves as {@code output_half_pixel}; opset 16
 * adds {@code coordinate_transformation_mode} with default {@code half_pixel}. The max mode keeps ONNX Runtime's
 * definition (the maximum over samples of the largest weighted corner), which the ONNX test data follows.
 */
final class RoiAlignKernel implements ValueKernel {
    private final boolean max;
    private final boolean halfPixel;
    private final long outH;
    private final long outW;
    private final long samplingRatio;
    private final double spatialScale;

    RoiAlignKernel(Node node, int opset) {
        String m = node.attrString("mode", "avg");
        if (!m.equals("avg") && !m.equals("max")) {
            throw new IllegalArgumentException("mode must be avg or max, got '" + m + "'");
        }
        max = m.equals("max");
        String ct = opset >= 16 ? node.attrString("coordinate_transformation_mode", "half_pixel") : "output_half_pixel";
        if (!ct.equals("half_pixel") && !ct.equals("output_half_pixel")) {
            throw new IllegalArgumentException("coordinate_transformation_mode must be half_pixel or "
                    + "output_half_pixel, got '" + ct + "'");
        }
        halfPixel = ct.equals("half_pixel");
        outH = node.attrInt("output_height", 1);
        outW = node.attrInt("output_width", 1);
        samplingRatio = node.attrInt("sampling_ratio", 0);
        spatialScale = node.attrFloat("spatial_scale", 1f);
        if (outH < 1 || outW < 1 || samplingRatio < 0) {
            throw new IllegalArgumentException("output_height and output_width must be positive and sampling_ratio "
                    + "non-negative, got " + outH + ", " + outW + ", " + samplingRatio);
        }
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor x = KernelSupport.tensor(inputs, 0);
        Tensor rois = KernelSupport.tensor(inputs, 1);
        Tensor batch = KernelSupport.tensor(inputs, 2);
        if (x.rank() != 4) throw new IllegalArgumentException("X must be 4-D (N, C, H, W), got " + x.describe());
        if (rois.rank() != 2 || rois.dim(1) != 4) {
            throw new IllegalArgumentException("rois must have shape (num_rois, 4), got " + rois.describe());
        }
        if (batch.rank() != 1 || batch.dim(0) != rois.dim(0)) {
            throw new IllegalArgumentException("batch_indices must have shape (" + rois.dim(0) + "), got "
                    + batch.describe());
        }
        long numRois = rois.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        Tensor y = Tensor.allocate(x.dtype(), numRois, c, outH, outW);
        double offset = halfPixel ? 0.5 : 0;
        for (long r = 0; r < numRois; r++) {
            long b = batch.getLong(r);
            if (b < 0 || b >= x.dim(0)) {
                throw new IllegalArgumentException("batch_indices[" + r + "] = " + b + " is outside [0, " + x.dim(0)
                        + ")");
            }
            double x0 = rois.getDouble(r * 4) * spatialScale - offset;
            double y0 = rois.getDouble(r * 4 + 1) * spatialScale - offset;
            double roiW = rois.getDouble(r * 4 + 2) * spatialScale - offset - x0;
            double roiH = rois.getDouble(r * 4 + 3) * spatialScale - offset - y0;
            if (!halfPixel) {
                // Malformed regions become 1x1 in the legacy mapping.
                roiW = Math.max(roiW, 1);
                roiH = Math.max(roiH, 1);
            }
            double binH = roiH / outH, binW = roiW / outW;
            long gridH = samplingRatio > 0 ? samplingRatio : (long) Math.ceil(roiH / outH);
            long gridW = samplingRatio > 0 ? samplingRatio : (long) Math.ceil(roiW / outW);
            long count = Math.max(gridH * gridW, 1);
            for (long ch = 0; ch < c; ch++) {
                long plane = (b * c + ch) * h * w;
                for (long ph = 0; ph < outH; ph++) {
                    for (long pw = 0; pw < outW; pw++) {
                        double acc = 0;
                        boolean first = true;
                        for (long iy = 0; iy < gridH; iy++) {
                            double sy = y0 + ph * binH + (iy + 0.5) * binH / gridH;
                            for (long ix = 0; ix < gridW; ix++) {
                                double sx = x0 + pw * binW + (ix + 0.5) * binW / gridW;
                                double v = sample(x, plane, h, w, sy, sx);
                                if (max) {
                                    acc = first ? v : Math.max(acc, v);
                                    first = false;
                                } else {
                                    acc += v;
                                }
                            }
                        }
                        y.setDouble(((r * c + ch) * outH + ph) * outW + pw, max ? acc : acc / count);
                    }
                }
            }
        }
        return new Value[] {y};
    }

    /** Bilinear sample at (sy, sx): the weighted sum, or for max mode the largest weighted corner. */
    private double sample(Tensor x, long plane, long h, long w, double sy, double sx) {
        if (sy < -1 || sy > h || sx < -1 || sx > w) return 0;
        sy = Math.max(sy, 0);
        sx = Math.max(sx, 0);
        long yl = (long) sy, xl = (long) sx, yh, xh;
        if (yl >= h - 1) {
            yh = yl = h - 1;
            sy = yl;
        } else {
            yh = yl + 1;
        }
        if (xl >= w - 1) {
            xh = xl = w - 1;
            sx = xl;
        } else {
            xh = xl + 1;
        }
        double ly = sy - yl, lx = sx - xl, hy = 1 - ly, hx = 1 - lx;
        double v1 = hy * hx * x.getDouble(plane + yl * w + xl);
        double v2 = hy * lx * x.getDouble(plane + yl * w + xh);
        double v3 = ly * hx * x.getDouble(plane + yh * w + xl);
        double v4 = ly * lx * x.getDouble(plane + yh * w + xh);
        return max ? Math.max(Math.max(v1, v2), Math.max(v3, v4)) : v1 + v2 + v3 + v4;
    }
}
