package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Locale;

/**
 * ONNX CausalConvWithState: a depthwise causal 1-D convolution that carries its left context between calls, as in
 * the short convolutions of state-space and linear-attention models. The input {@code [batch, channels, len]} is
 * preceded by {@code past_state [batch, channels, kernel - 1]} (zeros when omitted); each channel is convolved with
 * its own {@code weight [channels, 1, kernel]} row, biased, optionally passed through SiLU ("silu" or "swish"); the
 * last {@code kernel - 1} columns of the extended input become {@code present_state}.
 */
final class CausalConvWithStateKernel implements ValueKernel {
    private final boolean silu;

    CausalConvWithStateKernel(Node node) {
        String act = node.attrString("activation", "none").toLowerCase(Locale.ROOT);
        silu = switch (act) {
            case "silu", "swish" -> true;
            case "none", "" -> false;
            default -> throw new IllegalArgumentException("attribute activation must be none, silu or swish, got '"
                    + act + "'");
        };
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor x = KernelSupport.tensor(inputs, 0);
        Tensor w = KernelSupport.tensor(inputs, 1);
        Tensor bias = KernelSupport.optionalTensor(inputs, 2);
        Tensor past = KernelSupport.optionalTensor(inputs, 3);
        if (x.rank() != 3) throw new IllegalArgumentException("input must be 3-D, got " + Shapes.format(x.shape()));
        int batch = (int) x.dim(0), ch = (int) x.dim(1), len = (int) x.dim(2);
        if (w.rank() != 3 || w.dim(0) != ch || w.dim(1) != 1 || w.dim(2) < 1) {
            throw new IllegalArgumentException("weight must have shape [" + ch + ", 1, kernel_size], got "
                    + Shapes.format(w.shape()));
        }
        int k = (int) w.dim(2), ctxLen = k - 1;
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != ch)) {
            throw new IllegalArgumentException("bias must have shape [" + ch + "], got " + Shapes.format(bias.shape()));
        }
        long[] stateShape = {batch, ch, ctxLen};
        if (past != null && !java.util.Arrays.equals(past.shape(), stateShape)) {
            throw new IllegalArgumentException("past_state must have shape " + Shapes.format(stateShape) + ", got "
                    + Shapes.format(past.shape()));
        }
        Tensor y = Tensor.allocate(x.dtype(), x.shape());
        Tensor present = Tensor.allocate(x.dtype(), stateShape);
        double[] ext = new double[ctxLen + len];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < ch; c++) {
                long row = (long) (b * ch + c);
                for (int t = 0; t < ctxLen; t++) ext[t] = past == null ? 0 : past.getDouble(row * ctxLen + t);
                for (int t = 0; t < len; t++) ext[ctxLen + t] = x.getDouble(row * len + t);
                double bc = bias == null ? 0 : bias.getDouble(c);
                for (int t = 0; t < len; t++) {
                    double s = bc;
                    for (int j = 0; j < k; j++) s += w.getDouble((long) c * k + j) * ext[t + j];
                    y.setDouble(row * len + t, silu ? s / (1 + Math.exp(-s)) : s);
                }
                for (int t = 0; t < ctxLen; t++) present.setDouble(row * ctxLen + t, ext[len + t]);
            }
        }
        return ctx.node().outputs().size() > 1 ? new Value[] {y, present} : new Value[] {y};
    }
}
