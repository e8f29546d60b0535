package io.jengine.spi;

import java.util.function.Supplier;

/**
 * One way a backend can run a node (an im2col GEMM, a Winograd convolution, a oneDNN primitive, the reference
 * kernel ...). The planner chooses among the tactics every backend offers; a plan file stores the {@link #key()}, so
 * keys are stable across runs and versions: "backend:name", the name saying the kind and its fixed parameters.
 *
 * @param backend   the backend's {@link Backend#name()}
 * @param name      the tactic's name within its backend, e.g. "conv.winograd-f4x4"
 * @param prepare   makes the kernel: packs constant weights, builds native primitives; called once per plan
 * @param byDefault whether the planner's default rule may pick it; a backend offers a tactic it expects another
 *                  backend to beat on this node with {@code false}, so that it can still be forced or timed
 */
public record Tactic(String backend, String name, Supplier<Kernel> prepare, boolean byDefault) {
    /** A tactic the default rule may pick. */
    public Tactic(String backend, String name, Supplier<Kernel> prepare) {
        this(backend, name, prepare, true);
    }

    /** A tactic offered only to be forced or timed, not picked by the default rule. */
    public static Tactic onRequest(String backend, String name, Supplier<Kernel> prepare) {
        return new Tactic(backend, name, prepare, false);
    }

    public String key() { return backend + ":" + name; }

    @Override
    public String toString() { return key(); }
}
