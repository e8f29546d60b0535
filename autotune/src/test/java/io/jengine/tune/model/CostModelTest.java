package io.jengine.tune.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tactic;
import io.jengine.spi.Workload;
import io.jengine.tune.TestDevices;
import org.junit.jupiter.api.Test;

/** The model's shape: the effects it exists to rank by point the right way. */
class CostModelTest {
    private final CostModel model = new CostModel(TestDevices.avx2(), new Calibration());
    private final GemmProblem big = new GemmProblem(512, 3136, 576, 1, true, false, 1);

    /**
     * Compute dominates a large GEMM: above the micro-kernel's own time (its share of peak), and below twice that
     * once packing, tile stores and loads are added.
     */
    @Test
    void aComputeBoundGemmIsDominatedByTheMicroKernel() {
        double s = model.gemm(big, GemmTiling.parse("4x16.kc192.mc96.nc1024"), 1);
        double microKernel = big.flops() / (96e9 * 0.75);
        assertTrue(s > microKernel && s < 2 * microKernel, s + " s against " + microKernel + " s of micro-kernel");
    }

    @Test
    void aBPanelThatOverflowsL1CostsMore() {
        double fits = model.gemm(big, GemmTiling.parse("4x16.kc192.mc96.nc1024"), 1);
        double overflows = model.gemm(big, GemmTiling.parse("4x16.kc576.mc96.nc1024"), 1);
        assertTrue(overflows > fits, overflows + " vs " + fits);
    }

    @Test
    void anABlockThatOverflowsL2CostsMore() {
        GemmProblem p = new GemmProblem(2048, 64, 2048, 1, false, true, 1);
        double fits = model.gemm(p, GemmTiling.parse("4x16.kc256.mc256.nc64"), 1);
        double overflows = model.gemm(p, GemmTiling.parse("4x16.kc256.mc2048.nc64"), 1);
        assertTrue(overflows > fits, overflows + " vs " + fits);
    }

    @Test
    void morePackingAndMoreThreadsPointTheRightWay() {
        GemmTiling t = GemmTiling.parse("4x16.kc192.mc96.nc512");
        GemmProblem plain = new GemmProblem(64, 3136, 576, 1, true, false, 1);
        GemmProblem im2col = new GemmProblem(64, 3136, 576, 1, true, false, 3);
        assertTrue(model.gemm(im2col, t, 1) > model.gemm(plain, t, 1));
        assertTrue(model.gemm(plain, t, 2) < model.gemm(plain, t, 1));
        assertTrue(model.gemm(plain, t, 2) > model.gemm(plain, t, 1) / 2.5, "two cores are not more than twice one");
    }

    @Test
    void fixedKernelsAreRankedByWorkAndTheirKindsCalibratedEfficiency() {
        Calibration c = new Calibration();
        CostModel m = new CostModel(TestDevices.avx2(), c);
        Tactic direct = new Tactic("lib", "conv", () -> ctx -> {}).withWorkload(new Workload(4e8, 4e6));
        Tactic fewer = new Tactic("lib", "winograd", () -> ctx -> {}).withWorkload(new Workload(1.5e8, 8e6));
        double before = m.predict(fewer, 1);
        assertTrue(Double.isNaN(m.predict(new Tactic("x", "opaque", () -> ctx -> {}), 1)), "no workload, no prediction");
        // Measured at a twentieth of the roofline: the kind's later predictions follow.
        c.observe("lib:winograd", m.roofline(fewer.workload(), 1), 20 * m.roofline(fewer.workload(), 1));
        assertEquals(0.05, c.efficiency("lib:winograd"), 1e-12);
        assertEquals(20 * m.roofline(fewer.workload(), 1) + CostModel.callSeconds(), m.predict(fewer, 1), 1e-15);
        assertTrue(m.predict(fewer, 1) > before);
        assertTrue(m.predict(fewer, 1) > m.predict(direct, 1), "a slow kind loses despite fewer flops");
    }

    /** A tunable kind keeps its tilings' order but moves against other kinds by how far its measurements fell. */
    @Test
    void aTunableKindIsScaledByItsMeasuredSlowdownKeepingItsTilingsInOrder() {
        Calibration c = new Calibration();
        CostModel m = new CostModel(TestDevices.avx2(), c);
        GemmTiling good = GemmTiling.parse("4x16.kc192.mc96.nc1024"), bad = GemmTiling.parse("4x16.kc576.mc96.nc1024");
        Tactic a = tunable(good), b = tunable(bad);
        double rawA = m.gemmWork(big, good, 1), rawB = m.gemmWork(big, bad, 1);
        double call = CostModel.callSeconds();
        assertEquals(rawA + call, m.predict(a, 1), 1e-15, "unmeasured: the model's own figure");
        assertEquals(m.gemm(big, good, 1), m.predict(a, 1), 1e-15);
        c.observeTunable("simd:gemm", rawA, 1.5 * rawA);
        c.observeTunable("simd:gemm", rawB, 1.9 * rawB);
        c.observeTunable("simd:gemm", rawA, 1000 * rawA); // one wild run is bounded and outvoted
        assertEquals(1.9, c.slowdown("simd:gemm"), 1e-12);
        assertEquals(1.9 * rawA + call, m.predict(a, 1), 1e-15, "the call is not scaled: only the work is");
        assertTrue(m.predict(b, 1) > m.predict(a, 1), "the tilings keep their order");
        assertEquals(1, c.slowdown("other:gemm"), 0, "other kinds are untouched");
    }

    private Tactic tunable(GemmTiling tiling) {
        io.jengine.spi.Tunable t = new io.jengine.spi.Tunable() {
            @Override public GemmProblem problem() { return big; }
            @Override public GemmTiling tiling() { return tiling; }
            @Override public java.util.List<io.jengine.spi.Tunable.RegisterTile> registerTiles() {
                return java.util.List.of(new io.jengine.spi.Tunable.RegisterTile(4, 16));
            }
            @Override public Tactic with(GemmTiling other) { return tunable(other); }
        };
        return new Tactic("simd", "gemm", () -> ctx -> {}).withTunable(t);
    }
}
