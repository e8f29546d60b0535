package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** TopK, ArgMax, ArgMin and Unique: ops that pick elements by comparing them. */
final class SelectionKernels {
    private SelectionKernels() {}

    static void register(KernelRegistry r) {
        r.add("TopK", 1, n -> {
            long k = n.node().attrInt("k", 1), axis = n.node().attrInt("axis", -1);
            return (ctx, in) -> topK(tensor(in, 0), k, axis, true, true);
        });
        r.add("TopK", 10, n -> {
            long axis = n.node().attrInt("axis", -1);
            boolean largest = n.node().attrInt("largest", 1) != 0, sorted = n.node().attrInt("sorted", 1) != 0;
            return (ctx, in) -> topK(tensor(in, 0), tensor(in, 1).getLong(0), axis, largest, sorted);
        });
        r.add("ArgMax", 1, n -> arg(n.node(), true));
        r.add("ArgMin", 1, n -> arg(n.node(), false));
        r.add("Unique", 11, n -> {
            boolean sorted = n.node().attrInt("sorted", 1) != 0;
            Long axis = n.node().hasAttr("axis") ? n.node().attrInt("axis", 0) : null;
            return (ctx, in) -> unique(tensor(in, 0), axis, sorted);
        });
    }

    private static int compare(Tensor t, long a, long b) {
        if (t.dtype() == DType.STRING) return t.getString(a).compareTo(t.getString(b));
        if (t.dtype().isFloatingPoint()) return Double.compare(t.getDouble(a), t.getDouble(b));
        return t.dtype() == DType.UINT64 ? Long.compareUnsigned(t.getLong(a), t.getLong(b))
                : Long.compare(t.getLong(a), t.getLong(b));
    }

    /**
     * Order of two candidates for TopK: better value first, ties by lower index (elements are visited in index order
     * and the sort is stable). As ONNX's reference, NaN ranks after every number whether largest or smallest is asked,
     * and -0.0 ties with 0.0.
     */
    private static int topKOrder(Tensor x, long a, long b, boolean largest) {
        if (x.dtype().isFloatingPoint()) {
            double va = x.getDouble(a), vb = x.getDouble(b);
            boolean na = Double.isNaN(va), nb = Double.isNaN(vb);
            if (na || nb) return Boolean.compare(na, nb);
            int c = va < vb ? -1 : va > vb ? 1 : 0;
            return largest ? -c : c;
        }
        int c = compare(x, a, b);
        return largest ? -c : c;
    }

