package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.limits.ResourceLimits;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The Sequence* ops, SplitToSequence and ConcatFromSequence; SequenceMap is in {@link SequenceMapKernel}, the Optional
 * ops in {@link OptionalKernels}. Output sequences hold copies, never the tensors they were given.
 */
final class SequenceKernels {
    private SequenceKernels() {}

    static void register(KernelRegistry r) {
        r.add("SequenceEmpty", 11, n -> {
            long code = n.node().attrInt("dtype", DType.FLOAT32.onnxCode());
            DType t;
            try {
                t = DType.fromOnnx((int) code);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("attribute dtype: unknown ONNX data type code " + code);
            }
            return (ctx, in) -> new Value[] {new TensorSequence(t, List.of())};
        });
        r.add("SequenceConstruct", 11, n -> (ctx, in) -> {
            if (in.length == 0) throw new IllegalArgumentException("SequenceConstruct needs at least one input");
            List<Tensor> items = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                Tensor t = tensor(in, i);
                if (t.dtype() != tensor(in, 0).dtype()) {
                    throw new IllegalArgumentException("input " + i + " has element type " + t.dtype()
                            + ", expected " + tensor(in, 0).dtype() + " as input 0");
                }
                items.add(t.copy());
            }
            return new Value[] {new TensorSequence(items.getFirst().dtype(), items)};
        });
        r.add("SequenceInsert", 11, n -> (ctx, in) -> {
            TensorSequence s = sequence(in, 0);
            Tensor t = tensor(in, 1);
            checkElementType(s, t, 1);
            List<Tensor> items = ValueCopies.copyAll(s.tensors());
            items.add(position(optionalTensor(in, 2), items.size(), true), t.copy());
            return new Value[] {new TensorSequence(s.elementType(), items)};
        });
        r.add("SequenceErase", 11, n -> (ctx, in) -> {
            TensorSequence s = sequence(in, 0);
            List<Tensor> items = ValueCopies.copyAll(s.tensors());
            Tensor pos = optionalTensor(in, 1);
            items.remove(pos == null ? positionOf(-1, items.size(), false) : position(pos, items.size(), false));
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
                List<Tensor> parts = new ArrayList<>();
                long start = 0;
                for (long size : splitSizes(split, x.dim(axis))) {
                    Tensor part = IndexingKernels.slice(x, new long[] {start}, new long[] {start + size},
                            new long[] {axis}, null);
                    // keepdims only applies when no split is given: then every part has length 1 on the axis.
                    if (split == null && !keep) part = ShapeKernels.squeeze(part, new long[] {axis});
                    parts.add(part);
                    start += size;
                }
                return new Value[] {new TensorSequence(x.dtype(), parts)};
            };
        });
        r.add("ConcatFromSequence", 11, n -> {
            if (!n.node().hasAttr("axis")) throw new IllegalArgumentException("attribute axis is required");
            long axis = n.node().attrInt("axis", 0);
            boolean newAxis = n.node().attrInt("new_axis", 0) != 0;
            return (ctx, in) -> new Value[] {concat(sequence(in, 0).tensors(), axis, newAxis)};
        });
        SequenceMapKernel.register(r);
        OptionalKernels.register(r);
    }

    static TensorSequence sequence(Value[] in, int i) {
        if (i >= in.length || !(in[i] instanceof TensorSequence s)) {
            throw new IllegalArgumentException("input " + i + " must be a sequence, got "
                    + (i < in.length && in[i] != null ? in[i].describe() : "nothing"));
        }
        return s;
    }

    private static void checkElementType(TensorSequence s, Tensor t, int input) {
        if (t.dtype() != s.elementType()) {
            throw new IllegalArgumentException("input " + input + " has element type " + t.dtype()
                    + ", the sequence holds " + s.elementType());
        }
    }

    /** The lengths of the parts: one per element when split is absent, chunks of a scalar, or the 1-D list. */
    private static List<Long> splitSizes(Tensor split, long dim) {
        List<Long> sizes = new ArrayList<>();
        if (split == null) {
            ResourceLimits.checkSequenceLength("SplitToSequence", dim);
            for (long i = 0; i < dim; i++) sizes.add(1L);
        } else if (split.rank() == 0) {
            long chunk = split.getLong(0);
            if (chunk <= 0) throw new IllegalArgumentException("input 1 (split) must be positive, got " + chunk);
            ResourceLimits.checkSequenceLength("SplitToSequence", dim / chunk + (dim % chunk == 0 ? 0 : 1));
            for (long left = dim; left > 0; left -= chunk) sizes.add(Math.min(chunk, left));
        } else if (split.rank() == 1) {
            ResourceLimits.checkSequenceLength("SplitToSequence", split.size());
            long total = 0;
            for (long v : split.toLongArray()) {
                if (v < 0) throw new IllegalArgumentException("input 1 (split) has a negative length " + v);
                sizes.add(v);
                total += v;
            }
            if (total != dim) {
                throw new IllegalArgumentException("input 1 (split) lengths sum to " + total + ", expected the axis "
                        + "length " + dim);
            }
        } else {
            throw new IllegalArgumentException("input 1 (split) must be a scalar or 1-D, got shape "
                    + Shapes.format(split.shape()));
        }
        return sizes;
    }

    /** A possibly negative position; inserting may also target the end, and an absent position means the end. */
    private static int position(Tensor pos, int size, boolean insert) {
        if (pos == null) return size;
        if (pos.size() != 1) {
            throw new IllegalArgumentException("position must be a scalar, got shape " + Shapes.format(pos.shape()));
        }
        return positionOf(pos.getLong(0), size, insert);
    }

    private static int positionOf(long p, int size, boolean insert) {
        long v = p < 0 ? p + size : p;
        if (v < 0 || v > size || (!insert && v == size)) {
            throw new IllegalArgumentException("position " + p + " is out of range for a sequence of " + size
                    + (insert ? " (insert accepts -" + size + " to " + size + ")" : ""));
        }
        return (int) v;
    }

    /** Concatenates along an axis, or stacks along a new one (the axis then counts in the stacked rank). */
    static Tensor concat(List<Tensor> items, long axisAttr, boolean newAxis) {
        if (items.isEmpty()) throw new IllegalArgumentException("cannot concatenate an empty sequence");
        if (!newAxis) return ShapeKernels.concat(items, axisAttr);
        long axis = Shapes.normalizeAxis(axisAttr, items.getFirst().rank() + 1);
        List<Tensor> parts = new ArrayList<>();
        for (Tensor t : items) parts.add(ShapeKernels.unsqueeze(t, new long[] {axis}));
        return ShapeKernels.concat(parts, axis);
    }
}
