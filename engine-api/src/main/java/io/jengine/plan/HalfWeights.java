package io.jengine.plan;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weights stored in half precision ({@code engine build --fp16}): a plan keeps the named float32 initializers as
 * float16, half their bytes, and reading the plan widens them back to float32, since this CPU computes in float32
 * (no FP16 arithmetic). The graph the plan describes is unchanged; only the stored bytes are, plus one metadata entry
 * listing the initializers so stored. A build rounds the weights through float16 before planning, so that the engine
 * it returns computes exactly what the plan will load.
 */
public final class HalfWeights {
    /** The model metadata key holding the names of the initializers stored as float16, one per line. */
    public static final String METADATA_KEY = "jengine.float16_weights";

    private HalfWeights() {}

    /** {@code m} with the named float32 initializers rounded to float16 values (still float32). */
    public static Model round(Model m, Set<String> names) {
        return replace(m, names, t -> widen(narrow(t)), false);
    }

    /** {@code m} with the named float32 initializers as float16 tensors, listed under {@link #METADATA_KEY}. */
    public static Model store(Model m, Set<String> names) {
        if (names.isEmpty()) return m;
        return replace(m, names, HalfWeights::narrow, true);
    }

    /** The plan's model as it computes: its float16-stored initializers widened to float32, the listing removed. */
    public static Model restore(Model m) {
        String listed = m.metadata().get(METADATA_KEY);
        if (listed == null) return m;
        Set<String> names = new LinkedHashSet<>(List.of(listed.split("\n")));
        for (String n : names) {
            Tensor t = m.graph().initializers().get(n);
            if (t == null || t.dtype() != DType.FLOAT16) {
                throw new PlanFormatException("the plan lists '" + n + "' as a float16 weight, but it is "
                        + (t == null ? "missing" : t.dtype().toString()));
            }
        }
        Graph.Builder b = m.graph().toBuilder();
        for (String n : names) b.initializer(n, widen(m.graph().initializers().get(n)));
        Map<String, String> meta = new LinkedHashMap<>(m.metadata());
        meta.remove(METADATA_KEY);
        return new Model(m.irVersion(), m.producerName(), m.producerVersion(), b.build(), meta);
    }

    private static Model replace(Model m, Set<String> names, java.util.function.UnaryOperator<Tensor> f,
                                 boolean list) {
        Graph.Builder b = m.graph().toBuilder();
        Set<String> done = new LinkedHashSet<>();
        for (String n : names) {
            Tensor t = m.graph().initializers().get(n);
            if (t == null || t.dtype() != DType.FLOAT32) continue;
            b.initializer(n, f.apply(t));
            done.add(n);
        }
        Map<String, String> meta = new LinkedHashMap<>(m.metadata());
        if (list && !done.isEmpty()) meta.put(METADATA_KEY, String.join("\n", done));
        return new Model(m.irVersion(), m.producerName(), m.producerVersion(), b.build(), meta);
    }

    /** Float32 to float16, rounding to nearest even (values beyond 65504 become infinities, as IEEE says). */
    static Tensor narrow(Tensor t) {
        Tensor h = Tensor.allocateUninitialized(DType.FLOAT16, t.shape());
        java.lang.foreign.MemorySegment src = t.data(), dst = h.data();
        for (long i = 0, n = t.size(); i < n; i++) {
            dst.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i,
                    Float.floatToFloat16(src.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i)));
        }
        return h;
    }

    /** Float16 to float32, exactly. */
    static Tensor widen(Tensor h) {
        Tensor t = Tensor.allocateUninitialized(DType.FLOAT32, h.shape());
        java.lang.foreign.MemorySegment src = h.data(), dst = t.data();
        for (long i = 0, n = h.size(); i < n; i++) {
            dst.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i,
                    Float.float16ToFloat(src.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i)));
        }
        return t;
    }
}
