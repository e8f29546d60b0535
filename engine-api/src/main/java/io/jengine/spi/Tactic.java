package io.jengine.spi;

import java.util.function.Supplier;

/**
 * One way a backend can run a node (an im2col GEMM, a Winograd convolution, a oneDNN primitive, the reference
 * kernel ...). The planner chooses among the tactics every backend offers; a plan file stores the {@link #key()}, so
 * keys are stable across runs and versions: "backend:name", the name saying the kind and its fixed parameters.
 *
 * @param backend the backend's {@link Backend#name()}
 * @param name    the tactic's name within its backend, e.g. "conv.winograd-f4x4"
 * @param prepare makes the kernel: packs constant weights, builds native primitives; called once per plan
 */
public record Tactic(String backend, String name, Supplier<Kernel> prepare) {
    public String key() { return backend + ":" + name; }

    @Override
    public String toString() { return key(); }
}
