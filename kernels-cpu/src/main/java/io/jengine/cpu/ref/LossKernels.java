package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (reductions none/sum/mean, class weights, ignore_index). */
final class LossKernels {
    private LossKernels() {}

    static void register(KernelRegistry r) {
        r.add("NegativeLogLikelihoodLoss", 12, n -> {
            String reduction = n.node().attrString("reduction", "mean");
            Long ignore = n.node().hasAttr("ignore_index") ? n.node().attrInt("ignore_index", 0) : null;
            return (ctx, in) -> new Value[] {nll(tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), reduction, ignore)};
        });
        r.add("SoftmaxCrossEntropyLoss", 12, n -> {
            String reduction = n.node().attrString("reduction", "mean");
            Long ignore = n.node().hasAttr("ignore_index") ? n.node().attrInt("ignore_index", 0) : null;
            return (ctx, in) -> {
                Tensor scores = tensor(in, 0);
                Tensor logProb = logSoftmaxAxis1(scores);
                return new Value[] {nll(logProb, tensor(in, 1), optionalTensor(in, 2), reduction, ignore), logProb};
            };
        });
    }

    private static Tensor logSoftmaxAxis1(Tensor x) {
        long[] s = x.shape();
        long c = s[1], inner = Shapes.size(Arrays.copyOfRange(s, 2, s.length));
        Tensor out = Tensor.allocate(x.dtype(), s);
        for (long b = 0; b < s[0]; b++) {
            for (long i = 0; i < inner; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (long k = 0; k < c; k++) max = Math.max(max, x.getDouble((b * c + k) * inner + i));
                for (long k = 0; k < c; k++) sum += Math.exp(x.getDouble((b * c + k) * inner + i) - max);
                for (long k = 0; k < c; k++) {
                    long e = (b * c + k) * inner + i;
                    out.setDouble(e, x.getDouble(e) - max - Math.log(sum));
                }
            }
        }
        return out;
    }

    private static Tensor nll(Tensor input, Tensor target, Tensor weight, String reduction, Long ignore) {
        long[] s = input.shape();
        long n = s[0], c = s[1], inner = Shapes.size(Arrays.copyOfRange(s, 2, s.length));
        long[] ts = target.shape();
        Tensor loss = Tensor.allocate(input.dtype(), ts);
        double total = 0, weightSum = 0;
        for (long b = 0; b < n; b++) {
            for (long i = 0; i < inner; i++) {
                long t = target.getLong(b * inner + i);
                if (ignore != null && t == ignore) continue;
                if (t < 0 || t >= c) throw new IllegalArgumentException("target class " + t + " is outside [0, " + c + ")");
                double w = weight == null ? 1 : weight.getDouble(t);
                double l = -input.getDouble((b * c + t) * inner + i) * w;
                loss.setDouble(b * inner + i, l);
                total += l;
                weightSum += w;
            }
        }
        return switch (reduction) {
            case "none" -> loss;
            case "sum" -> Tensor.fromDoubles(input.dtype(), new long[0], new double[] {total});
            case "mean" -> Tensor.fromDoubles(input.dtype(), new long[0], new double[] {weightSum == 0 ? 0 : total / weightSum});
            default -> throw new IllegalArgumentException("reduction must be none, sum or mean, got '" + reduction + "'");
        };
    }
}
