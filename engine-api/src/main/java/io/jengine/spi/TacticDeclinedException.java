package io.jengine.spi;

/**
 * Thrown by a tactic's {@link Tactic#prepare()} when it finds, only once it builds its kernel, that it cannot run the
 * node well (a native library offers no kernel of the kind the tactic stands for, for these shapes). Unless the
 * tactic was forced, the planner moves on to the next candidate instead of failing the plan.
 */
public final class TacticDeclinedException extends RuntimeException {
    public TacticDeclinedException(String message) {
        super(message);
    }
}
