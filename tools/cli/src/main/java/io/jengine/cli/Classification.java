package io.jengine.cli;

import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.io.PrintStream;

/** Turns class scores into predictions (argmax over the last axis) and scores them against labels. */
final class Classification {
    private Classification() {}

    static void report(Value scores, Tensor labels, PrintStream out) {
        if (!(scores instanceof Tensor t) || t.rank() < 1 || t.dtype().label().equals("string")) {
            throw new IllegalArgumentException("--labels needs a numeric first output of shape [N, classes], got "
                    + scores.describe());
        }
        long classes = t.dim(t.rank() - 1);
        long n = t.size() / Math.max(classes, 1);
        if (labels.size() != n) {
            throw new IllegalArgumentException("--labels holds " + labels.size() + " labels " + Shapes.format(labels.shape())
                    + " but the output has " + n + " examples " + Shapes.format(t.shape()));
        }
        long correct = 0;
        StringBuilder preds = new StringBuilder();
        for (long i = 0; i < n; i++) {
            long best = 0;
            for (long c = 1; c < classes; c++) {
                if (t.getDouble(i * classes + c) > t.getDouble(i * classes + best)) best = c;
            }
            if (best == labels.getLong(i)) correct++;
            if (i < 20) preds.append(i == 0 ? "" : " ").append(best);
        }
        out.println("predictions: " + preds + (n > 20 ? " ... (" + n + " in all)" : ""));
        out.printf("accuracy: %.4f (%d of %d correct)%n", (double) correct / n, correct, n);
    }
}
