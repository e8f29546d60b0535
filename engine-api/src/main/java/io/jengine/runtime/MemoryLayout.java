package io.jengine.runtime;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which values of the main graph live in the session's arena, and where. A value is placed when its shape and element
 * type are static, the kernel that makes it writes into handed buffers (not a {@link ValueKernel}) and it is not a
 * graph output (what callers receive is theirs; a later run must not overwrite it). A view (Reshape and friends)
 * shares its input's buffer and is made once per session; an in-place output takes its input's buffer when the input
 * is read by nobody after that step. The rest is allocated as it comes.
 */
final class MemoryLayout {
    private final DType[] dtypes;
    private final long[][] shapes;
    private final int[] buffer;
    private final int[] viewSource;
    private final MemoryPlan plan;

    private MemoryLayout(DType[] dtypes, long[][] shapes, int[] buffer, int[] viewSource, MemoryPlan plan) {
        this.dtypes = dtypes;
        this.shapes = shapes;
        this.buffer = buffer;
        this.viewSource = viewSource;
        this.plan = plan;
    }

    /** Bytes of the arena a session allocates for this plan. */
    long arenaBytes() { return plan.arenaBytes(); }

    /** The most bytes of placed values alive at any one step. */
    long peakLiveBytes() { return plan.peakLiveBytes(); }

    /** Whether the slot is a view the session prepares, so its kernel need not run. */
    boolean isPreparedView(int slot) { return viewSource[slot] >= 0; }

    /** How many values the arena holds (views and in-place outputs included). */
    int placedCount() {
        int n = 0;
        for (int b : buffer) if (b >= 0) n++;
        return n;
    }

    /** The session's tensors over {@code arena}, by slot; null for slots not placed. */
    Tensor[] materialize(MemorySegment arena) {
        Tensor[] t = new Tensor[buffer.length];
        for (int s = 0; s < buffer.length; s++) {
            if (buffer[s] < 0 || viewSource[s] >= 0) continue;
            long bytes = Math.multiplyExact(io.jengine.tensor.Shapes.size(shapes[s]), (long) dtypes[s].byteSize());
            t[s] = Tensor.wrap(dtypes[s], shapes[s], arena.asSlice(plan.offset(buffer[s]), bytes));
        }
        // Views after their sources; a view of a view resolves because sources are made before their readers.
        for (int s = 0; s < buffer.length; s++) {
            if (viewSource[s] >= 0) t[s] = resolve(t, s).view(shapes[s]);
        }
        return t;
    }

    private Tensor resolve(Tensor[] t, int s) {
        int src = viewSource[s];
        if (t[src] != null) return t[src];
        Tensor base = resolve(t, src);
        t[src] = base.view(shapes[src]);
        return t[src];
    }

    static MemoryLayout plan(Graph graph, List<Node> nodes, List<Kernel> kernels, Map<String, Integer> slots,
                             Map<String, Integer> lastUse, Set<String> graphOutputs) {
        int n = slots.size();
        DType[] dtypes = new DType[n];
        long[][] shapes = new long[n][];
        int[] buffer = new int[n];
        int[] viewSource = new int[n];
        Arrays.fill(buffer, -1);
        Arrays.fill(viewSource, -1);
        List<Long> sizes = new ArrayList<>();
        List<Integer> first = new ArrayList<>();
        List<Integer> last = new ArrayList<>();

        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            Kernel k = kernels.get(i);
            if (k instanceof ValueKernel) continue;
            for (int j = 0; j < node.outputs().size(); j++) {
                String name = node.outputs().get(j);
                if (name.isEmpty() || graphOutputs.contains(name)) continue;
                ValueType.TensorType t = staticTensor(graph.typeOf(name));
                if (t == null) continue;
                int slot = slots.get(name);
                dtypes[slot] = t.elementType();
                shapes[slot] = t.shape().toArray();
                long bytes = Math.multiplyExact(io.jengine.tensor.Shapes.size(shapes[slot]), (long) t.elementType().byteSize());
                int end = Math.max(i, lastUse.getOrDefault(name, i));
                int shared = j == 0 ? sharedInput(node, k, slots, buffer, dtypes, shapes, last, i, bytes) : -1;
                if (shared >= 0) {
                    buffer[slot] = buffer[shared];
                    if (k.viewOf() >= 0) viewSource[slot] = shared;
                    last.set(buffer[slot], Math.max(last.get(buffer[slot]), end));
                } else {
                    buffer[slot] = sizes.size();
                    sizes.add(bytes);
                    first.add(i);
                    last.add(end);
                }
            }
        }
        MemoryPlan plan = MemoryPlan.of(sizes.stream().mapToLong(Long::longValue).toArray(),
                first.stream().mapToInt(Integer::intValue).toArray(),
                last.stream().mapToInt(Integer::intValue).toArray(), nodes.size());
        return new MemoryLayout(dtypes, shapes, buffer, viewSource, plan);
    }

    /**
     * The slot of the input whose buffer output 0 of step {@code step} shares, or -1: the kernel's view source when
     * that input is placed with the same bytes, else its in-place input when, moreover, nobody reads that buffer
     * after this step and the node reads it through no other input.
     */
    private static int sharedInput(Node node, Kernel k, Map<String, Integer> slots, int[] buffer, DType[] dtypes,
                                   long[][] shapes, List<Integer> last, int step, long bytes) {
        int view = k.viewOf(), inPlace = k.inPlaceInput();
        int input = view >= 0 ? view : inPlace;
        if (input < 0 || !node.hasInput(input)) return -1;
        Integer src = slots.get(node.inputs().get(input));
        if (src == null || buffer[src] < 0) return -1;
        long srcBytes = Math.multiplyExact(io.jengine.tensor.Shapes.size(shapes[src]), (long) dtypes[src].byteSize());
        if (srcBytes != bytes) return -1;
        if (view >= 0) return src;
        // Written in place, the buffer must not also be another of the node's inputs: a convolution adding its own
        // input as the residual would read what it has begun to overwrite.
        for (int j = 0; j < node.inputs().size(); j++) {
            if (j == input || node.inputs().get(j).isEmpty()) continue;
            Integer other = slots.get(node.inputs().get(j));
            if (other != null && buffer[other] == buffer[src]) return -1;
        }
        return last.get(buffer[src]) == step ? src : -1;
    }

    private static ValueType.TensorType staticTensor(ValueType type) {
        if (!(type instanceof ValueType.TensorType t) || t.shape() == null || !t.shape().isFullyKnown()) return null;
        DType d = t.elementType();
        if (d == DType.STRING || !d.isSupported()) return null;
        return t;
    }
}
