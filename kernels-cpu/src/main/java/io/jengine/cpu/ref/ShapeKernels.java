package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Constants, identity and the ops that only reshape or re-index: Reshape, Flatten, Squeeze, Transpose, Concat ... */
final class ShapeKernels {
    private ShapeKernels() {}

    static void register(KernelRegistry r) {
        r.add("Constant", 1, n -> {
            Tensor v = constantValue(n.node());
            return (ctx, in) -> new Value[] {v.copy()};
        });
        r.add("Identity", 1, n -> (ctx, in) -> new Value[] {identityOf(in[0])});
        r.add("Shape", 1, n -> {
            long start = n.node().attrInt("start", 0);
            Long end = n.node().hasAttr("end") ? n.node().attrInt("end", 0) : null;
            return (ctx, in) -> {
                long[] dims = Shapes.shapeSlice(tensor(in, 0).shape(), start, end);
                return new Value[] {Tensor.ofLongs(new long[] {dims.length}, dims)};
            };
        });
        r.add("Size", 1, n -> (ctx, in) -> new Value[] {Tensor.ofLongs(new long[0], tensor(in, 0).size())});
        r.add("Reshape", 1, n -> {
            long[] shape = n.node().attrInts("shape", new long[0]);
            return (ctx, in) -> new Value[] {reshape(tensor(in, 0), shape, false)};
        });
        r.add("Reshape", 5, n -> {
            boolean allowZero = n.node().attrInt("allowzero", 0) != 0;
            return (ctx, in) -> new Value[] {reshape(tensor(in, 0), tensor(in, 1).toLongArray(), allowZero)};
        });
        r.add("Flatten", 1, n -> {
            long axis = n.node().attrInt("axis", 1);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                int rank = x.rank();
                if (axis < -rank || axis > rank) throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
                int a = (int) (axis < 0 ? axis + rank : axis);
                long[] s = x.shape();
                long outer = Shapes.size(Arrays.copyOfRange(s, 0, a));
                return new Value[] {x.reshape(outer, Shapes.size(Arrays.copyOfRange(s, a, rank)))};
            };
        });
        r.add("Squeeze", 1, n -> {
            long[] axes = n.node().attrInts("axes", null);
            return (ctx, in) -> new Value[] {squeeze(tensor(in, 0), axes)};
        });
        r.add("Squeeze", 13, n -> (ctx, in) -> {
            Tensor axes = optionalTensor(in, 1);
            return new Value[] {squeeze(tensor(in, 0), axes == null ? null : axes.toLongArray())};
        });
        r.add("Unsqueeze", 1, n -> {
            long[] axes = n.node().attrInts("axes", new long[0]);
            return (ctx, in) -> new Value[] {unsqueeze(tensor(in, 0), axes)};
        });
        r.add("Unsqueeze", 13, n -> (ctx, in) -> new Value[] {unsqueeze(tensor(in, 0), tensor(in, 1).toLongArray())});
        r.add("Transpose", 1, n -> {
            long[] perm = n.node().attrInts("perm", null);
            return (ctx, in) -> new Value[] {transpose(tensor(in, 0), perm)};
        });
        r.add("Concat", 1, n -> {
            long axis = n.node().attrInt("axis", 1);
            return (ctx, in) -> {
                List<Tensor> xs = new ArrayList<>();
                for (int i = 0; i < in.length; i++) xs.add(tensor(in, i));
                return new Value[] {concat(xs, axis)};
            };
        });
        r.add("Concat", 4, n -> {
            if (!n.node().hasAttr("axis")) throw new IllegalArgumentException("attribute 'axis' is required");
            long axis = n.node().attrInt("axis", 0);
            return (ctx, in) -> {
                List<Tensor> xs = new ArrayList<>();
                for (int i = 0; i < in.length; i++) xs.add(tensor(in, i));
                return new Value[] {concat(xs, axis)};
            };
        });
        r.add("Expand", 8, n -> (ctx, in) -> {
            Tensor x = tensor(in, 0);
            long[] target = Shapes.broadcast(x.shape(), tensor(in, 1).toLongArray());
            long[] st = Shapes.broadcastStrides(x.shape(), target);
            return new Value[] {IndexMapping.gather(x, target, idx -> IndexMapping.offset(idx, st), null)};
        });
        // Tile-1 repeats along one axis given as an input; Tile-6 takes one repeat count per axis.
        r.add("Tile", 1, n -> (ctx, in) -> {
            Tensor x = tensor(in, 0);
            long[] reps = new long[x.rank()];
            Arrays.fill(reps, 1);
            reps[Axis.of(KernelSupport.scalarLong(tensor(in, 2)), x.rank())] = KernelSupport.scalarLong(tensor(in, 1));
            return new Value[] {tile(x, reps)};
        });
        r.add("Tile", 6, n -> (ctx, in) -> new Value[] {tile(tensor(in, 0), tensor(in, 1).toLongArray())});
        r.add("ConstantOfShape", 9, n -> {
            Tensor v = n.node().attrTensor("value");
            Tensor fill = v == null ? Tensor.allocate(DType.FLOAT32) : v;
            if (fill.size() != 1) {
                throw new IllegalArgumentException("attribute 'value' must hold one element, got " + fill.describe());
            }
            return (ctx, in) -> {
                long[] shape = tensor(in, 0).toLongArray();
                Tensor out = Tensor.allocate(fill.dtype(), shape);
                for (long i = 0; i < out.size(); i++) Elements.copy(fill, 0, out, i);
                return new Value[] {out};
            };
        });
        r.add("Dropout", 1, n -> DropoutKernel.inference(n.node(), n.opsetVersion()));
        r.add("Dropout", 12, n -> DropoutKernel.training(n.node()));
        r.add("TensorScatter", 24, n -> TensorScatterKernel.create(n.node()));
        IndexingKernels.register(r);
    }

    static Tensor constantValue(Node n) {
        for (Attribute a : n.attributes().values()) {
            switch (a.name()) {
                case "value", "sparse_value" -> { return a.asTensor(); }
                case "value_float" -> { return Tensor.ofFloats(new long[0], a.asFloat()); }
                case "value_floats" -> { float[] f = a.asFloats(); return Tensor.ofFloats(new long[] {f.length}, f); }
                case "value_int" -> { return Tensor.ofLongs(new long[0], a.asInt()); }
                case "value_ints" -> { long[] v = a.asInts(); return Tensor.ofLongs(new long[] {v.length}, v); }
                case "value_string" -> { return Tensor.ofStrings(new long[0], a.asString()); }
                case "value_strings" -> {
                    List<String> s = a.asStrings();
                    return Tensor.ofStrings(new long[] {s.size()}, s.toArray(String[]::new));
                }
                default -> { }
            }
        }
        throw new IllegalArgumentException("Constant needs one of the attributes value, value_float(s), value_int(s), "
                + "value_string(s), sparse_value");
    }

    static Tensor tile(Tensor x, long[] reps) {
        if (reps.length != x.rank()) {
            throw new IllegalArgumentException("repeats has " + reps.length + " entries, input has rank " + x.rank());
        }
        long[] s = x.shape(), out = new long[s.length], st = Shapes.strides(s);
        for (int i = 0; i < s.length; i++) {
            if (reps[i] < 0) throw new IllegalArgumentException("repeats " + Arrays.toString(reps) + " has a negative entry");
            out[i] = s[i] * reps[i];
        }
        return IndexMapping.gather(x, out, idx -> {
            long o = 0;
            for (int d = 0; d < idx.length; d++) o += (idx[d] % s[d]) * st[d];
            return o;
        }, null);
    }

    static Tensor reshape(Tensor x, long[] target, boolean allowZero) {
        long[] s = x.shape();
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= s.length) throw new IllegalArgumentException("shape " + Arrays.toString(target)
                        + " copies dimension " + i + " of an input of rank " + s.length);
                out[i] = s[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has two -1");
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shapes.format(s) + " to " + Arrays.toString(target));
            }
            out[infer] = x.size() / known;
        }
        return x.reshape(out);
    }

    static Tensor squeeze(Tensor x, long[] axes) {
        long[] s = x.shape();
        boolean[] drop = new boolean[s.length];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) drop[i] = s[i] == 1;
        } else {
            for (long a : axes) {
                int ax = Axis.of(a, s.length);
                if (s[ax] != 1) throw new IllegalArgumentException("cannot squeeze axis " + a + " of size " + s[ax]);
                drop[ax] = true;
            }
        }
        long[] out = new long[s.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) if (!drop[i]) out[k++] = s[i];
        return x.reshape(Arrays.copyOf(out, k));
    }

    static Tensor unsqueeze(Tensor x, long[] axes) {
        long[] s = x.shape();
        int rank = s.length + axes.length;
        boolean[] ins = new boolean[rank];
        for (long a : axes) {
            int ax = Axis.of(a, rank);
            if (ins[ax]) throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " repeat axis " + ax);
            ins[ax] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) out[i] = ins[i] ? 1 : s[j++];
        return x.reshape(out);
    }

    static Tensor transpose(Tensor x, long[] permAttr) {
        int rank = x.rank();
        long[] perm = permAttr;
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) perm[i] = rank - 1 - i;
        }
        if (perm.length != rank) throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " for rank " + rank);
        long[] s = x.shape(), st = Shapes.strides(s), out = new long[rank], pst = new long[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int p = Axis.of(perm[i], rank);
            if (seen[p]) throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " is not a permutation");
            seen[p] = true;
            out[i] = s[p];
            pst[i] = st[p];
        }
        return IndexMapping.gather(x, out, idx -> IndexMapping.offset(idx, pst), null);
    }

    static Tensor concat(List<Tensor> xs, long axisAttr) {
        Tensor first = xs.getFirst();
        int rank = first.rank();
        int axis = Axis.of(axisAttr, rank);
        long[] out = first.shape();
        long total = 0;
        for (Tensor t : xs) {
            if (t.dtype() != first.dtype()) throw new IllegalArgumentException("inputs mix " + first.dtype() + " and " + t.dtype());
            long[] s = t.shape();
            if (s.length != rank) throw new IllegalArgumentException("inputs have ranks " + rank + " and " + s.length);
            for (int d = 0; d < rank; d++) {
                if (d != axis && s[d] != out[d]) {
                    throw new IllegalArgumentException("input shapes " + Shapes.format(first.shape()) + " and "
                            + Shapes.format(s) + " differ outside axis " + axis);
                }
            }
            total += s[axis];
        }
        out[axis] = total;
        Tensor result = Tensor.allocate(first.dtype(), out);
        long outer = Shapes.size(Arrays.copyOfRange(out, 0, axis));
        long inner = Shapes.size(Arrays.copyOfRange(out, axis + 1, rank));
        long pos = 0;
        for (long o = 0; o < outer; o++) {
            for (Tensor t : xs) {
                long chunk = t.dim(axis) * inner;
                Elements.copyRange(t, o * chunk, result, pos, chunk);
                pos += chunk;
            }
        }
        return result;
    }

    /** A new value equal to {@code v}: tensors are copied, sequences and optionals are rebuilt around copies. */
    static Value identityOf(Value v) {
        if (v == null) throw new IllegalArgumentException("input 0 is required");
        if (v instanceof Tensor t) return t.copy();
        if (v instanceof TensorSequence seq) {
            return new TensorSequence(seq.elementType(), seq.tensors().stream().map(Tensor::copy).toList());
        }
        if (v instanceof OptionalValue opt) {
            return new OptionalValue(opt.elementType(), opt.isPresent() ? identityOf(opt.content()) : null);
        }
        throw new IllegalArgumentException("input 0 has an unsupported kind: " + v.describe());
    }
}
