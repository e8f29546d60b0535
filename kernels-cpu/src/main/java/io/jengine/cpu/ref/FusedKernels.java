package io.jengine.cpu.ref;

import io.jengine.ir.FusedOpSpec;
import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * The optimizer's fused ops (domain "jengine"): the base op's reference kernel, then FusedConv's optional residual
 * (input 3) or FusedMatMul's optional bias (input 2) added, then the activation, so a fused graph computes what the
 * unfused one did.
 */
final class FusedKernels {
    static final String DOMAIN = FusedOpSpec.DOMAIN;

    private FusedKernels() {}

    static void register(KernelRegistry r) {
        r.add(DOMAIN, FusedOpSpec.FUSED_CONV, 1, Set.of(), n -> fused(n.node(), in -> {
            Tensor y = ConvKernels.conv(n.node(), tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), null, null, null);
            Tensor z = optionalTensor(in, 3);
            if (z == null) return y;
            if (!java.util.Arrays.equals(z.shape(), y.shape())) {
                throw new IllegalArgumentException("residual input 3 has shape " + io.jengine.tensor.Shapes.format(z.shape())
                        + ", the convolution produces " + io.jengine.tensor.Shapes.format(y.shape()));
            }
            Tensor sum = Tensor.allocate(y.dtype(), y.shape());
            for (long i = 0; i < y.size(); i++) sum.setDouble(i, y.getDouble(i) + z.getDouble(i));
            return sum;
        }));
        // The channel-blocked layout: the plain kernels on the plain view, so blocking itself is what gets tested.
        r.add(DOMAIN, FusedOpSpec.TO_BLOCKED, 1, Set.of(), n -> {
            int b = block(n.node());
            return (ctx, in) -> new Value[] {ChannelBlocking.block(tensor(in, 0), b)};
        });
        r.add(DOMAIN, FusedOpSpec.FROM_BLOCKED, 1, Set.of(), n -> {
            int b = block(n.node());
            return (ctx, in) -> new Value[] {ChannelBlocking.unblock(tensor(in, 0), b)};
        });
        // bfloat16 X and Z (the outputs of bfloat16 layers) are widened exactly to float32, and a bfloat16 Y is the
        // float32 result rounded once, after the activation.
        r.add(DOMAIN, FusedOpSpec.BLOCKED_CONV, 1, Set.of(), n -> {
            Node node = n.node();
            int b = block(node);
            boolean bf16Out = FusedOpSpec.BFLOAT16_OUTPUT.equals(node.attrString(FusedOpSpec.OUTPUT_TYPE, ""));
            ValueKernel plain = fused(node, in -> {
                Tensor x = widened(tensor(in, 0));
                Tensor y = ConvKernels.conv(node, x.rank() == 5 ? ChannelBlocking.unblock(x, b) : x, tensor(in, 1),
                        optionalTensor(in, 2), null, null, null);
                Tensor z = optionalTensor(in, 3);
                if (z == null) return y;
                Tensor zp = ChannelBlocking.unblock(widened(z), b);
                if (!java.util.Arrays.equals(zp.shape(), y.shape())) {
                    throw new IllegalArgumentException("residual input 3 has shape " + io.jengine.tensor.Shapes.format(z.shape())
                            + ", the convolution produces " + io.jengine.tensor.Shapes.format(y.shape()) + " unblocked");
                }
                Tensor sum = Tensor.allocate(y.dtype(), y.shape());
                for (long i = 0; i < y.size(); i++) sum.setDouble(i, y.getDouble(i) + zp.getDouble(i));
                return sum;
            });
            return (ctx, in) -> {
                Tensor y = ChannelBlocking.block((Tensor) plain.run(ctx, in)[0], b);
                return new Value[] {bf16Out ? rounded(y, DType.BFLOAT16) : y};
            };
        });
        r.add(DOMAIN, FusedOpSpec.QUANTIZED_CONV, 1, Set.of(), n -> QuantizedConvKernel.create(n.node()));
        r.add(DOMAIN, FusedOpSpec.QUANTIZED_MATMUL, 1, Set.of(), n -> QuantizedMatMulKernel.create(n.node()));
        r.add(DOMAIN, FusedOpSpec.FUSED_CONV_TRANSPOSE, 1, Set.of(), n -> fused(n.node(), in ->
                ConvKernels.convTranspose(n.node(), tensor(in, 0), tensor(in, 1), optionalTensor(in, 2))));
        r.add(DOMAIN, FusedOpSpec.FUSED_GEMM, 1, Set.of(), n -> {
            Node node = n.node();
            boolean ta = node.attrInt("transA", 0) != 0, tb = node.attrInt("transB", 0) != 0;
            double alpha = node.attrFloat("alpha", 1f), beta = node.attrFloat("beta", 1f);
            return fused(node, in -> LinalgKernels.gemm(tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), ta, tb, alpha, beta));
        });
        r.add(DOMAIN, FusedOpSpec.FUSED_MATMUL, 1, Set.of(), n -> fused(n.node(), in -> {
            Tensor y = LinalgKernels.matmul(tensor(in, 0), tensor(in, 1), null, null, null);
            Tensor bias = optionalTensor(in, 2);
            if (bias == null) return y;
            long n0 = y.dim(y.rank() - 1);
            if (bias.size() != n0) {
                throw new IllegalArgumentException("bias input 2 has " + bias.size() + " elements, the product has " + n0 + " columns");
            }
            Tensor out = Tensor.allocate(y.dtype(), y.shape());
            for (long i = 0; i < y.size(); i++) out.setDouble(i, y.getDouble(i) + bias.getDouble(i % n0));
            return out;
        }));
        // Recognised patterns in models whose opset predates the ONNX op: the same kernels under the engine's domain.
        r.add(DOMAIN, "Gelu", 1, Set.of(), n -> ElementwiseKernels.unary(
                x -> 0.5 * x * (1 + UnaryMath.erf(x / Math.sqrt(2))), null));
        r.add(DOMAIN, "LayerNormalization", 1, Set.of(), n -> {
            long axisAttr = n.node().attrInt("axis", -1);
            double eps = n.node().attrFloat("epsilon", 1e-5f);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                int axis = io.jengine.tensor.Shapes.normalizeAxis(axisAttr, x.rank());
                return NormalizationKernels.layerNorm(x, axis, eps, tensor(in, 1), optionalTensor(in, 2), false);
            };
        });
    }

    /** {@code t} in float32: a bfloat16 tensor widened (exactly), any other returned as it is. */
    static Tensor widened(Tensor t) {
        return t.dtype() == DType.BFLOAT16 ? rounded(t, DType.FLOAT32) : t;
    }

    /** {@code t}'s values in {@code type}, each rounded to nearest even where it has fewer bits. */
    private static Tensor rounded(Tensor t, DType type) {
        Tensor out = Tensor.allocate(type, t.shape());
        for (long i = 0; i < t.size(); i++) out.setDouble(i, t.getDouble(i));
        return out;
    }

    static int block(Node node) {
        if (!node.hasAttr(FusedOpSpec.BLOCK)) throw new IllegalArgumentException("attribute " + FusedOpSpec.BLOCK + " is missing");
        long b = node.attrInt(FusedOpSpec.BLOCK, 0);
        if (b < 0 || b > 1024) {
            throw new IllegalArgumentException("attribute " + FusedOpSpec.BLOCK + " must be 0 (channels-last) to 1024, got " + b);
        }
        return (int) b;
    }

    private static ValueKernel fused(Node node, Function<Value[], Tensor> base) {
        DoubleUnaryOperator act = Activation.of(node.attrString(FusedOpSpec.ACTIVATION, "None"),
                node.attrFloats(FusedOpSpec.ACTIVATION_PARAMS, new float[0]));
        return (ctx, in) -> {
            Tensor y = base.apply(in);
            Tensor out = Tensor.allocate(y.dtype(), y.shape());
            for (long i = 0; i < y.size(); i++) out.setDouble(i, act.applyAsDouble(y.getDouble(i)));
            return new Value[] {out};
        };
    }
}
