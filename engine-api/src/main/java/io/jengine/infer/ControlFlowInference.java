package io.jengine.infer;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** If, Loop and Scan (output types from their bodies) and the sequence and optional ops. */
final class ControlFlowInference {
    private ControlFlowInference() {}

    static void register(InferenceRegistry r) {
        r.add("If", 1, c -> {
            List<ValueType> then = bodyOutputs(c.node().attrGraph("then_branch"), 0, 0);
            List<ValueType> other = bodyOutputs(c.node().attrGraph("else_branch"), 0, 0);
            if (then == null || other == null || then.size() != other.size()) return null;
            // Branches may differ in shape; keep only what both agree on.
            List<ValueType> out = new ArrayList<>();
            for (int i = 0; i < then.size(); i++) {
                ValueType a = then.get(i), b = other.get(i);
                if (a != null && a.equals(b)) out.add(a);
                else if (a instanceof ValueType.TensorType ta && b instanceof ValueType.TensorType tb
                        && ta.elementType() == tb.elementType()) out.add(new ValueType.TensorType(ta.elementType(), null));
                else out.add(null);
            }
            return out;
        });
        r.add("Loop", 1, c -> {
            Graph body = c.node().attrGraph("body");
            if (body == null) return null;
            int carried = c.inputCount() - 2;
            return bodyOutputs(body, 1, carried);
        });
        r.add("SequenceEmpty", 11, c -> {
            long dt = c.node().attrInt("dtype", DType.FLOAT32.onnxCode());
            return Arrays.asList(new ValueType.SequenceType(new ValueType.TensorType(DType.fromOnnx((int) dt), null)));
        });
        r.addAll(11, c -> Arrays.asList(seqOf(c.elemType(0))), "SequenceConstruct", "SplitToSequence");
        r.addAll(11, c -> Arrays.asList(c.type(0)), "SequenceInsert", "SequenceErase");
        r.add("SequenceAt", 11, c -> Arrays.asList(c.type(0) instanceof ValueType.SequenceType s ? s.elementType() : null));
        r.add("SequenceLength", 11, c -> Arrays.asList(ValueType.tensor(DType.INT64)));
        r.add("ConcatFromSequence", 11, c -> Arrays.asList(c.type(0) instanceof ValueType.SequenceType s
                && s.elementType() instanceof ValueType.TensorType t ? new ValueType.TensorType(t.elementType(), null) : null));
        r.add("OptionalHasElement", 15, c -> Arrays.asList(ValueType.tensor(DType.BOOL)));
        r.add("OptionalGetElement", 15, c -> Arrays.asList(c.type(0) instanceof ValueType.OptionalType o ? o.elementType() : c.type(0)));
        r.add("Optional", 15, c -> {
            Attribute t = c.node().attr("type");
            ValueType elem = t != null ? t.asType() : c.type(0);
            return Arrays.asList(elem == null ? null : new ValueType.OptionalType(elem));
        });
    }

    private static ValueType seqOf(DType t) {
        return t == null ? null : new ValueType.SequenceType(new ValueType.TensorType(t, null));
    }

    /**
     * The node's outputs from a body's outputs: skipping {@code skip} leading body outputs (Loop's condition); after
     * {@code carried} loop-carried values, the rest are scan outputs, stacked along a new leading axis.
     */
    private static List<ValueType> bodyOutputs(Graph body, int skip, int carried) {
        if (body == null) return null;
        List<ValueType> out = new ArrayList<>();
        List<ValueInfo> outs = body.outputs();
        for (int i = skip; i < outs.size(); i++) {
            ValueType t = body.typeOf(outs.get(i).name());
            if (i - skip >= carried && t instanceof ValueType.TensorType tt) {
                List<Dim> dims = new ArrayList<>();
                dims.add(Dim.unknown());
                if (tt.shape() != null) dims.addAll(tt.shape().dims());
                t = tt.shape() == null ? new ValueType.TensorType(tt.elementType(), null)
                        : new ValueType.TensorType(tt.elementType(), new Shape(dims));
            } else if (t instanceof ValueType.TensorType tt && tt.shape() != null && carried > 0) {
                t = new ValueType.TensorType(tt.elementType(), TensorShapeInference.unknownDims(tt.shape().rank()));
            }
            out.add(t);
        }
        return out;
    }
}
