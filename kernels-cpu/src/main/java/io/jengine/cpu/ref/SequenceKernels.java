package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.ValueType;
import io.jengine.runtime.OptionalValue;
import io.jengine.runtime.TensorSequence;
import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** The Sequence* ops, SplitToSequence, ConcatFromSequence, SequenceMap, and the Optional ops. */
final class SequenceKernels {
    private SequenceKernels() {}

    static void register(KernelRegistry r) {
        r.add("SequenceEmpty", 11, n -> {
            DType t = DType.fromOnnx((int) n.node().attrInt("dtype", DType.FLOAT32.onnxCode()));
            return (ctx, in) -> new Value[] {new TensorSequence(t, List.of())};
        });
        r.add("SequenceConstruct", 11, n -> (ctx, in) -> {
            List<Tensor> items = new ArrayList<>();
            for (int i = 0; i < in.length; i++) items.add(tensor(in, i));
            return new Value[] {new TensorSequence(items.getFirst().dtype(), items)};
        });
        r.add("SequenceInsert", 11, n -> (ctx, in) -> {
            TensorSequence s = sequence(in, 0);
            Tensor t = tensor(in, 1), pos = optionalTensor(in, 2);
            List<Tensor> items = new ArrayList<>(s.tensors());
            items.add(position(pos, items.size(), true), t);
            return new Value[] {new TensorSequence(s.elementType(), items)};
        });
        r.add("SequenceErase", 11, n -> (ctx, in) -> {
            TensorSequence s = sequence(in, 0);
            List<Tensor> items = new ArrayList<>(s.tensors());
            Tensor pos = optionalTensor(in, 1);
            items.remove(pos == null ? items.size() - 1 : position(pos, items.size(), false));
            return new Value[] {new TensorSequence(s.elementType(), items)};
        });
        r.add("SequenceAt", 11, n -> (ctx, in) -> {
            TensorSequence s = sequence(in, 0);
            return new Value[] {s.get(position(tensor(in, 1), s.size(), false)).copy()};
        });
        r.add("SequenceLength", 11, n -> (ctx, in) -> new Value[] {Tensor.ofLongs(new long[0], sequence(in, 0).size())});
        r.add("SplitToSequence", 11, n -> {
            long axisAttr = n.node().attrInt("axis", 0);
            boolean keep = n.node().attrInt("keepdims", 1) != 0;
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), split = optionalTensor(in, 1);
                int axis = Shapes.normalizeAxis(axisAttr, x.rank());
                long dim = x.dim(axis);
                List<Long> sizes = new ArrayList<>();
                if (split == null) {
                    for (long i = 0; i < dim; i++) sizes.add(1L);
                } else if (split.rank() == 0) {
                    long chunk = split.getLong(0);
                    for (long left = dim; left > 0; left -= chunk) sizes.add(Math.min(chunk, left));
                } else {
                    for (long v : split.toLongArray()) sizes.add(v);
                }
                List<Tensor> parts = new ArrayList<>();
                long start = 0;
                for (long size : sizes) {
                    Tensor part = IndexingKernels.slice(x, new long[] {start}, new long[] {start + size}, new long[] {axis}, null);
                    if (split == null && !keep) part = ShapeKernels.squeeze(part, new long[] {axis});
                    parts.add(part);
                    start += size;
                }
                return new Value[] {new TensorSequence(x.dtype(), parts)};
            };
        });
        r.add("ConcatFromSequence", 11, n -> {
            long axis = n.node().attrInt("axis", 0);
            boolean newAxis = n.node().attrInt("new_axis", 0) != 0;
            return (ctx, in) -> new Value[] {concat(sequence(in, 0).tensors(), axis, newAxis)};
        });
        r.add("SequenceMap", 17, n -> {
            Graph body = n.node().attrGraph("body");
            return (ctx, in) -> {
                TensorSequence first = sequence(in, 0);
                int outs = body.outputs().size();
                List<List<Tensor>> results = new ArrayList<>();
                for (int k = 0; k < outs; k++) results.add(new ArrayList<>());
                for (int i = 0; i < first.size(); i++) {
                    List<Value> args = new ArrayList<>();
                    args.add(first.get(i));
                    for (int j = 1; j < in.length; j++) {
                        args.add(in[j] instanceof TensorSequence s ? s.get(i) : in[j]);
                    }
                    List<Value> out = ctx.runSubgraph(body, args);
                    for (int k = 0; k < outs; k++) results.get(k).add((Tensor) out.get(k));
                }
                Value[] res = new Value[outs];
                for (int k = 0; k < outs; k++) {
                    DType t = results.get(k).isEmpty() ? elementType(body.typeOf(body.outputs().get(k).name()))
                            : results.get(k).getFirst().dtype();
                    res[k] = new TensorSequence(t, results.get(k));
                }
                return res;
            };
        });
        r.add("Optional", 15, n -> {
            Attribute type = n.node().attr("type");
            return (ctx, in) -> {
                Value v = in.length > 0 ? in[0] : null;
                ValueType t = type != null ? type.asType() : v instanceof Tensor x ? ValueType.tensor(x.dtype(), x.shape()) : null;
                return new Value[] {new OptionalValue(t, v)};
            };
        });
        r.add("OptionalHasElement", 15, n -> (ctx, in) -> {
            Value v = in.length > 0 ? in[0] : null;
            boolean has = v instanceof OptionalValue o ? o.isPresent() : v != null;
            return new Value[] {Tensor.ofBools(new long[0], has)};
        });
        r.add("OptionalGetElement", 15, n -> (ctx, in) -> {
            Value v = in[0];
            if (v instanceof OptionalValue o) {
                if (!o.isPresent()) throw new IllegalArgumentException("the optional input is empty");
                return new Value[] {o.content()};
            }
            return new Value[] {v};
        });
    }

    static TensorSequence sequence(Value[] in, int i) {
        if (i >= in.length || !(in[i] instanceof TensorSequence s)) {
            throw new IllegalArgumentException("input " + i + " must be a sequence, got "
                    + (i < in.length && in[i] != null ? in[i].describe() : "nothing"));
        }
        return s;
    }

    private static DType elementType(ValueType t) {
        if (t instanceof ValueType.SequenceType s && s.elementType() instanceof ValueType.TensorType tt) return tt.elementType();
        if (t instanceof ValueType.TensorType tt) return tt.elementType();
        return DType.FLOAT32;
    }

    /** A possibly negative position; inserting may also target the end. */
    private static int position(Tensor pos, int size, boolean insert) {
        if (pos == null) return size;
        long p = pos.getLong(0);
        long v = p < 0 ? p + size : p;
        if (v < 0 || v > size || (!insert && v == size)) {
            throw new IllegalArgumentException("position " + p + " is out of range for a sequence of " + size);
        }
        return (int) v;
    }

    /** Concatenates along an axis, or stacks along a new one. */
    static Tensor concat(List<Tensor> items, long axisAttr, boolean newAxis) {
        if (items.isEmpty()) throw new IllegalArgumentException("cannot concatenate an empty sequence");
        List<Tensor> parts = items;
        if (newAxis) {
            int rank = items.getFirst().rank() + 1;
            long axis = Shapes.normalizeAxis(axisAttr, rank);
            parts = new ArrayList<>();
            for (Tensor t : items) parts.add(ShapeKernels.unsqueeze(t, new long[] {axis}));
            return ShapeKernels.concat(parts, axis);
        }
        return ShapeKernels.concat(parts, axisAttr);
    }
}
