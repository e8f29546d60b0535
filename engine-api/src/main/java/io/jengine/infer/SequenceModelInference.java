package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recurrent layers (exact output shapes), the attention family (element type and, where it is fixed, rank), and the
 * body-driven Scan and SequenceMap.
 */
final class SequenceModelInference {
    private SequenceModelInference() {}

    static void register(InferenceRegistry r) {
        r.addAll(1, SequenceModelInference::recurrent, "RNN", "GRU", "LSTM");
        r.add("Attention", 23, c -> {
            List<ValueType> out = new ArrayList<>();
            Shape q = c.shape(0);
            out.add(InferenceContext.tensor(c.elemType(0), queryLike(q)));
            // present_key follows K's type, present_value V's, qk_matmul_output Q's
            for (int i = 1; i < c.node().outputs().size(); i++) {
                out.add(InferenceContext.tensor(c.elemType(i == 1 || i == 2 ? i : 0), null));
            }
            return out;
        });
        r.add("RotaryEmbedding", 23, ElementwiseInference::sameAsFirst);
        r.add("SwiGLU", 28, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0),
                DimMath.broadcast(Arrays.asList(c.shape(0), c.hasInput(1) ? c.shape(1) : c.shape(0))))));
        r.addAll(1, SequenceModelInference::typeOnly, "CausalConvWithState", "LinearAttention");
        r.add("ai.onnx.preview", "FlexAttention", 1, c -> {
            List<ValueType> out = typeOnly(c);
            if (!out.isEmpty()) out.set(0, InferenceContext.tensor(c.elemType(0), queryLike(c.shape(0))));
            return out;
        });
        r.add("Scan", 8, c -> bodyTypes(c.node().attrGraph("body"), (int) c.node().attrInt("num_scan_inputs", 0),
                c.inputCount() - (c.opset() < 9 ? 1 : 0)));
        r.add("SequenceMap", 17, c -> {
            Graph body = c.node().attrGraph("body");
            if (body == null) return null;
            List<ValueType> out = new ArrayList<>();
            for (var o : body.outputs()) {
                ValueType t = body.typeOf(o.name());
                out.add(t == null ? null : new ValueType.SequenceType(t));
            }
            return out;
        });
    }

    /** Attention's output: Q's dims with the last (value head or hidden size) left unknown. */
    private static Shape queryLike(Shape q) {
        if (q == null) return null;
        List<Dim> d = new ArrayList<>(q.dims());
        if (!d.isEmpty()) d.set(d.size() - 1, Dim.unknown());
        return new Shape(d);
    }

    /** Every output has input 0's element type; shapes are left unknown. */
    static List<ValueType> typeOnly(InferenceContext c) {
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < c.node().outputs().size(); i++) out.add(InferenceContext.tensor(c.elemType(0), null));
        return out;
    }

    /** Y [seq, dirs, batch, hidden] (layout 0) or [batch, seq, dirs, hidden] (layout 1); Y_h and Y_c per direction. */
    private static List<ValueType> recurrent(InferenceContext c) {
        Shape x = c.shape(0);
        long hidden = c.node().attrInt("hidden_size", -1);
        long dirs = c.node().attrString("direction", "forward").equals("bidirectional") ? 2 : 1;
        boolean batchFirst = c.node().attrInt("layout", 0) != 0;
        if (x == null || x.rank() != 3) return typeOnly(c);
        Dim seq = x.dim(batchFirst ? 1 : 0), batch = x.dim(batchFirst ? 0 : 1);
        Dim h = hidden < 0 ? Dim.unknown() : Dim.of(hidden), d = Dim.of(dirs);
        Shape y = new Shape(batchFirst ? List.of(batch, seq, d, h) : List.of(seq, d, batch, h));
        Shape state = new Shape(batchFirst ? List.of(batch, d, h) : List.of(d, batch, h));
        List<ValueType> out = new ArrayList<>();
        out.add(InferenceContext.tensor(c.elemType(0), y));
        for (int i = 1; i < c.node().outputs().size(); i++) out.add(InferenceContext.tensor(c.elemType(0), state));
        return out;
    }

    /** Scan: state outputs as the body declares them; scan outputs gain an axis of unknown length. */
    private static List<ValueType> bodyTypes(Graph body, int numScan, int stateAndScanInputs) {
        if (body == null) return null;
        int states = stateAndScanInputs - numScan;
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < body.outputs().size(); i++) {
            ValueType t = body.typeOf(body.outputs().get(i).name());
            if (i >= states && t instanceof ValueType.TensorType tt) {
                t = new ValueType.TensorType(tt.elementType(), tt.shape() == null ? null
                        : TensorShapeInference.unknownDims(tt.shape().rank() + 1));
            }
            out.add(t);
        }
        return out;
    }
}