    private static Value[] topK(Tensor x, long k, long axisAttr, boolean largest, boolean sorted) {
        int axis = Axis.of(axisAttr, x.rank());
        long[] s = x.shape();
        long dim = s[axis];
        if (k < 0 || k > dim) throw new IllegalArgumentException("k = " + k + " is outside [0, " + dim + "]");
        long inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length)), outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        long[] os = s.clone();
        os[axis] = k;
        Tensor vals = Tensor.allocate(x.dtype(), os), idx = Tensor.allocate(DType.INT64, os);
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                long base = o * dim * inner + i;
                List<Long> order = new ArrayList<>();
                for (long j = 0; j < dim; j++) order.add(j);
                order.sort((a, b) -> topKOrder(x, base + a * inner, base + b * inner, largest));
                for (long j = 0; j < k; j++) {
                    long src = order.get((int) j);
                    long dst = o * k * inner + j * inner + i;
                    Elements.copy(x, base + src * inner, vals, dst);
                    idx.setLong(dst, src);
                }
            }
        }
        return new Value[] {vals, idx};
    }

    private static io.jengine.spi.ValueKernel arg(io.jengine.ir.Node node, boolean max) {
        long axisAttr = node.attrInt("axis", 0);
        boolean keep = node.attrInt("keepdims", 1) != 0, last = node.attrInt("select_last_index", 0) != 0;
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            int axis = Axis.of(axisAttr, x.rank());
            long[] s = x.shape();
            long dim = s[axis], inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
            long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
            long[] os = s.clone();
            os[axis] = 1;
            Tensor out = Tensor.allocate(DType.INT64, os);
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    long base = o * dim * inner + i, best = 0;
                    for (long j = 1; j < dim; j++) {
                        if (beats(x, base + j * inner, base + best * inner, max, last)) best = j;
                    }
                    out.setLong(o * inner + i, best);
                }
            }
            if (!keep) {
                long[] squeezed = new long[s.length - 1];
                for (int d = 0, j = 0; d < s.length; d++) if (d != axis) squeezed[j++] = s[d];
                out = out.reshape(squeezed);
            }
            return new Value[] {out};
        };
    }

    /**
     * Whether element {@code a} replaces the best-so-far {@code b} in an arg-max/min scan. As numpy, NaN counts as the
     * extreme for both (the first NaN wins, or the last one with select_last_index) and -0.0 equals 0.0.
     */
    private static boolean beats(Tensor x, long a, long b, boolean max, boolean last) {
        if (x.dtype().isFloatingPoint()) {
            double va = x.getDouble(a), vb = x.getDouble(b);
            if (Double.isNaN(va)) return last || !Double.isNaN(vb);
            if (Double.isNaN(vb)) return false;
            return (max ? va > vb : va < vb) || (last && va == vb);
        }
        int c = compare(x, a, b);
        return (max ? c > 0 : c < 0) || (last && c == 0);
    }

    private static Value[] unique(Tensor x, Long axisAttr, boolean sorted) {
        Tensor src = axisAttr == null ? x.reshape(x.size()) : x;
        int axis = axisAttr == null ? 0 : Axis.of(axisAttr, x.rank());
        long[] s = src.shape();
        long dim = s[axis], inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        // Each slice along the axis becomes a key (its elements in order) so equal slices collapse.
        Map<List<Object>, long[]> seen = new LinkedHashMap<>(); // key -> {first index, count}
        List<List<Object>> keys = new ArrayList<>();
        List<List<Object>> sliceKeys = new ArrayList<>(); // the key of every slice, for the inverse indices
        for (long j = 0; j < dim; j++) {
            List<Object> key = new ArrayList<>();
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    long e = (o * dim + j) * inner + i;
                    key.add(keyElement(src, e));
                }
            }
            sliceKeys.add(key);
            long[] info = seen.get(key);
            if (info == null) {
                seen.put(key, new long[] {j, 1});
                keys.add(key);
            } else {
                info[1]++;
            }
        }
        List<List<Object>> order = new ArrayList<>(keys);
        if (sorted) order.sort(SelectionKernels::compareKeys);
        Map<List<Object>, Long> position = new LinkedHashMap<>();
        for (int p = 0; p < order.size(); p++) position.put(order.get(p), (long) p);
        long u = order.size();
        Tensor first = Tensor.allocate(DType.INT64, u), counts = Tensor.allocate(DType.INT64, u);
        for (int p = 0; p < u; p++) {
            long[] info = seen.get(order.get(p));
            first.setLong(p, info[0]);
            counts.setLong(p, info[1]);
        }
        Tensor inverse = Tensor.allocate(DType.INT64, dim);
        for (int j = 0; j < dim; j++) inverse.setLong(j, position.get(sliceKeys.get(j)));
        Tensor y = GatherScatterKernels.take(src, first, axis);
        return new Value[] {y, first, inverse, counts};
    }

    /**
     * One element as a comparable, equality-consistent key: -0.0 folds into 0.0 (numpy counts them as one value) while
     * NaNs stay equal to each other; uint64 gets its sign bit flipped so that signed order is unsigned order.
     */
    private static Object keyElement(Tensor t, long e) {
        DType d = t.dtype();
        if (d == DType.STRING) return t.getString(e);
        if (d.isFloatingPoint()) return t.getDouble(e) + 0.0;
        return d == DType.UINT64 ? t.getLong(e) ^ Long.MIN_VALUE : t.getLong(e);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = ((Comparable) a.get(i)).compareTo(b.get(i));
            if (c != 0) return c;
        }
        return 0;
    }
}
