package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss with weights, ignore_index and every reduction. */
class LossKernelsTest {
    // scores [N=3, C=4]; labels; class weights.
    private static final double[] X = data(1, 12, -3, 3);
    private static final long[] LABELS = {2, 0, 3};
    private static final double[] W = {0.5, 1.5, 2.0, 0.25};

    @Test
    void nllWithWeightsAndEveryReduction() {
        double[] per = new double[3];
        double wsum = 0, sum = 0;
        for (int i = 0; i < 3; i++) {
            double w = W[(int) LABELS[i]];
            per[i] = -X[i * 4 + (int) LABELS[i]] * w;
            wsum += w;
            sum += per[i];
        }
        Tensor x = t(DType.FLOAT64, shape(3, 4), X), lab = Tensor.ofLongs(shape(3), LABELS), w = t(DType.FLOAT64, shape(4), W);
        check(t(DType.FLOAT64, shape(3), per), KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t", "w"),
                Attribute.of("reduction", "none")), 13, x, lab, w)[0]);
        check(t(DType.FLOAT64, shape(), sum), KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t", "w"),
                Attribute.of("reduction", "sum")), 13, x, lab, w)[0]);
        check(t(DType.FLOAT64, shape(), sum / wsum), KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t", "w")), 13, x, lab, w)[0]);
    }

    @Test
    void ignoredTargetsDropOutOfTheMean() {
        // Label 3 on sample 2 is ignored: mean over the other two, unweighted.
        double want = (-X[2] - X[4]) / 2;
        check(t(DType.FLOAT32, shape(), want), KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t"),
                Attribute.of("ignore_index", 3L)), 13, t(DType.FLOAT32, shape(3, 4), X), Tensor.ofLongs(shape(3), LABELS))[0]);
    }

    @Test
    void softmaxCrossEntropyReturnsLossAndLogProb() {
        double[] logp = new double[12];
        double loss = 0;
        for (int i = 0; i < 3; i++) {
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int c = 0; c < 4; c++) max = Math.max(max, X[i * 4 + c]);
            for (int c = 0; c < 4; c++) s += Math.exp(X[i * 4 + c] - max);
            for (int c = 0; c < 4; c++) logp[i * 4 + c] = X[i * 4 + c] - max - Math.log(s);
            loss -= logp[i * 4 + (int) LABELS[i]];
        }
        Value[] out = KernelHarness.run(Node2.sce(), 13, t(DType.FLOAT32, shape(3, 4), X), Tensor.ofInts(shape(3), 2, 0, 3));
        check(t(DType.FLOAT32, shape(), loss / 3), out[0]);
        check(t(DType.FLOAT32, shape(3, 4), logp), out[1]);
    }

    /** Builds the two-output SoftmaxCrossEntropyLoss node. */
    private static final class Node2 {
        static io.jengine.ir.Node sce() {
            return io.jengine.ir.Node.builder("SoftmaxCrossEntropyLoss").inputs("x", "t").outputs("loss", "logp").build();
        }
    }

    @Test
    void unknownReductionIsReported() {
        fails(() -> KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t"), Attribute.of("reduction", "avg")), 13,
                t(DType.FLOAT32, shape(3, 4), X), Tensor.ofLongs(shape(3), LABELS)), "reduction", "avg");
    }

    @Test
    void spatialTargetsWithWeightsAndIgnoredPositions() {
        // scores [N=2, C=3, d=2]; target [2, 2] with one ignored position (-1); weighted mean over the rest.
        double[] x = data(5, 12, -3, 3);
        long[] target = {0, 2, -1, 1};
        double[] w = {0.5, 2, 1.5};
        double num = 0, den = 0;
        for (int n = 0; n < 2; n++) for (int d = 0; d < 2; d++) {
            long c = target[n * 2 + d];
            if (c == -1) continue;
            num += -x[(n * 3 + (int) c) * 2 + d] * w[(int) c];
            den += w[(int) c];
        }
        check(t(DType.FLOAT64, shape(), num / den), KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t", "w"),
                Attribute.of("ignore_index", -1L)), 13, t(DType.FLOAT64, shape(2, 3, 2), x), Tensor.ofLongs(shape(2, 2), target),
                t(DType.FLOAT64, shape(3), w))[0]);
        double[] none = new double[4];
        for (int n = 0; n < 2; n++) for (int d = 0; d < 2; d++) {
            long c = target[n * 2 + d];
            none[n * 2 + d] = c == -1 ? 0 : -x[(n * 3 + (int) c) * 2 + d] * w[(int) c];
        }
        check(t(DType.FLOAT64, shape(2, 2), none), KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t", "w"),
                Attribute.of("ignore_index", -1L), Attribute.of("reduction", "none")), 13, t(DType.FLOAT64, shape(2, 3, 2), x),
                Tensor.ofLongs(shape(2, 2), target), t(DType.FLOAT64, shape(3), w))[0]);
    }

    @Test
    void targetOutsideTheClassesIsReported() {
        fails(() -> KernelHarness.run(node("NegativeLogLikelihoodLoss", in("x", "t")), 13,
                t(DType.FLOAT32, shape(3, 4), X), Tensor.ofLongs(shape(3), 2, 0, 4)), "4");
    }
}
