package io.jengine.opencl;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tactic;
import io.jengine.spi.Tunable;
import io.jengine.spi.Workload;
import java.util.List;
import java.util.function.Function;

/**
 * An OpenCL tactic on {@code gemm.cl}'s tiled kernels (GEMM, implicit-GEMM convolutions), made for one
 * {@link ClTiling} and again for any other the tuner constructs: the tuner sizes work-groups, register tiles and local
 * memory to the device ({@link io.jengine.spi.DeviceHardware}) and times the best few.
 */
record ClTunable(String kind, GemmProblem problem, ClTiling current, DeviceInfo device,
                 Function<ClTiling, ClOp> make) implements Tunable {
    /** The tactic with the device's default tiling; null when the device runs none. */
    static Tactic tactic(String kind, GemmProblem problem, DeviceInfo device, Function<ClTiling, ClOp> make) {
        ClTiling t = ClTiling.defaultFor(device);
        return t == null ? null : new ClTunable(kind, problem, t, device, make).tactic();
    }

    Tactic tactic() {
        return new Tactic(OpenClBackend.NAME, kind, () -> make.apply(current))
                .withWorkload(new Workload(problem.flops(), problem.bytes()))
                .withTunable(this);
    }

    @Override
    public GemmTiling tiling() { return current.gemm(); }

    @Override
    public List<RegisterTile> registerTiles() { return ClTiling.REGISTER_TILES; }

    @Override
    public Tactic with(GemmTiling tiling) {
        ClTiling t = ClTiling.of(tiling);
        String misfit = t.misfit(device);
        if (misfit != null) throw new IllegalArgumentException("tiling " + tiling.id() + " needs " + misfit);
        return new ClTunable(kind, problem, t, device, make).tactic();
    }
}
