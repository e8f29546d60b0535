package io.jengine.runtime;

import io.jengine.tensor.Value;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.OptionalValue;
import io.jengine.errors.InvalidInputException;
import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks what a caller feeds against the graph's declared inputs — names, value kind, element type, rank, fixed
 * dimensions, and that a symbolic dimension ("batch") has one size across all inputs — and collects the outputs.
 */
final class InputBinder {
    private final Graph graph;
    private final Map<String, EngineOptions.InputRange> ranges;

    InputBinder(Graph graph) { this(graph, Map.of()); }

    /** {@code ranges}: the shapes named inputs may take (a plan's profile), checked on top of the declared types. */
    InputBinder(Graph graph, Map<String, EngineOptions.InputRange> ranges) {
        this.graph = graph;
        this.ranges = ranges;
    }

    /**
     * The values fed for the graph's inputs, in declaration order (null for an initializer the caller did not
     * override), after checking them against the declared types.
     */
    Value[] bind(Map<String, ? extends Value> feeds) {
        Set<String> initializers = graph.initializers().keySet();
        for (String name : feeds.keySet()) {
            if (graph.inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw new InvalidInputException("unknown input '" + name + "'; the model's inputs are "
                        + graph.runtimeInputs().stream().map(ValueInfo::name).toList());
            }
        }
        Map<String, Long> symbols = new HashMap<>();
        Value[] bound = new Value[graph.inputs().size()];
        for (int i = 0; i < bound.length; i++) {
            ValueInfo in = graph.inputs().get(i);
            Value v = feeds.get(in.name());
            if (v == null) {
                if (initializers.contains(in.name())) continue;
                throw new InvalidInputException("missing input '" + in.name() + "' (expected "
                        + (in.type() == null ? "a value" : in.type()) + ")");
            }
            check(in, v, symbols);
            EngineOptions.InputRange range = ranges.get(in.name());
            if (range != null && v instanceof Tensor t && !range.contains(t.shape())) {
                throw new InvalidInputException("input '" + in.name() + "' has shape " + Shapes.format(t.shape())
                        + ", outside the plan's profile " + range + ": build the plan with a --profile that covers it");
            }
            bound[i] = v;
        }
        return bound;
    }

    private static void check(ValueInfo in, Value v, Map<String, Long> symbols) {
        if (in.type() == null) return;
        if (in.type() instanceof ValueType.TensorType tt) {
            if (!(v instanceof Tensor t)) {
                throw new InvalidInputException("input '" + in.name() + "': expected " + tt + ", got " + v.describe());
            }
            if (t.isClosed()) throw new InvalidInputException("input '" + in.name() + "' is a closed tensor");
            if (t.dtype() != tt.elementType()) {
                throw new InvalidInputException("input '" + in.name() + "': expected element type "
                        + tt.elementType() + ", got " + t.dtype());
            }
            if (tt.shape() == null) return;
            if (t.rank() != tt.shape().rank()) {
                throw new InvalidInputException("input '" + in.name() + "': expected rank " + tt.shape().rank()
                        + " " + tt.shape() + ", got shape " + Shapes.format(t.shape()));
            }
            for (int i = 0; i < t.rank(); i++) {
                Dim d = tt.shape().dim(i);
                long got = t.dim(i);
                if (d.isKnown() && d.value() != got) {
                    throw new InvalidInputException("input '" + in.name() + "': dimension " + i + " must be "
                            + d.value() + " (shape " + tt.shape() + "), got shape " + Shapes.format(t.shape()));
                }
                if (d.isSymbolic()) {
                    Long prev = symbols.putIfAbsent(d.symbol(), got);
                    if (prev != null && prev != got) {
                        throw new InvalidInputException("input '" + in.name() + "': dimension " + i + " ('"
                                + d.symbol() + "') is " + got + " but another input already set '" + d.symbol()
                                + "' to " + prev);
                    }
                }
            }
        } else if (in.type() instanceof ValueType.SequenceType && !(v instanceof TensorSequence)) {
            throw new InvalidInputException("input '" + in.name() + "': expected " + in.type() + ", got " + v.describe());
        } else if (in.type() instanceof ValueType.OptionalType && !(v instanceof OptionalValue)) {
            throw new InvalidInputException("input '" + in.name() + "': expected " + in.type() + ", got " + v.describe());
        }
    }

    /** The graph's outputs after a run of {@code plan} in {@code frame}, by name in the model's order. */
    Map<String, Value> collectOutputs(GraphPlan plan, Frame frame) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (int i = 0; i < graph.outputs().size(); i++) {
            ValueInfo o = graph.outputs().get(i);
            Value v = plan.output(frame, i);
            if (v == null) v = frame.lookup(o.name());
            if (v == null) throw new IllegalStateException("output '" + o.name() + "' was not computed");
            // An output that is an initializer or a graph input is not the run's own tensor: hand out a copy the
            // caller may close or keep.
            if (v instanceof Tensor t && (graph.initializers().get(o.name()) == t || isFed(o.name()))) v = t.copy();
            out.put(o.name(), v);
        }
        return out;
    }

    private boolean isFed(String name) {
        for (ValueInfo in : graph.inputs()) if (in.name().equals(name)) return true;
        return false;
    }
}
