package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ONNX NonMaxSuppression: per batch and class, greedily keeps the highest-scoring boxes whose score exceeds
 * score_threshold, dropping any box whose IoU with a kept box exceeds iou_threshold, up to
 * max_output_boxes_per_class. Output rows are (batch, class, box) in that order, best score first within a class;
 * equal scores keep the lower box index first.
 */
final class NonMaxSuppressionKernel implements ValueKernel {
    private final boolean centerPoint;

    NonMaxSuppressionKernel(Node node) {
        long c = node.attrInt("center_point_box", 0);
        if (c != 0 && c != 1) throw new IllegalArgumentException("center_point_box must be 0 or 1, got " + c);
        centerPoint = c == 1;
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor boxes = KernelSupport.tensor(inputs, 0);
        Tensor scores = KernelSupport.tensor(inputs, 1);
        Tensor maxT = KernelSupport.optionalTensor(inputs, 2);
        Tensor iouT = KernelSupport.optionalTensor(inputs, 3);
        Tensor scoreT = KernelSupport.optionalTensor(inputs, 4);
        if (boxes.rank() != 3 || boxes.dim(2) != 4) {
            throw new IllegalArgumentException("boxes must have shape (batch, spatial, 4), got " + boxes.describe());
        }
        if (scores.rank() != 3 || scores.dim(0) != boxes.dim(0) || scores.dim(2) != boxes.dim(1)) {
            throw new IllegalArgumentException("scores must have shape (" + boxes.dim(0) + ", classes, "
                    + boxes.dim(1) + "), got " + scores.describe());
        }
        long maxPerClass = maxT == null || maxT.size() == 0 ? 0 : KernelSupport.scalarLong(maxT);
        double iouThreshold = iouT == null || iouT.size() == 0 ? 0 : KernelSupport.scalarDouble(iouT);
        boolean useScore = scoreT != null && scoreT.size() > 0;
        double scoreThreshold = useScore ? KernelSupport.scalarDouble(scoreT) : 0;
        if (iouThreshold < 0 || iouThreshold > 1) {
            throw new IllegalArgumentException("iou_threshold must be in [0, 1], got " + iouThreshold);
        }
        int batches = (int) boxes.dim(0), classes = (int) scores.dim(1), spatial = (int) boxes.dim(1);
        List<long[]> selected = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            double[][] corners = new double[spatial][];
            for (int i = 0; i < spatial; i++) corners[i] = corners(boxes, ((long) b * spatial + i) * 4);
            for (int cl = 0; cl < classes; cl++) {
                long sBase = ((long) b * classes + cl) * spatial;
                List<Integer> candidates = new ArrayList<>();
                for (int i = 0; i < spatial; i++) {
                    if (!useScore || scores.getDouble(sBase + i) > scoreThreshold) candidates.add(i);
                }
                candidates.sort(Comparator.comparingDouble((Integer i) -> -scores.getDouble(sBase + i))
                        .thenComparingInt(i -> i));
                List<Integer> kept = new ArrayList<>();
                for (int i : candidates) {
                    if (kept.size() >= maxPerClass) break;
                    boolean suppressed = false;
                    for (int k : kept) {
                        if (iou(corners[i], corners[k]) > iouThreshold) {
                            suppressed = true;
                            break;
                        }
                    }
                    if (!suppressed) {
                        kept.add(i);
                        selected.add(new long[] {b, cl, i});
                    }
                }
            }
        }
        long[] flat = new long[selected.size() * 3];
        for (int i = 0; i < selected.size(); i++) System.arraycopy(selected.get(i), 0, flat, i * 3, 3);
        return new Value[] {Tensor.ofLongs(new long[] {selected.size(), 3}, flat)};
    }

    /** (ymin, xmin, ymax, xmax) whatever the box encoding and corner order. */
    private double[] corners(Tensor boxes, long off) {
        double a = boxes.getDouble(off), b = boxes.getDouble(off + 1);
        double c = boxes.getDouble(off + 2), d = boxes.getDouble(off + 3);
        if (centerPoint) {
            // (x_center, y_center, width, height)
            return new double[] {b - d / 2, a - c / 2, b + d / 2, a + c / 2};
        }
        return new double[] {Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)};
    }

    private static double iou(double[] p, double[] q) {
        double areaP = (p[2] - p[0]) * (p[3] - p[1]);
        double areaQ = (q[2] - q[0]) * (q[3] - q[1]);
        if (areaP <= 0 || areaQ <= 0) return 0;
        double ih = Math.min(p[2], q[2]) - Math.max(p[0], q[0]);
        double iw = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
        if (ih <= 0 || iw <= 0) return 0;
        double inter = ih * iw;
        return inter / (areaP + areaQ - inter);
    }
}
