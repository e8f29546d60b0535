package io.jengine.cli;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The precision a layer of a plan computes in, as {@code inspect} shows it: {@code int8} for the integer ops
 * (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger, the engine's QuantizedConv), {@code int8 sim} for a convolution or matrix product
 * that reads a dequantized activation (quantized, still computed in float until an integer kernel takes it),
 * {@code q/dq} for the QuantizeLinear and DequantizeLinear at precision boundaries (and the elementwise chains that
 * compute such a pair in float), {@code fp32} otherwise.
 */
final class LayerPrecision {
    private static final Set<String> INTEGER = Set.of("QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger");
    private static final Set<String> COMPUTE = Set.of("Conv", "MatMul", "Gemm", FusedOpSpec.FUSED_CONV,
            FusedOpSpec.FUSED_MATMUL, FusedOpSpec.FUSED_GEMM, FusedOpSpec.BLOCKED_CONV);
    /** Ops that only move an activation between layouts or shapes: a dequantized value stays so through them. */
    private static final Set<String> MOVES = Set.of(FusedOpSpec.TO_BLOCKED, FusedOpSpec.FROM_BLOCKED, "Reshape",
            "Flatten", "Transpose");

    private final Map<String, Node> byName = new HashMap<>();
    private final Map<String, Node> producer = new HashMap<>();

    LayerPrecision(Graph g) {
        for (Node n : g.nodes()) {
            byName.put(n.name(), n);
            for (String o : n.outputs()) producer.put(o, n);
        }
    }

    /** The precision of the layer named {@code layer}; "-" where the graph has no such node. */
    String of(String layer) {
        Node n = byName.get(layer);
        if (n == null) return "-";
        boolean onnx = n.domain().isEmpty();
        if (onnx && INTEGER.contains(n.opType()) || FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV)
                || FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_MATMUL)) {
            return "int8";
        }
        if (onnx && (n.opType().equals("QuantizeLinear") || n.opType().equals("DequantizeLinear"))) return "q/dq";
        if (fakeQuantizes(n)) return "q/dq";
        if (COMPUTE.contains(n.opType()) && n.hasInput(0) && dequantized(n.inputs().get(0), 4)) return "int8 sim";
        return "fp32";
    }

    /** An elementwise chain with a fake-quantize step (a QuantizeLinear / DequantizeLinear pair run in float). */
    private static boolean fakeQuantizes(Node n) {
        return FusedOpSpec.is(n, FusedOpSpec.ELEMENTWISE_CHAIN)
                && n.attrStrings("ops", java.util.List.of()).stream().anyMatch(op -> op.startsWith("FakeQuantize"));
    }

    /** A chain whose result is fake-quantized values: its last step is the pair. */
    private static boolean endsFakeQuantized(Node n) {
        if (!FusedOpSpec.is(n, FusedOpSpec.ELEMENTWISE_CHAIN)) return false;
        java.util.List<String> ops = n.attrStrings("ops", java.util.List.of());
        return !ops.isEmpty() && ops.getLast().startsWith("FakeQuantize");
    }

    private boolean dequantized(String value, int hops) {
        Node p = producer.get(value);
        if (p == null) return false;
        if (p.domain().isEmpty() && p.opType().equals("DequantizeLinear") || endsFakeQuantized(p)) return true;
        return hops > 0 && MOVES.contains(p.opType()) && p.hasInput(0) && dequantized(p.inputs().get(0), hops - 1);
    }
}
