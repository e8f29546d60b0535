package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.Patch;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;

/**
 * What the integer-layer fusions ({@link QuantizedConvFusion}, {@link QuantizedMatMulFusion}) read off a QDQ graph
 * alike: the DequantizeLinear and QuantizeLinear nodes around a product, their constant scales and zero points, and
 * the inputs of the fused node.
 */
final class QdqNodes {
    private QdqNodes() {}

    /**
     * The only reader of a product's output {@code out} (a convolution's or a matrix product's) when it is a
     * per-tensor QuantizeLinear to uint8 or int8, else null.
     */
    static Node requantize(String out, GraphIndex g) {
        if (!g.hasSingleUse(out)) return null;
        Node q = g.consumers(out).getFirst();
        if (!q.domain().isEmpty() || !q.opType().equals("QuantizeLinear") || q.outputs().size() != 1) return null;
        if (q.attrInt("block_size", 0) != 0 || q.attrInt("saturate", 1) != 1) return null;
        if (!q.inputs().getFirst().equals(out) || !q.hasInput(1)) return null;
        Tensor s = g.constant(q.inputs().get(1));
        if (!isScalar(s) || !isFloat32(s) || !positiveFinite(s)) return null;
        DType t = quantizedType(q, g);
        if (t != DType.UINT8 && t != DType.INT8) return null;
        if (q.hasInput(2)) {
            Tensor z = g.constant(q.inputs().get(2));
            if (!isScalar(z) || z.dtype() != t) return null;
        }
        return q;
    }

    /** What a QuantizeLinear writes: its zero point's type, else output_dtype, else uint8 (ONNX's rule). */
    static DType quantizedType(Node q, GraphIndex g) {
        if (q.hasInput(2)) {
            Tensor z = g.constant(q.inputs().get(2));
            return z == null ? null : z.dtype();
        }
        long attr = q.attrInt("output_dtype", 0);
        return attr == 0 ? DType.UINT8 : DType.fromOnnx((int) attr);
    }

    /**
     * The node's zero point input, or a new zero of {@code type} where it has none (ONNX's default), under a name no
     * other value of the graph has.
     */
    static String zeroPoint(Node n, DType type, Patch p, GraphIndex g) {
        if (n.hasInput(2)) return n.inputs().get(2);
        String name = freshName(n.inputs().getFirst() + "/zero_point", g);
        p.initializer(name, Tensor.allocate(type));
        return name;
    }

    /** {@code base}, or {@code base_i}: a name no value of the graph has. */
    static String freshName(String base, GraphIndex g) {
        String name = base;
        for (int i = 1; g.graph().initializers().containsKey(name) || g.producer(name) != null
                || g.graph().typeOf(name) != null; i++) {
            name = base + "_" + i;
        }
        return name;
    }

    static List<String> trimmed(List<String> in) {
        int end = in.size();
        while (end > 0 && in.get(end - 1).isEmpty()) end--;
        return in.subList(0, end);
    }

    static boolean isDequantize(Node n) {
        return n != null && n.domain().isEmpty() && n.opType().equals("DequantizeLinear") && n.hasInput(1);
    }

    static boolean isScalar(Tensor t) { return t != null && t.size() == 1; }

    static boolean isFloat32(Tensor t) { return t != null && t.dtype() == DType.FLOAT32; }

    static boolean positiveFinite(Tensor t) {
        for (long i = 0; i < t.size(); i++) {
            float v = t.getFloat(i);
            if (!(v > 0) || Float.isInfinite(v)) return false;
        }
        return true;
    }

    static int maxAbs(Tensor codes) {
        int m = 0;
        for (long i = 0; i < codes.size(); i++) m = Math.max(m, (int) Math.abs(codes.getLong(i)));
        return m;
    }
}
