package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * An inference BatchNormalization that could not fold into a producer becomes y = x * k + (beta - mean * k), a
 * per-channel Mul and Add with constants shaped [C, 1, ..., 1]: two elementwise ops that fuse with their neighbours,
 * instead of a normalisation recomputing sqrt(var + eps) at every run.
 */
public final class LoneBatchNormToScaleBias implements GraphPass {
    @Override
    public String name() { return "batchnorm-to-scale-bias"; }

    @Override
    public Set<String> targets() { return Set.of("BatchNormalization"); }

    @Override
    public Optional<Patch> apply(Node bn, GraphIndex g) {
        BatchNormFolding.BatchNormParams p = BatchNormFolding.BatchNormParams.of(bn, g);
        if (p == null || !(g.type(bn.inputs().getFirst()) instanceof ValueType.TensorType t) || t.shape() == null
                || t.shape().rank() < 2) {
            return Optional.empty();
        }
        Node prod = g.producer(bn.inputs().getFirst());
        if (prod != null && prod.domain().isEmpty() && Set.of("Conv", "ConvTranspose", "Gemm", "MatMul").contains(prod.opType())
                && g.hasSingleUse(bn.inputs().getFirst())) {
            return Optional.empty(); // batchnorm-folding takes this one
        }
        long c = p.channels();
        long[] shape = new long[t.shape().rank() - 1];
        Arrays.fill(shape, 1);
        shape[0] = c;
        Tensor scale = Tensor.allocate(t.elementType(), shape), bias = Tensor.allocate(t.elementType(), shape);
        for (long i = 0; i < c; i++) {
            scale.setDouble(i, p.k(i));
            bias.setDouble(i, p.beta(i) - p.mean(i) * p.k(i));
        }
        String out = bn.outputs().getFirst(), name = g.displayName(bn);
        String sName = out + "/scale", bName = out + "/shift", mid = out + "/scaled";
        return Optional.of(new Patch().remove(bn)
                .add(Node.builder("Mul").name(name + "/scale").inputs(bn.inputs().getFirst(), sName).outputs(mid).build())
                .add(Node.builder("Add").name(name + "/shift").inputs(mid, bName).outputs(out).build())
                .initializer(sName, scale).initializer(bName, bias));
    }
}
