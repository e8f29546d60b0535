package io.jengine.cli;

import io.jengine.tensor.DType;
import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.io.PrintStream;

/**
 * Turns class scores into predictions (argmax over the last axis, as numpy's: the lowest index among equal scores, the
 * first NaN before any number) and scores them against integer labels, for {@code run --labels} and {@code eval}.
 */
final class Classification {
    private Classification() {}

    /** How many of {@code examples} predictions were right: the label first ({@code top1}), or among the first K. */
    record Accuracy(long examples, long classes, int k, long top1, long topK) {}

    /** {@code run --labels}: the first predictions and the accuracy. */
    static void report(Value scores, Tensor labels, PrintStream out) {
        Tensor t = scoresOf(scores, "--labels");
        long classes = t.dim(t.rank() - 1);
        long n = rows(t);
        if (labels.size() != n) {
            throw new IllegalArgumentException("--labels holds " + labels.size() + " labels " + Shapes.format(labels.shape())
                    + " but the output has " + n + " examples " + Shapes.format(t.shape()));
        }
        long correct = 0;
        StringBuilder preds = new StringBuilder();
        for (long i = 0; i < n; i++) {
            long best = argmax(t, i, classes);
            if (best == labels.getLong(i)) correct++;
            if (i < 20) preds.append(i == 0 ? "" : " ").append(best);
        }
        out.println("predictions: " + preds + (n > 20 ? " ... (" + n + " in all)" : ""));
        out.printf("accuracy: %.4f (%d of %d correct)%n", (double) correct / n, correct, n);
    }

    /**
     * Top-1 and top-{@code k} accuracy of {@code scores} (a numeric tensor [..., classes]) against {@code labels}
     * (integer class ids, one per row of scores). A label is in the top K when fewer than K classes rank before it,
     * ranking by score and then by index as argmax does, so that top-1 is the argmax's accuracy.
     */
    static Accuracy accuracy(Value scores, Tensor labels, int k, String labelsName) {
        Tensor t = scoresOf(scores, labelsName);
        if (!labels.dtype().isInteger()) {
            throw new IllegalArgumentException(labelsName + " holds " + labels.dtype() + " " + Shapes.format(labels.shape())
                    + "; labels must be integer class ids (int64 or int32)");
        }
        long classes = t.dim(t.rank() - 1);
        long n = rows(t);
        if (labels.size() != n) {
            throw new IllegalArgumentException(labelsName + " holds " + labels.size() + " labels "
                    + Shapes.format(labels.shape()) + " but the first output has " + n + " rows of scores "
                    + Shapes.format(t.shape()));
        }
        long top1 = 0, topK = 0;
        for (long i = 0; i < n; i++) {
            long label = labels.getLong(i);
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(labelsName + ": label " + label + " of example " + i
                        + " is not a class of the output's " + classes + " (0.." + (classes - 1) + ")");
            }
            long before = 0;
            double s = t.getDouble(i * classes + label);
            for (long c = 0; c < classes && before < k; c++) {
                if (c != label && ranksBefore(t.getDouble(i * classes + c), c, s, label)) before++;
            }
            if (before == 0) top1++;
            if (before < k) topK++;
        }
        return new Accuracy(n, classes, k, top1, topK);
    }

    /** The index of the largest of the {@code classes} scores of row {@code row}, as numpy's argmax picks it. */
    static long argmax(Tensor t, long row, long classes) {
        long base = row * classes, best = 0;
        double bestScore = t.getDouble(base);
        for (long c = 1; c < classes; c++) {
            double x = t.getDouble(base + c);
            if (ranksBefore(x, c, bestScore, best)) {
                best = c;
                bestScore = x;
            }
        }
        return best;
    }

    /** Rows of a tensor [..., classes]: every axis but the last. */
    static long rows(Tensor t) {
        long classes = t.dim(t.rank() - 1);
        return classes == 0 ? 0 : t.size() / classes;
    }

    /** Whether score {@code a} of class {@code ia} ranks before score {@code b} of class {@code ib}: NaN is highest. */
    private static boolean ranksBefore(double a, long ia, double b, long ib) {
        if (Double.isNaN(b)) return Double.isNaN(a) && ia < ib;
        if (Double.isNaN(a)) return true;
        return a > b || (a == b && ia < ib);
    }

    private static Tensor scoresOf(Value scores, String option) {
        if (!(scores instanceof Tensor t) || t.rank() < 1 || t.dtype() == DType.STRING || t.dim(t.rank() - 1) == 0) {
            throw new IllegalArgumentException(option + " needs a numeric first output of shape [N, classes], got "
                    + scores.describe());
        }
        return t;
    }
}
