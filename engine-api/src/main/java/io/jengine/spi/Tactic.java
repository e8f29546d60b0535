package io.jengine.spi;

import java.util.function.Supplier;

/**
 * One way a backend can run a node (an im2col GEMM, a Winograd convolution, a oneDNN primitive, the reference
 * kernel ...). The planner chooses among the tactics every backend offers; a plan file stores the {@link #key()}, so
 * keys are stable across runs and versions: "backend:name", the name saying the kind and its fixed parameters. A
 * tunable tactic's name ends in its tiling ({@code "gemm.packed-b@4x16.kc256.mc96.nc1024"}), so that a key names one
 * exact kernel.
 *
 * @param backend   the backend's {@link Backend#name()}
 * @param name      the tactic's name within its backend, e.g. "conv.winograd-f4x4"
 * @param prepare   makes the kernel: packs constant weights, builds native primitives; called once per plan
 * @param byDefault whether the planner's default rule may pick it; a backend offers a tactic it expects another
 *                  backend to beat on this node with {@code false}, so that it can still be forced or timed
 * @param workload  what it computes and moves, for the tuner's cost model; null when the backend does not say
 * @param tunable   its tiling parameters, when the tuner may choose them; null for a fixed kernel
 */
public record Tactic(String backend, String name, Supplier<Kernel> prepare, boolean byDefault, Workload workload,
                     Tunable tunable) {
    /** The separator between a tunable tactic's kind and its tiling in {@link #name()}. */
    public static final char TILING = '@';

    /** A tactic the default rule may pick. */
    public Tactic(String backend, String name, Supplier<Kernel> prepare) {
        this(backend, name, prepare, true);
    }

    public Tactic(String backend, String name, Supplier<Kernel> prepare, boolean byDefault) {
        this(backend, name, prepare, byDefault, null, null);
    }

    /** A tactic offered only to be forced or timed, not picked by the default rule. */
    public static Tactic onRequest(String backend, String name, Supplier<Kernel> prepare) {
        return new Tactic(backend, name, prepare, false);
    }

    /** This tactic with its work described for the cost model. */
    public Tactic withWorkload(Workload w) { return new Tactic(backend, name, prepare, byDefault, w, tunable); }

    /** This tactic with tunable tiling; its name gains the tiling it runs with. */
    public Tactic withTunable(Tunable t) {
        return new Tactic(backend, kind() + TILING + t.tiling().id(), prepare, byDefault, workload, t);
    }

    /** The name without a tiling: what {@code --tactic} may name to take the backend's own tiling. */
    public String kind() {
        int at = name.indexOf(TILING);
        return at < 0 ? name : name.substring(0, at);
    }

    public String key() { return backend + ":" + name; }

    @Override
    public String toString() { return key(); }
}
