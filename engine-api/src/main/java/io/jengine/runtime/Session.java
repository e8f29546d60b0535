package io.jengine.runtime;

import io.jengine.tensor.Value;
import java.util.Map;

/**
 * A caller's handle on an {@link Engine}. Holding one per thread is the usual pattern; the engine itself is shared.
 * Closing a session never affects the engine or other sessions.
 */
public final class Session implements AutoCloseable {
    private final Engine engine;
    private boolean closed;

    Session(Engine engine) { this.engine = engine; }

    /** Runs the model; see {@link Engine#run(Map)}. */
    public Map<String, Value> run(Map<String, ? extends Value> inputs) {
        if (closed) throw new IllegalStateException("session is closed");
        return engine.run(inputs);
    }

    public Engine engine() { return engine; }

    @Override
    public void close() { closed = true; }
}
