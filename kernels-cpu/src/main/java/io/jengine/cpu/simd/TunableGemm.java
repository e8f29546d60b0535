package io.jengine.cpu.simd;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Kernel;
import io.jengine.spi.Tactic;
import io.jengine.spi.Tunable;
import io.jengine.spi.Workload;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A cpu-simd tactic that runs on the packed GEMM ({@link Sgemm}, {@link GemmConvolution}) and so lets the tuner choose
 * its cache blocks: the tactic is made for a {@link Blocking}, and {@link #with} makes it again for another. The
 * micro-kernel is fixed ({@link MicroKernel#MR} x {@link MicroKernel#NR}), so only kc, mc and nc vary.
 */
record TunableGemm(String backend, String kind, GemmProblem problem, Blocking blocking,
                   Function<Blocking, Supplier<Kernel>> prepare) implements Tunable {
    /** The tactic for the host's default blocking. */
    static Tactic tactic(String backend, String kind, GemmProblem problem, Function<Blocking, Supplier<Kernel>> prepare) {
        return new TunableGemm(backend, kind, problem, Blocking.host(), prepare).tactic();
    }

    Tactic tactic() {
        return new Tactic(backend, kind, prepare.apply(blocking))
                .withWorkload(new Workload(problem.flops(), problem.bytes()))
                .withTunable(this);
    }

    @Override
    public GemmTiling tiling() { return blocking.tiling(); }

    @Override
    public List<RegisterTile> registerTiles() { return List.of(new RegisterTile(MicroKernel.MR, MicroKernel.NR)); }

    @Override
    public Tactic with(GemmTiling tiling) {
        return new TunableGemm(backend, kind, problem, Blocking.of(tiling), prepare).tactic();
    }
}
