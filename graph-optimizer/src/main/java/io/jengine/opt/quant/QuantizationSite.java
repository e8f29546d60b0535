package io.jengine.opt.quant;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A node whose main product can run in INT8: a convolution or a matrix product with constant float32 weights. Its
 * activation input is quantized per tensor, its weights per output channel, along {@code weightAxis} of the weight
 * tensor (a convolution's output channels are axis 0; a MatMul's or a plain Gemm's columns are axis 1).
 *
 * @param node       the node
 * @param activation the name of the input quantized per tensor (input 0)
 * @param weight     the name of the constant weight input (input 1)
 * @param weightAxis the weight axis that indexes output channels
 */
public record QuantizationSite(Node node, String activation, String weight, int weightAxis) {

    /** The sites of {@code g}, in node order. Convolutions with groups are sites too (depthwise included). */
    public static List<QuantizationSite> find(Graph g) {
        List<QuantizationSite> sites = new ArrayList<>();
        for (Node n : g.nodes()) {
            int axis = weightAxis(n);
            if (axis < 0 || !n.hasInput(0) || !n.hasInput(1)) continue;
            Tensor w = g.initializers().get(n.inputs().get(1));
            if (w == null || w.dtype() != DType.FLOAT32 || w.rank() < 2) continue;
            if (g.initializers().containsKey(n.inputs().get(0))) continue; // a constant product folds instead
            sites.add(new QuantizationSite(n, n.inputs().get(0), n.inputs().get(1), axis));
        }
        return sites;
    }

    /**
     * The residual a site adds ({@code FusedConv}'s input {@link FusedOpSpec#CONV_RESIDUAL}), or null: quantized too
     * where integer kernels run the site, so that the sum happens on the integer layer and its output can stay in
     * integers (TensorRT's int8 residual add).
     */
    public String residual() {
        return FusedOpSpec.is(node, FusedOpSpec.FUSED_CONV) && node.hasInput(FusedOpSpec.CONV_RESIDUAL)
                ? node.inputs().get(FusedOpSpec.CONV_RESIDUAL) : null;
    }

    /** The output-channel axis of the node's weights, or -1 where the node is no site. */
    private static int weightAxis(Node n) {
        boolean ours = FusedOpSpec.DOMAIN.equals(n.domain());
        boolean onnx = n.domain().isEmpty();
        String op = n.opType();
        if (onnx && op.equals("Conv") || ours && op.equals(FusedOpSpec.FUSED_CONV)) return 0;
        if (onnx && op.equals("MatMul") || ours && op.equals(FusedOpSpec.FUSED_MATMUL)) return 1;
        if (onnx && op.equals("Gemm") || ours && op.equals(FusedOpSpec.FUSED_GEMM)) {
            // A transposed A would quantize along the wrong axis of the activation: only the plain form is a site.
            if (n.attrInt("transA", 0) != 0) return -1;
            return n.attrInt("transB", 0) != 0 ? 0 : 1;
        }
        return -1;
    }
}
