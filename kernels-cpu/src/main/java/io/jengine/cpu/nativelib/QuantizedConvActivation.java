package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.Activation;
import io.jengine.cpu.simd.ops.UnaryOp;
import io.jengine.ir.FusedOpSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * How oneDNN's integer convolution applies a {@code jengine::QuantizedConv}'s residual and activation: the post-ops
 * it fuses, and what our vector code applies after the primitive.
 *
 * <p>With a quantized destination every activation must be a post-op, since the result leaves the primitive already
 * rounded; that is exact here because integer sources, finite scales and a finite bias make no NaN for oneDNN's relu
 * or clip to lose. With a float destination it follows the float convolutions: the residual as a sum, the smooth
 * activations as post-ops, and the piecewise-linear ones (Relu, Clip, LeakyRelu, HardSigmoid) after the primitive,
 * because a residual may carry a NaN and oneDNN's max/min turn it into a number.
 *
 * @param postOps the primitive's post-ops, in order
 * @param after   the activation applied after the primitive ({@link UnaryOp#NONE}: none)
 * @param params  the activation's parameters, as the node records them
 */
record QuantizedConvActivation(List<DnnlPostOp> postOps, UnaryOp after, float[] params) {

    /**
     * The plan for activation {@code a} after the residual {@code sum} (null: none); null where oneDNN cannot apply it
     * exactly (an unknown activation, missing parameters, or a residual whose kind does not match the destination:
     * oneDNN's sum reads the residual in the destination's bytes).
     */
    static QuantizedConvActivation of(FusedOpSpec.Activation a, DnnlPostOp.Sum sum, boolean quantizedDst) {
        boolean residual = sum != null;
        try {
            Activation.of(a.name(), a.params()); // the parameter checks the float kernels make
        } catch (IllegalArgumentException unknownOrIncomplete) {
            return null;
        }
        List<DnnlPostOp> ops = new ArrayList<>();
        if (residual && sum.integer() != quantizedDst) return null;
        if (quantizedDst) {
            // integer residual codes hold no NaN: every activation can be oneDNN's
            if (residual) ops.add(sum);
            DnnlPostOp.Eltwise e = integerEltwise(a);
            if (e == null && !a.isNone()) return null;
            if (e != null) ops.add(e);
            return new QuantizedConvActivation(List.copyOf(ops), UnaryOp.NONE, a.params());
        }
        if (residual) ops.add(sum);
        DnnlPostOp.Eltwise smooth = NativeBackend.eltwise(a);
        if (smooth != null) ops.add(smooth);
        UnaryOp after;
        try {
            after = smooth != null || a.isNone() ? UnaryOp.NONE : UnaryOp.named(a.name());
        } catch (IllegalArgumentException unknown) {
            return null;
        }
        return new QuantizedConvActivation(List.copyOf(ops), after, a.params());
    }

    /** Every fused activation as a oneDNN eltwise with the reference's parameters, or null. */
    private static DnnlPostOp.Eltwise integerEltwise(FusedOpSpec.Activation a) {
        float[] p = a.params();
        return switch (a.name()) {
            case "Relu" -> new DnnlPostOp.Eltwise(DnnlEltwise.RELU, 0f, 0f);
            case "LeakyRelu" -> new DnnlPostOp.Eltwise(DnnlEltwise.RELU, p[0], 0f);
            case "Clip" -> new DnnlPostOp.Eltwise(DnnlEltwise.CLIP, p[0], p[1]);
            case "HardSigmoid" -> new DnnlPostOp.Eltwise(DnnlEltwise.HARDSIGMOID, p[0], p[1]);
            default -> NativeBackend.eltwise(a);
        };
    }
}
