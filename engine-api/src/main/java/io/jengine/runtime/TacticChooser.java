package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.spi.Backend;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the tactic that runs a node: the one the options force for the node's name or op type, else the first
 * tactic of the highest-priority backend that offers one it recommends ({@link Tactic#byDefault}; each backend orders
 * its own best first), else the first tactic offered at all. Timing the candidates is the tuner's job; this rule is
 * what a plan falls back to without one.
 */
public final class TacticChooser {
    private TacticChooser() {}

    /**
     * The tactics the plan chooses among for the node, backends in priority order: every backend's, except that on a
     * device ({@link Backends#device()}) a node its backend runs is the device's alone, the host's backends taking
     * only the nodes it declines (a partition is not split by timing one layer against another), unless the device's
     * backend shares layers with the host ({@link io.jengine.spi.Backend#sharesLayersWithHost}).
     */
    public static List<Tactic> candidates(NodeContext ctx, Backends backends) {
        List<Tactic> all = everything(ctx, backends);
        if (backends.device() == null || backends.ordered().getFirst().sharesLayersWithHost()) return all;
        List<Tactic> onDevice = all.stream().filter(t -> t.backend().equals(backends.ordered().getFirst().name()))
                .toList();
        return onDevice.isEmpty() ? all : onDevice;
    }

    private static List<Tactic> everything(NodeContext ctx, Backends backends) {
        List<Tactic> all = new ArrayList<>();
        for (Backend b : backends.ordered()) all.addAll(b.tactics(ctx));
        return all;
    }

    /**
     * The chosen tactic, or null when no backend can run the node. {@code concrete}: the plan is for concrete input
     * shapes. A plan for dynamic shapes (compiled at load to validate the model) ignores a forced tactic that needs
     * concrete shapes; the plan made for the shapes a run brings enforces it.
     */
    static Tactic choose(NodeContext ctx, Backends backends, EngineOptions options, boolean concrete) {
        List<Tactic> ranked = ranked(ctx, backends, options, concrete);
        return ranked.isEmpty() ? null : ranked.getFirst();
    }

    /**
     * The tactics to try, best first: the forced one alone, or those the default rule may pick (in backend priority
     * order), then the rest; the planner takes the first whose kernel it can prepare
     * ({@link io.jengine.spi.TacticDeclinedException}).
     */
    public static List<Tactic> ranked(NodeContext ctx, Backends backends, EngineOptions options, boolean concrete) {
        List<Tactic> all = candidates(ctx, backends);
        String forced = options.tactics().get(ctx.node().name());
        if (forced == null) forced = options.tactics().get(ctx.node().opType());
        if (forced != null) {
            // a forced tactic may take a node off the device
            Tactic t = forced(everything(ctx, backends), forced, ctx);
            if (t != null) return List.of(t);
            if (concrete) {
                throw new EngineException("tactic '" + forced + "' was asked for node " + ctx.node().label()
                        + ", which offers " + all.stream().map(Tactic::key).toList());
            }
        }
        List<Tactic> ranked = byDefaultFirst(all);
        String preferred = options.preferred().get(ctx.node().name());
        if (preferred != null) {
            Tactic p;
            try {
                p = forced(all, preferred, ctx);
            } catch (EngineException notRunnable) {
                p = null; // a stored choice this node cannot take here: the default rule decides
            }
            if (p != null) {
                List<Tactic> first = new ArrayList<>(ranked.size() + 1);
                first.add(p);
                for (Tactic t : ranked) if (!t.key().equals(p.key())) first.add(t);
                return first;
            }
        }
        return ranked;
    }

    /** The tactics the default rule may pick (in the order offered), then the rest. */
    public static List<Tactic> byDefaultFirst(List<Tactic> all) {
        List<Tactic> ranked = new ArrayList<>(all.size());
        for (Tactic t : all) {
            if (t.byDefault()) ranked.add(t);
        }
        for (Tactic t : all) {
            if (!t.byDefault()) ranked.add(t);
        }
        return ranked;
    }

    /**
     * The tactic {@code forced} names among those offered: by its exact name or key, else by its kind with a tiling
     * ({@code gemm.packed-b@4x16.kc256.mc96.nc1024}, as tuned plans store it), else by its kind alone (the backend's
     * own tiling); null when none matches.
     */
    private static Tactic forced(List<Tactic> all, String forced, NodeContext ctx) {
        for (Tactic t : all) {
            if (t.name().equals(forced) || t.key().equals(forced)) return t;
        }
        int at = forced.indexOf(Tactic.TILING);
        String kind = at < 0 ? forced : forced.substring(0, at);
        for (Tactic t : all) {
            if (!t.kind().equals(kind) && !(t.backend() + ":" + t.kind()).equals(kind)) continue;
            if (at < 0) return t;
            if (t.tunable() == null) {
                throw new EngineException("tactic '" + forced + "' was asked for node " + ctx.node().label() + ", but "
                        + t.key() + " takes no tiling");
            }
            try {
                return t.tunable().with(GemmTiling.parse(forced.substring(at + 1)));
            } catch (IllegalArgumentException e) {
                throw new EngineException("tactic '" + forced + "' for node " + ctx.node().label() + ": " + e.getMessage());
            }
        }
        return null;
    }
}
