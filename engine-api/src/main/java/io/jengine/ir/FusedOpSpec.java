package io.jengine.ir;

import java.util.Set;

/**
 * The contract of the engine's own ops (domain {@value #DOMAIN}), written once for the optimizer passes that create
 * them, the inference rules that type them and every kernel that runs them.
 *
 * <ul>
 *   <li>{@value #FUSED_CONV}: Conv's inputs (X, W, optional B) and attributes, plus an optional residual input
 *       {@link #CONV_RESIDUAL} of the output's shape; computes act(conv(X, W) + B + residual).</li>
 *   <li>{@value #FUSED_CONV_TRANSPOSE}, {@value #FUSED_GEMM}: the base op's inputs and attributes; act(op(...)).</li>
 *   <li>{@value #FUSED_MATMUL}: MatMul's A, B plus an optional bias input {@link #MATMUL_BIAS} broadcast along the
 *       last axis; act(A.B + bias).</li>
 *   <li>Every fused op has {@value #ACTIVATION} (one of {@link #ACTIVATIONS}, "None" when absent) and
 *       {@value #ACTIVATION_PARAMS} (floats: LeakyRelu's alpha; HardSigmoid's alpha, beta; Clip's min, max).</li>
 *   <li>{@value #ELEMENTWISE_CHAIN}, {@value #ATTENTION}, and {@code Gelu} / {@code LayerNormalization} for models
 *       whose opset predates the ONNX ops (same semantics as the ONNX ops).</li>
 *   <li>The channel-blocked layout of optimization level 3: a float32 activation {@code [N, C, H, W]} with
 *       {@code C % b == 0} held as the 5-D tensor {@code [N, C/b, H, W, b]} (oneDNN's nChw8c / nChw16c, ONNX
 *       Runtime's NCHWc), {@code b} in attribute {@value #BLOCK}; {@code b} = 0 stands for channels-last, the block being
 *       the tensor's own channel count: {@code [N, 1, H, W, C]} (NHWC). {@value #TO_BLOCKED} and {@value #FROM_BLOCKED}
 *       convert; {@value #BLOCKED_CONV} is FusedConv (same inputs, attributes and activation) reading X blocked,
 *       or plain 4-D (an image's few channels: not a multiple of the block, or fewer than 8 for channels-last), and
 *       writing Y (and reading the residual) blocked. Ops whose meaning survives the extra axis (elementwise, pools with a window of 1 along it, Concat on
 *       axis 1, ReduceMean over axes 2 and 3) run on blocked tensors as they are.</li>
 *   <li>{@value #QUANTIZED_CONV}: a convolution between dequantized operands, what a QDQ graph's
 *       {@code DequantizeLinear → Conv (← DequantizeLinear of int8 weights) → QuantizeLinear} means, as one layer an
 *       integer kernel runs. Inputs (see the {@code QC_} indices): X (uint8 or int8), x_scale (one float32), x_zero_point
 *       (one value of X's type), W (int8, Conv's {@code [M, C/group, kH, kW]}), w_scale (float32, one or {@code [M]};
 *       weights have no zero point), optional B (float32 {@code [M]}), optional residual Z (the output's shape: float32,
 *       or uint8 / int8 codes with z_scale and z_zero_point, dequantized as DequantizeLinear does), optional y_scale
 *       and y_zero_point (given together). Attributes: Conv's, the activation, and optionally
 *       {@value #BLOCK}, which puts X, Z and Y on the channel-blocked layout as for {@value #BLOCKED_CONV} (X read
 *       plain where its channels are not a multiple of the block). It computes {@code Yf = act(conv((X - x_zp) ·
 *       x_scale, W · w_scale) + B + Z)}, and then {@code Y = saturate(round_half_even(Yf / y_scale) + y_zp)} in
 *       y_zero_point's type when y_scale is given (QuantizeLinear's rule), else {@code Y = Yf} in float32.</li>
 *   <li>{@value #QUANTIZED_MATMUL}: a matrix product between dequantized operands, what a QDQ graph's
 *       {@code DequantizeLinear → MatMul (← DequantizeLinear of constant int8 weights) → QuantizeLinear} means, as one
 *       layer an integer kernel runs. Inputs (see the {@code QM_} indices): A (uint8 or int8 {@code [..., M, K]}),
 *       a_scale (one float32), a_zero_point (one value of A's type), B (constant int8 {@code [K, N]}, no zero point),
 *       b_scale (float32, one or one per column {@code [N]}), optional bias (float32 {@code [N]}), optional y_scale
 *       and y_zero_point (given together). Attributes: the activation, as {@value #FUSED_MATMUL}. It computes
 *       {@code Yf = act((A - a_zp) · a_scale @ B · b_scale + bias)} rounded to float32 ({@code [..., M, N]}), then
 *       {@code Y = saturate(round_half_even(Yf / y_scale) + y_zp)} in y_zero_point's type when y_scale is given
 *       (QuantizeLinear's rule), else {@code Y = Yf} in float32.</li>
 * </ul>
 */
