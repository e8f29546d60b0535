package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A QuantizeLinear whose codes only a DequantizeLinear with the same scale and zero point reads is fake quantization:
 * the float value rounded to the nearest code. Where no integer layer took the codes (see {@link QuantizedConvFusion},
 * which runs first), the pair becomes one elementwise step ({@code FakeQuantizeU8} / {@code FakeQuantizeS8} with the
 * scale and zero point) instead of a pass out to a byte tensor and one back, and {@link ElementwiseChainFusion} then
 * merges it with the elementwise work around it: a QDQ model run on a CPU whose integer kernels cannot take its
 * weights spent 60% of its time in those passes.
 */
public final class FakeQuantizeRecognition implements GraphPass {
    @Override
    public String name() { return "fake-quantize-recognition"; }

    @Override
    public Set<String> targets() { return Set.of("DequantizeLinear"); }

    @Override
    public Optional<Patch> apply(Node dq, GraphIndex g) {
        if (!dq.domain().isEmpty() || dq.outputs().size() != 1 || !dq.hasInput(1)) return Optional.empty();
        String codes = dq.inputs().getFirst();
        Node q = g.producer(codes);
        if (q == null || !q.domain().isEmpty() || !q.opType().equals("QuantizeLinear") || !q.hasInput(1)
                || !g.hasSingleUse(codes)) {
            return Optional.empty();
        }
        if (q.attrInt("block_size", 0) != 0 || dq.attrInt("block_size", 0) != 0 || q.attrInt("saturate", 1) != 1
                || q.attrInt("output_dtype", 0) != 0 || dq.attrInt("output_dtype", 0) != 0) {
            return Optional.empty();
        }
        if (!(g.type(q.inputs().getFirst()) instanceof ValueType.TensorType xt) || xt.elementType() != DType.FLOAT32) {
            return Optional.empty();
        }
        Tensor qs = g.constant(q.inputs().get(1)), ds = g.constant(dq.inputs().get(1));
        if (!single(qs) || !single(ds) || qs.getFloat(0) != ds.getFloat(0) || qs.dtype() != DType.FLOAT32
                || ds.dtype() != DType.FLOAT32) {
            return Optional.empty();
        }
        float scale = qs.getFloat(0);
        if (!(scale > 0) || Float.isInfinite(scale)) return Optional.empty();
        Tensor qz = q.hasInput(2) ? g.constant(q.inputs().get(2)) : null;
        Tensor dz = dq.hasInput(2) ? g.constant(dq.inputs().get(2)) : null;
        if (q.hasInput(2) != dq.hasInput(2) || q.hasInput(2) && (!single(qz) || !single(dz)
                || qz.dtype() != dz.dtype() || qz.getLong(0) != dz.getLong(0))) {
            return Optional.empty();
        }
        DType type = qz == null ? DType.UINT8 : qz.dtype();
        if (type != DType.UINT8 && type != DType.INT8) return Optional.empty();
        float zero = qz == null ? 0 : qz.getLong(0);
        String op = type == DType.UINT8 ? "FakeQuantizeU8" : "FakeQuantizeS8";
        ElementwiseProgram step = new ElementwiseProgram(List.of(q.inputs().getFirst()), List.of(op),
                List.of(new long[] {0, 0}), List.of(new float[] {scale, zero}));
        Node chain = step.toNode(FusedOps.joinNames(g, q, dq), dq.outputs().getFirst());
        return Optional.of(new Patch().remove(q).remove(dq).add(chain).opset(FusedOps.DOMAIN, FusedOps.VERSION));
    }

    private static boolean single(Tensor t) { return t != null && t.size() == 1; }
}
