package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Tensor;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * The optimizer's fused ops (domain "jengine"): the base op's reference kernel, then FusedConv's optional residual
 * input (input 3) added, then the activation, so a fused graph computes what the unfused one did.
 */
final class FusedKernels {
    static final String DOMAIN = "jengine";

    private FusedKernels() {}

    static void register(KernelRegistry r) {
        r.add(DOMAIN, "FusedConv", 1, Set.of(), n -> fused(n.node(), in -> {
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
        r.add(DOMAIN, "FusedConvTranspose", 1, Set.of(), n -> fused(n.node(), in ->
                ConvKernels.convTranspose(n.node(), tensor(in, 0), tensor(in, 1), optionalTensor(in, 2))));
        r.add(DOMAIN, "FusedGemm", 1, Set.of(), n -> {
            Node node = n.node();
            boolean ta = node.attrInt("transA", 0) != 0, tb = node.attrInt("transB", 0) != 0;
            double alpha = node.attrFloat("alpha", 1f), beta = node.attrFloat("beta", 1f);
            return fused(node, in -> LinalgKernels.gemm(tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), ta, tb, alpha, beta));
        });
        r.add(DOMAIN, "FusedMatMul", 1, Set.of(), n -> fused(n.node(), in ->
                LinalgKernels.matmul(tensor(in, 0), tensor(in, 1), null, null, null)));
    }

    private static Kernel fused(Node node, Function<Value[], Tensor> base) {
        DoubleUnaryOperator act = Activation.of(node.attrString("activation", "None"),
                node.attrFloats("activation_params", new float[0]));
        return (ctx, in) -> {
            Tensor y = base.apply(in);
            Tensor out = Tensor.allocate(y.dtype(), y.shape());
            for (long i = 0; i < y.size(); i++) out.setDouble(i, act.applyAsDouble(y.getDouble(i)));
            return new Value[] {out};
        };
    }
}
