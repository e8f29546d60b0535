package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Gather, GatherElements, GatherND, Scatter/ScatterElements, ScatterND, Compress, NonZero. */
final class GatherScatterKernels {
    private GatherScatterKernels() {}

    static void register(KernelRegistry r) {
        r.add("Gather", 1, n -> {
            long axisAttr = n.node().attrInt("axis", 0);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), idx = tensor(in, 1);
                int axis = Axis.of(axisAttr, x.rank());
                long[] s = x.shape();
                long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis)), inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
                long dim = s[axis];
                long[] out = new long[s.length - 1 + idx.rank()];
                System.arraycopy(s, 0, out, 0, axis);
                System.arraycopy(idx.shape(), 0, out, axis, idx.rank());
                System.arraycopy(s, axis + 1, out, axis + idx.rank(), s.length - axis - 1);
                Tensor res = Tensor.allocate(x.dtype(), out);
                long pos = 0;
                for (long o = 0; o < outer; o++) {
                    for (long k = 0; k < idx.size(); k++) {
                        long i = index(idx.getLong(k), dim, "indices");
                        Elements.copyRange(x, (o * dim + i) * inner, res, pos, inner);
                        pos += inner;
                    }
                }
                return new Value[] {res};
            };
        });
        r.add("GatherElements", 11, n -> {
            long axisAttr = n.node().attrInt("axis", 0);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), idx = tensor(in, 1);
                int axis = Axis.of(axisAttr, x.rank());
                if (idx.rank() != x.rank()) {
                    throw new IllegalArgumentException("indices rank " + idx.rank() + " differs from data rank " + x.rank());
                }
                for (int d = 0; d < x.rank(); d++) {
                    if (d != axis && idx.dim(d) > x.dim(d)) {
                        throw new IllegalArgumentException("indices shape " + Shapes.format(idx.shape())
                                + " exceeds data shape " + Shapes.format(x.shape()) + " on axis " + d);
                    }
                }
                long[] xs = Shapes.strides(x.shape());
                return new Value[] {IndexMapping.gather(x, idx.shape(), new IndexMapping.Map() {
                    long e = 0;

                    @Override
                    public long source(long[] at) {
                        long i = index(idx.getLong(e++), x.dim(axis), "indices");
                        long o = 0;
                        for (int d = 0; d < at.length; d++) o += (d == axis ? i : at[d]) * xs[d];
                        return o;
                    }
                }, null)};
            };
        });
        r.add("GatherND", 11, n -> {
            int batch = (int) n.node().attrInt("batch_dims", 0);
            return (ctx, in) -> new Value[] {gatherND(tensor(in, 0), tensor(in, 1), batch)};
        });
        r.add("Scatter", 9, n -> scatterElements(n.node().attrInt("axis", 0), "none"));
        r.add("ScatterElements", 11, n -> scatterElements(n.node().attrInt("axis", 0),
                Reduction.check(n.node().attrString("reduction", "none"))));
        r.add("ScatterND", 11, n -> {
            String red = Reduction.check(n.node().attrString("reduction", "none"));
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), idx = tensor(in, 1), upd = tensor(in, 2);
                Tensor out = x.copy();
                long[] s = x.shape(), st = Shapes.strides(s);
                if (idx.rank() < 1 || idx.dim(idx.rank() - 1) > s.length) {
                    throw new IllegalArgumentException("indices shape " + Shapes.format(idx.shape())
                            + " must end in a dimension <= data rank " + s.length);
                }
                int k = (int) idx.dim(idx.rank() - 1);
                long[] expectUpd = new long[idx.rank() - 1 + s.length - k];
                System.arraycopy(idx.shape(), 0, expectUpd, 0, idx.rank() - 1);
                System.arraycopy(s, k, expectUpd, idx.rank() - 1, s.length - k);
                if (!Arrays.equals(expectUpd, upd.shape())) {
                    throw new IllegalArgumentException("updates shape " + Shapes.format(upd.shape()) + ", expected "
                            + Shapes.format(expectUpd));
                }
                long slice = Shapes.size(Arrays.copyOfRange(s, k, s.length));
                long count = idx.size() / Math.max(k, 1);
                for (long u = 0; u < count; u++) {
                    long base = 0;
                    for (int d = 0; d < k; d++) base += index(idx.getLong(u * k + d), s[d], "indices") * st[d];
                    for (long j = 0; j < slice; j++) Reduction.combine(out, base + j, upd, u * slice + j, red);
                }
                return new Value[] {out};
            };
        });
        r.add("Compress", 9, n -> {
            Long axisAttr = n.node().hasAttr("axis") ? n.node().attrInt("axis", 0) : null;
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), cond = tensor(in, 1);
                Tensor src = axisAttr == null ? x.reshape(x.size()) : x;
                int axis = axisAttr == null ? 0 : Axis.of(axisAttr, x.rank());
                List<Long> keep = new ArrayList<>();
                for (long i = 0; i < Math.min(cond.size(), src.dim(axis)); i++) if (cond.getLong(i) != 0) keep.add(i);
                Tensor idx = Tensor.ofLongs(new long[] {keep.size()}, keep.stream().mapToLong(Long::longValue).toArray());
                return new Value[] {take(src, idx, axis)};
            };
        });
        r.add("NonZero", 9, n -> (ctx, in) -> {
            Tensor x = tensor(in, 0);
            long[] s = x.shape();
            List<long[]> hits = new ArrayList<>();
            long[] at = new long[s.length];
            for (long e = 0; e < x.size(); e++) {
                boolean nz = x.dtype() == DType.STRING ? !x.getString(e).isEmpty()
                        : x.dtype().isFloatingPoint() ? x.getDouble(e) != 0 : x.getLong(e) != 0;
                if (nz) hits.add(at.clone());
                IndexMapping.increment(at, s);
            }
            Tensor out = Tensor.allocate(DType.INT64, s.length, hits.size());
            for (int j = 0; j < hits.size(); j++) {
                for (int d = 0; d < s.length; d++) out.setLong((long) d * hits.size() + j, hits.get(j)[d]);
            }
            return new Value[] {out};
        });
    }

    /** A possibly negative index into a dimension, range-checked. */
    static long index(long i, long dim, String what) {
        long v = i < 0 ? i + dim : i;
        if (v < 0 || v >= dim) throw new IllegalArgumentException(what + " value " + i + " is out of range for a dimension of " + dim);
        return v;
    }

    /** Gather along one axis with 1-D indices (no negative wrap needed: the caller made them). */
    static Tensor take(Tensor x, Tensor idx, int axis) {
        long[] s = x.shape();
        s[axis] = idx.size();
        long[] xs = Shapes.strides(x.shape());
        return IndexMapping.gather(x, s, at -> {
            long o = 0;
            for (int d = 0; d < at.length; d++) o += (d == axis ? idx.getLong(at[d]) : at[d]) * xs[d];
            return o;
        }, null);
    }

    private static io.jengine.spi.ValueKernel scatterElements(long axisAttr, String reduction) {
        return (ctx, in) -> {
            Tensor x = tensor(in, 0), idx = tensor(in, 1), upd = tensor(in, 2);
            int axis = Axis.of(axisAttr, x.rank());
            if (!Arrays.equals(idx.shape(), upd.shape()) || idx.rank() != x.rank()) {
                throw new IllegalArgumentException("indices " + Shapes.format(idx.shape()) + " and updates "
                        + Shapes.format(upd.shape()) + " must have one shape, of the rank of data " + x.rank());
            }
            Tensor out = x.copy();
            long[] xs = Shapes.strides(x.shape());
            long[] at = new long[idx.rank()];
            long[] is = idx.shape();
            for (long e = 0; e < idx.size(); e++) {
                long o = 0;
                for (int d = 0; d < at.length; d++) {
                    o += (d == axis ? index(idx.getLong(e), x.dim(axis), "indices") : at[d]) * xs[d];
                }
                Reduction.combine(out, o, upd, e, reduction);
                IndexMapping.increment(at, is);
            }
            return new Value[] {out};
        };
    }

    private static Tensor gatherND(Tensor x, Tensor idx, int batch) {
        long[] s = x.shape(), is = idx.shape();
        if (batch < 0 || batch >= Math.min(s.length, is.length)) {
            throw new IllegalArgumentException("attribute 'batch_dims' = " + batch + " must be below the ranks of data "
                    + s.length + " and indices " + is.length);
        }
        int k = (int) is[is.length - 1];
        if (k < 1 || batch + k > s.length) {
            throw new IllegalArgumentException("indices shape " + Shapes.format(is) + " ends in " + k
                    + ", expected 1.." + (s.length - batch) + " for data " + Shapes.format(s));
        }
        for (int d = 0; d < batch; d++) {
            if (s[d] != is[d]) {
                throw new IllegalArgumentException("batch dim " + d + " differs: data " + Shapes.format(s)
                        + ", indices " + Shapes.format(is));
            }
        }
        long[] out = new long[is.length - 1 + s.length - batch - k];
        System.arraycopy(is, 0, out, 0, is.length - 1);
        System.arraycopy(s, batch + k, out, is.length - 1, s.length - batch - k);
        long slice = Shapes.size(Arrays.copyOfRange(s, batch + k, s.length));
        long batchSize = Shapes.size(Arrays.copyOfRange(s, 0, batch));
        long perBatchIdx = Shapes.size(Arrays.copyOfRange(is, batch, is.length - 1));
        long batchStride = Shapes.size(Arrays.copyOfRange(s, batch, s.length));
        long[] st = Shapes.strides(Arrays.copyOfRange(s, batch, s.length));
        Tensor res = Tensor.allocate(x.dtype(), out);
        long pos = 0;
        for (long b = 0; b < batchSize; b++) {
            for (long j = 0; j < perBatchIdx; j++) {
                long base = b * batchStride, row = (b * perBatchIdx + j) * k;
                for (int d = 0; d < k; d++) base += index(idx.getLong(row + d), s[batch + d], "indices") * st[d];
                Elements.copyRange(x, base, res, pos, slice);
                pos += slice;
            }
        }
        return res;
    }
}
