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

    InputBinder(Graph graph) { this.graph = graph; }

    void bind(Map<String, ? extends Value> feeds, Frame frame) {
        Set<String> initializers = graph.initializers().keySet();
        for (String name : feeds.keySet()) {
            if (graph.inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw new InvalidInputException("unknown input '" + name + "'; the model's inputs are "
                        + graph.runtimeInputs().stream().map(ValueInfo::name).toList());
            }
        }
        Map<String, Long> symbols = new HashMap<>();
        for (ValueInfo in : graph.inputs()) {
            Value v = feeds.get(in.name());
            if (v == null) {
                if (initializers.contains(in.name())) continue;
                throw new InvalidInputException("missing input '" + in.name() + "' (expected "
                        + (in.type() == null ? "a value" : in.type()) + ")");
            }
            check(in, v, symbols);
            frame.put(in.name(), v);
        }
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

    Map<String, Value> collectOutputs(Frame frame) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (ValueInfo o : graph.outputs()) {
            Value v = frame.lookup(o.name());
            if (v == null) throw new IllegalStateException("output '" + o.name() + "' was not computed");
            // An output that is an initializer is the engine's own tensor: hand out a copy the caller may close.
            if (v instanceof Tensor t && graph.initializers().get(o.name()) == t) v = t.copy();
            out.put(o.name(), v);
        }
        return out;
    }
}
