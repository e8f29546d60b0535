package io.jengine.spi;

import java.util.List;

/**
 * The tiling a tactic lets the tuner choose: the products it computes, the tiling it runs with now, the register
 * tiles its micro-kernels exist for, and the same tactic with another tiling. The tuner constructs candidate tilings
 * aligned to the device (vector width, cache sizes), ranks them with its cost model and times the best few.
 */
public interface Tunable {
    GemmProblem problem();

    /** The tiling this tactic runs with (the backend's default until the tuner picks another). */
    GemmTiling tiling();

    /** The register tiles the backend has micro-kernels for. */
    List<RegisterTile> registerTiles();

    /** This tactic with {@code tiling}; an IllegalArgumentException when the backend cannot run it. */
    Tactic with(GemmTiling tiling);

    /** An {@code mr x nr} micro-tile of C held in registers; nr a multiple of the vector length. */
    record RegisterTile(int mr, int nr) {}
}