public final class FusedOpSpec {
    public static final String DOMAIN = "jengine";
    public static final int VERSION = 1;

    public static final String FUSED_CONV = "FusedConv";
    public static final String FUSED_CONV_TRANSPOSE = "FusedConvTranspose";
    public static final String FUSED_GEMM = "FusedGemm";
    public static final String FUSED_MATMUL = "FusedMatMul";
    public static final String ELEMENTWISE_CHAIN = "ElementwiseChain";
    public static final String ATTENTION = "ScaledDotProductAttention";

    public static final String BLOCKED_CONV = "BlockedConv";
    public static final String TO_BLOCKED = "ToChannelBlocked";
    public static final String FROM_BLOCKED = "FromChannelBlocked";
    public static final String QUANTIZED_CONV = "QuantizedConv";
    /** QuantizedConv's inputs. */
    public static final int QC_X = 0, QC_X_SCALE = 1, QC_X_ZERO = 2, QC_W = 3, QC_W_SCALE = 4, QC_B = 5, QC_RESIDUAL = 6,
            QC_Y_SCALE = 7, QC_Y_ZERO = 8, QC_Z_SCALE = 9, QC_Z_ZERO = 10;
    public static final String QUANTIZED_MATMUL = "QuantizedMatMul";
    /** QuantizedMatMul's inputs. */
    public static final int QM_A = 0, QM_A_SCALE = 1, QM_A_ZERO = 2, QM_B = 3, QM_B_SCALE = 4, QM_BIAS = 5,
            QM_Y_SCALE = 6, QM_Y_ZERO = 7;
    /**
     * Optional on the engine's float convolutions and matrix products ({@value #FUSED_CONV}, {@value #BLOCKED_CONV},
     * {@value #FUSED_MATMUL}, {@value #FUSED_GEMM}): the float arithmetic a kernel may use. {@value #BF16} allows
     * products in bfloat16 with float32 accumulation ({@code --bf16}); absent, float32. A kernel may always compute
     * more precisely than allowed.
     */
    public static final String FPMATH = "fpmath";
    public static final String BF16 = "bf16";
    /**
     * Optional on a {@value #BLOCKED_CONV} that has {@value #FPMATH} {@value #BF16}: {@value #BFLOAT16_OUTPUT} makes
     * its output Y, and then its residual Z, bfloat16 (Y rounded to nearest even after the activation), so that
     * activations flow between bfloat16 layers at half the bytes. Its input X may be bfloat16 whatever this says (the
     * output of such a layer); the weights and bias stay float32.
     */
    public static final String OUTPUT_TYPE = "output_type";
    public static final String BFLOAT16_OUTPUT = "bfloat16";
    /** The channel block of the blocked layout's ops. */
    public static final String BLOCK = "block";

    /** FusedConv's residual input, added before the activation. */
    public static final int CONV_RESIDUAL = 3;
    /** FusedMatMul's bias input, added along the last axis before the activation. */
    public static final int MATMUL_BIAS = 2;

    public static final String ACTIVATION = "activation";
    public static final String ACTIVATION_PARAMS = "activation_params";
    public static final String NO_ACTIVATION = "None";

    /** The activations a fused op may apply, by the ONNX op name they stand for (SiLU: x * Sigmoid(x)). */
    public static final Set<String> ACTIVATIONS = Set.of(NO_ACTIVATION, "Relu", "Clip", "LeakyRelu", "Sigmoid",
            "HardSigmoid", "HardSwish", "Tanh", "SiLU", "Gelu");

    private FusedOpSpec() {}

    /** The fused op made from an ONNX base op: "Conv" gives "FusedConv". */
    public static String fusedName(String baseOp) { return "Fused" + baseOp; }

    /** Whether {@code n} is the engine's op {@code op}. */
    public static boolean is(Node n, String op) { return n.domain().equals(DOMAIN) && n.opType().equals(op); }

    /** A fused op's activation and its parameters. */
    public record Activation(String name, float[] params) {
        public static final Activation NONE = new Activation(NO_ACTIVATION, new float[0]);

        /** The activation a node records, "None" when it has none. */
        public static Activation of(Node n) {
            return new Activation(n.attrString(ACTIVATION, NO_ACTIVATION), n.attrFloats(ACTIVATION_PARAMS, new float[0]));
        }

        public boolean isNone() { return name.equals(NO_ACTIVATION) || name.isEmpty(); }

        /**
         * Whether it passes each value through or replaces it by a constant bound: none, Relu, or Clip with its two
         * bounds. Such an activation commutes with rounding to a narrower float (bounds rounded too), so a
         * {@value #BLOCKED_CONV} writing {@value #BFLOAT16_OUTPUT} may apply it after the rounding.
         */
        public boolean passesValuesOrBounds() {
            return isNone() || name.equals("Relu") || name.equals("Clip") && params.length == 2;
        }

        /** The i-th parameter, or {@code dflt} when the node recorded fewer. */
        public float param(int i, float dflt) { return i < params.length ? params[i] : dflt; }
    }
}
