package io.jengine.cpu.ref;

import io.jengine.ir.Graph;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * SequenceMap: runs its body once per element of the first input sequence. Further inputs that are sequences (of the
 * same length) contribute their i-th element, tensors are passed whole every time; output k collects the body's
 * output k of every run.
 */
final class SequenceMapKernel {
    private SequenceMapKernel() {}

    static void register(KernelRegistry r) {
        r.add("SequenceMap", 17, n -> {
            Graph body = ControlFlowKernels.requiredGraph(n.node(), "body");
            if (body.inputs().size() != n.node().inputs().size()) {
                throw new IllegalArgumentException("SequenceMap body must take " + n.node().inputs().size()
                        + " inputs, one per node input, got " + body.inputs().size());
            }
            return (ctx, in) -> {
                TensorSequence first = SequenceKernels.sequence(in, 0);
                for (int j = 1; j < in.length; j++) {
                    if (in[j] instanceof TensorSequence s && s.size() != first.size()) {
                        throw new IllegalArgumentException("input " + j + " is a sequence of " + s.size()
                                + " elements, input 0 has " + first.size());
                    }
                }
                int outs = body.outputs().size();
                List<List<Tensor>> results = new ArrayList<>();
                for (int k = 0; k < outs; k++) results.add(new ArrayList<>());
                for (int i = 0; i < first.size(); i++) {
                    List<Value> args = new ArrayList<>();
                    args.add(first.get(i));
                    for (int j = 1; j < in.length; j++) args.add(in[j] instanceof TensorSequence s ? s.get(i) : in[j]);
                    List<Value> out = ctx.runSubgraph(body, args);
                    for (int k = 0; k < outs; k++) {
                        if (!(out.get(k) instanceof Tensor t)) {
                            throw new IllegalArgumentException("SequenceMap body output " + k + " must be a tensor, got "
                                    + out.get(k).describe());
                        }
                        results.get(k).add(t.copy());
                    }
                }
                Value[] res = new Value[outs];
                for (int k = 0; k < outs; k++) {
                    DType t = results.get(k).isEmpty() ? declaredElementType(body.typeOf(body.outputs().get(k).name()))
                            : results.get(k).getFirst().dtype();
                    res[k] = new TensorSequence(t, results.get(k));
                }
                return res;
            };
        });
    }

    /** The element type a body output declares, for the empty sequences a zero-length input maps to. */
    private static DType declaredElementType(ValueType t) {
        if (t instanceof ValueType.SequenceType s) return declaredElementType(s.elementType());
        if (t instanceof ValueType.TensorType tt && tt.elementType() != null) return tt.elementType();
        return DType.FLOAT32;
    }
}
