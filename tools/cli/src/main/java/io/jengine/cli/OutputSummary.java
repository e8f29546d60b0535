package io.jengine.cli;

import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** One line per output: name, type, shape and summary statistics (min, max, mean, std, NaN count, first values). */
final class OutputSummary {
    private OutputSummary() {}

    static String describe(String name, Value v) {
        if (v instanceof TensorSequence s) return name + ": " + s.describe();
        if (v instanceof OptionalValue o) return o.isPresent() ? describe(name, o.content()) : name + ": optional(empty)";
        Tensor t = (Tensor) v;
        StringBuilder b = new StringBuilder(name).append(": ").append(t.dtype()).append(' ')
                .append(Shapes.format(t.shape()));
        long n = t.size();
        if (t.dtype() == DType.STRING) {
            b.append(" first=").append(n == 0 ? "-" : '"' + t.getString(0) + '"');
            return b.toString();
        }
        if (n == 0) return b.append(" (empty)").toString();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sq = 0;
        long nan = 0;
        for (long i = 0; i < n; i++) {
            double x = t.getDouble(i);
            if (Double.isNaN(x)) { nan++; continue; }
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
            sq += x * x;
        }
        long finite = n - nan;
        double mean = finite == 0 ? Double.NaN : sum / finite;
        double std = finite == 0 ? Double.NaN : Math.sqrt(Math.max(0, sq / finite - mean * mean));
        b.append(String.format(" min=%.6g max=%.6g mean=%.6g std=%.6g", min, max, mean, std));
        if (nan > 0) b.append(" nan=").append(nan);
        b.append(" first=[");
        for (long i = 0; i < Math.min(n, 5); i++) b.append(i == 0 ? "" : ", ").append(String.format("%.6g", t.getDouble(i)));
        return b.append(n > 5 ? ", ...]" : "]").toString();
    }
}
