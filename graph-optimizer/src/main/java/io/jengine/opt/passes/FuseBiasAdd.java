package io.jengine.opt.passes;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * A constant bias added after a matrix product or convolution becomes that op's bias: MatMul + Add(b[N]) is a
 * FusedMatMul with a bias input, Gemm without C takes b as C, Conv without bias takes a per-channel b ([M], [M,1,1],
 * [1,M,1,1] ...). The Add disappears and an activation after it can then fuse as well.
 */
public final class FuseBiasAdd implements GraphPass {
    @Override
    public String name() { return "bias-add-fusion"; }

    @Override
    public Set<String> targets() { return Set.of("Add"); }

    @Override
    public Optional<Patch> apply(Node add, GraphIndex g) {
        for (int i = 0; i < 2; i++) {
            String y = add.inputs().get(i), b = add.inputs().get(1 - i);
            Tensor bias = g.constant(b);
            Node prod = g.producer(y);
            if (bias == null || prod == null || !prod.domain().isEmpty() || !g.hasSingleUse(y)) continue;
            if (!(g.type(y) instanceof ValueType.TensorType t) || t.shape() == null || t.shape().rank() < 2) continue;
            if (bias.dtype() != t.elementType()) continue;
            long last = t.shape().dim(t.shape().rank() - 1).value();
            String out = add.outputs().getFirst(), name = FusedOps.joinNames(g, prod, add);
            switch (prod.opType()) {
                case "MatMul" -> {
                    if (last < 0 || bias.size() != last || !trailingOnly(bias)) continue;
                    Node fused = prod.toBuilder().domain(FusedOps.DOMAIN).opType(FusedOpSpec.FUSED_MATMUL).name(name)
                            .inputs(prod.inputs().get(0), prod.inputs().get(1), b).outputs(out)
                            .attr(Attribute.of(FusedOpSpec.ACTIVATION, "None")).attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, new float[0])).build();
                    return Optional.of(new Patch().remove(prod).remove(add).add(fused).opset(FusedOps.DOMAIN, FusedOps.VERSION));
                }
                case "Gemm" -> {
                    if (prod.hasInput(2) || last < 0 || (bias.size() != last && bias.size() != 1) || bias.rank() > 2) continue;
                    Node fused = prod.toBuilder().name(name).inputs(prod.inputs().get(0), prod.inputs().get(1), b)
                            .outputs(out).attr(Attribute.of("beta", 1f)).build();
                    return Optional.of(new Patch().remove(prod).remove(add).add(fused));
                }
                case "Conv" -> {
                    long channels = t.shape().dim(1).value();
                    if (prod.hasInput(2) || channels < 0 || bias.size() != channels || !perChannel(bias, t.shape().rank())) continue;
                    String flat = out + "/bias";
                    Node fused = prod.toBuilder().name(name).inputs(prod.inputs().get(0), prod.inputs().get(1), flat)
                            .outputs(out).build();
                    return Optional.of(new Patch().remove(prod).remove(add).add(fused)
                            .initializer(flat, bias.reshape(channels)));
                }
                default -> { }
            }
        }
        return Optional.empty();
    }

    /** A bias that varies only along the last axis ([N], [1,N], [1,1,N] ...). */
    private static boolean trailingOnly(Tensor b) {
        long[] s = b.shape();
        for (int i = 0; i < s.length - 1; i++) if (s[i] != 1) return false;
        return true;
    }

    /** A bias that broadcasts per channel (axis 1) of an output of rank {@code rank}: [M,1,..] of rank-1, or [1,M,1,..]. */
    private static boolean perChannel(Tensor b, int rank) {
        long[] s = b.shape();
        if (s.length == rank - 1) {
            for (int i = 1; i < s.length; i++) if (s[i] != 1) return false;
            return true;
        }
        if (s.length == rank) {
            if (s[0] != 1) return false;
            for (int i = 2; i < s.length; i++) if (s[i] != 1) return false;
            return true;
        }
        return false;
    }
}
