package io.jengine.runtime;

import io.jengine.tensor.Value;
import java.util.HashMap;
import java.util.Map;

/** The values of one run of one graph; a sub-graph's frame reads names it does not define from its parent's. */
final class Frame {
    private final Frame parent;
    private final RunObserver observer;
    private final Map<String, Value> values = new HashMap<>();

    /** A sub-graph frame: reads through to {@code parent} and reports to its observer. */
    Frame(Frame parent) {
        this.parent = parent;
        this.observer = parent == null ? null : parent.observer;
    }

    /** A root frame; {@code observer} may be null. */
    Frame(RunObserver observer) {
        this.parent = null;
        this.observer = observer;
    }

    RunObserver observer() { return observer; }

    Value lookup(String name) {
        for (Frame f = this; f != null; f = f.parent) {
            Value v = f.values.get(name);
            if (v != null) return v;
        }
        return null;
    }

    void put(String name, Value v) { values.put(name, v); }

    void drop(String name) { values.remove(name); }
}
