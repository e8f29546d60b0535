package io.jengine.build;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;

/**
 * The integer layers of a stored plan that this machine's integer kernels cannot compute exactly: a plan quantized
 * on a CPU with VNNI (8-bit weights, int8 sources) loaded on one without. They still compute the right values (in
 * float, or on the reference kernels), only slower; the remedy is a build from the ONNX model on this machine, which
 * quantizes for it.
 */
final class IntegerLayerCheck {
    private IntegerLayerCheck() {}

    /**
     * How many of {@code g}'s QuantizedConv and QuantizedMatMul layers {@code kernels} (null: none) does not compute
     * exactly. Both ops have their source at input 0 and their int8 weights at input 3.
     */
    static int inexact(Graph g, IntegerConvolution kernels) {
        int n = 0;
        for (Node node : g.nodes()) {
            boolean integer = FusedOpSpec.is(node, FusedOpSpec.QUANTIZED_CONV)
                    || FusedOpSpec.is(node, FusedOpSpec.QUANTIZED_MATMUL);
            if (!integer || !node.hasInput(FusedOpSpec.QC_W)) continue;
            Tensor w = g.initializers().get(node.inputs().get(FusedOpSpec.QC_W));
            if (w == null || !(g.typeOf(node.inputs().get(FusedOpSpec.QC_X)) instanceof ValueType.TensorType x)) continue;
            int max = 0;
            for (long i = 0; i < w.size(); i++) max = Math.max(max, (int) Math.abs(w.getLong(i)));
            if (kernels == null || !kernels.exact(x.elementType(), max)) n++;
        }
        return n;
    }
}
