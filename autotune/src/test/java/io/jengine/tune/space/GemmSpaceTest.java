package io.jengine.tune.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tactic;
import io.jengine.spi.Tunable;
import io.jengine.tune.TestDevices;
import io.jengine.tune.device.DeviceDescription;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The constructed space: big enough for ranking to matter, every candidate aligned and fitting its cache level. */
class GemmSpaceTest {
    private static Tunable tunable(int m, int n, int k) {
        GemmTiling own = new GemmTiling(4, 16, 256, 96, 1024);
        return new Tunable() {
            @Override
            public GemmProblem problem() { return new GemmProblem(m, n, k, 1, false, true, 1); }

            @Override
            public GemmTiling tiling() { return own; }

            @Override
            public List<RegisterTile> registerTiles() { return List.of(new RegisterTile(4, 16)); }

            @Override
            public Tactic with(GemmTiling t) { throw new UnsupportedOperationException(); }
        };
    }

    /** BERT's projections and feed-forward layers, ResNet's convolutions as GEMMs, its classifier. */
    @ParameterizedTest(name = "m {0} n {1} k {2}")
    @CsvSource({"128, 256, 256", "128, 1024, 256", "128, 256, 1024", "64, 3136, 576", "256, 3136, 64",
            "2048, 49, 512", "512, 49, 4608", "1, 1000, 2048", "1000, 1, 2048"})
    void constructsAtLeastThirtyAlignedCandidatesThatFit(int m, int n, int k) {
        DeviceDescription d = TestDevices.avx2();
        List<GemmTiling> space = GemmSpace.construct(tunable(m, n, k), d);
        assertTrue(space.size() >= 30, "only " + space.size() + " candidates: " + space);
        assertEquals(space.size(), new HashSet<>(space).size(), "duplicates in " + space);
        for (GemmTiling t : space.subList(1, space.size())) {
            assertEquals(0, t.mc() % t.mr(), t.id());
            assertEquals(0, t.nc() % t.nr(), t.id());
            assertTrue(t.kc() % 16 == 0, "kc not a whole number of cache lines: " + t.id());
            assertTrue(4L * t.kc() * t.nr() <= d.l1dBytes() / 2, "B micro-panel overflows half of L1: " + t.id());
            assertTrue(4L * t.mc() * t.kc() <= d.l2Bytes(), "A block overflows L2: " + t.id());
            assertTrue(t.kc() <= Math.ceilDiv(k, 16) * 16 && t.mc() <= Math.ceilDiv(m, 4) * 4
                    && t.nc() <= Math.ceilDiv(n, 16) * 16, "a block larger than its padded dimension: " + t.id());
        }
    }
}
