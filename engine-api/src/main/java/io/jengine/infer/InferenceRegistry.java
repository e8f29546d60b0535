package io.jengine.infer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Inference functions keyed like kernels: (domain, op, since-version); a lookup takes the latest applicable one. */
public final class InferenceRegistry {
    private record Entry(int since, OpInference fn) {}

    private static final InferenceRegistry STANDARD = standard();

    private final Map<String, List<Entry>> byOp = new HashMap<>();

    /** The inference rules for the ONNX domain. */
    public static InferenceRegistry onnx() { return STANDARD; }

    public InferenceRegistry add(String op, int since, OpInference fn) { return add("", op, since, fn); }

    public InferenceRegistry add(String domain, String op, int since, OpInference fn) {
        List<Entry> l = byOp.computeIfAbsent(domain + "::" + op, k -> new ArrayList<>());
        l.add(new Entry(since, fn));
        l.sort(Comparator.comparingInt(Entry::since));
        return this;
    }

    /** Registers one rule for several ops. */
    public InferenceRegistry addAll(int since, OpInference fn, String... ops) {
        for (String op : ops) add(op, since, fn);
        return this;
    }

    /** A new registry with this one's rules, to which more may be added without touching this one. */
    public InferenceRegistry copy() {
        InferenceRegistry r = new InferenceRegistry();
        byOp.forEach((k, l) -> r.byOp.put(k, new ArrayList<>(l)));
        return r;
    }

    /** Whether a rule exists for the op at some version. */
    public boolean knows(String domain, String op) { return byOp.containsKey(domain + "::" + op); }

    public OpInference find(String domain, String op, int opset) {
        List<Entry> l = byOp.get(domain + "::" + op);
        if (l == null) return null;
        OpInference best = null;
        for (Entry e : l) if (e.since <= opset) best = e.fn;
        return best;
    }

    private static InferenceRegistry standard() {
        InferenceRegistry r = new InferenceRegistry();
        ElementwiseInference.register(r);
        TensorShapeInference.register(r);
        NeuralNetInference.register(r);
        IndexingInference.register(r);
        QuantizationInference.register(r);
        ControlFlowInference.register(r);
        ImageSignalInference.register(r);
        SequenceModelInference.register(r);
        DataOpInference.register(r);
        FusedOpInference.register(r);
        return r;
    }
}
