package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Attention variants, rotary embeddings, SwiGLU and stateful causal convolution. */
final class AttentionInference {
    private AttentionInference() {}

    static void register(InferenceRegistry r) {
        r.add("Attention", 23, c -> {
            List<ValueType> out = new ArrayList<>();
            out.add(InferenceContext.tensor(c.elemType(0), queryLike(c.shape(0))));
            for (int i = 1; i < c.node().outputs().size(); i++) {
                out.add(InferenceContext.tensor(c.elemType(i == 2 ? 2 : i == 1 ? 1 : 0), null));
            }
            return out;
        });
        r.add("ai.onnx.preview", "FlexAttention", 1,
                c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), queryLike(c.shape(0)))));
        r.add("RotaryEmbedding", 23, c -> Arrays.asList(c.type(0)));
        r.add("SwiGLU", 28, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0),
                DimMath.broadcast(Arrays.asList(c.shape(0), c.hasInput(1) ? c.shape(1) : c.shape(0))))));
        r.add("LinearAttention", 27, c -> Unknowns.typed(c, c.elemType(0)));
        r.add("CausalConvWithState", 27, c -> {
            List<ValueType> out = Unknowns.typed(c, c.elemType(0));
            out.set(0, InferenceContext.tensor(c.elemType(0), c.shape(0)));
            return out;
        });
    }

    /** The attention output: Q's leading dims with the (value) head or hidden size left unknown. */
    private static Shape queryLike(Shape q) {
        if (q == null) return null;
        List<Dim> d = new ArrayList<>(q.dims());
        if (!d.isEmpty()) d.set(d.size() - 1, Dim.unknown());
        return new Shape(d);
    }
}
