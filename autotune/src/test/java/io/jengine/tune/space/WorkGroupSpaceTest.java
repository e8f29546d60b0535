package io.jengine.tune.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.DeviceHardware;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tactic;
import io.jengine.spi.Tunable;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The work-group space: whole warps within the group limit, staged blocks that leave room for a second group. */
class WorkGroupSpaceTest {
    /** An H100's figures as OpenCL reports them: 132 compute units, warps of 32, groups of 1024, 48 KiB local. */
    static final DeviceHardware H100 = new DeviceHardware(132, 32, 1024, 48 << 10, 51_000, 3_000, 5e-6, 2e-8, 25, 1e-5);
    /** PoCL on two CPU cores: work-groups of up to 4096, vectorised 8 wide, local memory the size of a cache. */
    static final DeviceHardware POCL = new DeviceHardware(2, 8, 4096, 256 << 10, 100, 20, 2e-5, 2e-6, 10, 2e-5);

    static Tunable tunable(int m, int n, int k, int batch) {
        GemmTiling own = new GemmTiling(4, 4, 16, 64, 64);
        return new Tunable() {
            @Override
            public GemmProblem problem() { return new GemmProblem(m, n, k, batch, true, true, 0); }

            @Override
            public GemmTiling tiling() { return own; }

            @Override
            public List<RegisterTile> registerTiles() {
                return List.of(new RegisterTile(1, 1), new RegisterTile(2, 2), new RegisterTile(4, 4),
                        new RegisterTile(4, 8), new RegisterTile(8, 8));
            }

            @Override
            public Tactic with(GemmTiling t) { throw new UnsupportedOperationException(); }
        };
    }

    /** ResNet-50's convolutions as GEMMs (batch 1 and 32), BERT's projections, a square SGEMM. */
    @ParameterizedTest(name = "m {0} n {1} k {2}")
    @CsvSource({"64, 12544, 147", "64, 3136, 576", "2048, 49, 512", "512, 1568, 4608", "1000, 32, 2048",
            "256, 4096, 256", "4096, 4096, 4096", "8, 7, 5"})
    void constructsCandidatesOfWholeWarpsThatFitTheDevice(int m, int n, int k) {
        for (DeviceHardware hw : List.of(H100, POCL)) {
            List<GemmTiling> space = WorkGroupSpace.construct(tunable(m, n, k, 1), hw);
            // a tiny product has few tiles that are not mostly padding; a layer-sized one has many
            int least = m >= 64 && n >= 32 ? 20 : 3;
            assertTrue(space.size() >= least, "only " + space.size() + " candidates: " + space);
            assertEquals(space.size(), new HashSet<>(space).size(), "duplicates in " + space);
            for (GemmTiling t : space.subList(1, space.size())) {
                int items = (t.mc() / t.mr()) * (t.nc() / t.nr());
                assertEquals(0, items % hw.simdWidth(), "not whole warps: " + t.id());
                assertTrue(items <= hw.maxWorkGroupSize(), "a group over the limit: " + t.id());
                assertTrue(4L * t.kc() * (t.mc() + t.nc()) <= hw.localMemBytes() / 2, "no room for a second group: "
                        + t.id());
                boolean mSideOne = t.mc() == t.mr(), nSideOne = t.nc() == t.nr();
                assertTrue(mSideOne || t.mc() < 2 * Math.ceilDiv(m, t.mr()) * t.mr(), "rows mostly padding: " + t.id());
                assertTrue(nSideOne || t.nc() < 2 * Math.ceilDiv(n, t.nr()) * t.nr(), "columns mostly padding: " + t.id());
            }
        }
    }
}
