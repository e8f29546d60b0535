package io.jengine.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.EngineOptions;
import io.jengine.runtime.EngineVersion;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import io.jengine.tune.cache.TimingCache;
import io.jengine.tune.device.DeviceDescription;
import io.jengine.tune.measure.Measurer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuner on real backends: what it times at each level, layers with one signature tuned once, the cache reused. */
public class TunerTest {
    private static final Measurer QUICK = new Measurer(0.001, 0.002, 0.02, 3, 20, 5);

    /** Two projections with the same shapes (one signature) and a third with others. */
    public static Graph projections() {
        Random r = new Random(1);
        Graph.Builder b = Graph.builder("mlp").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, new long[] {24, 128})));
        String in = "x";
        // wide enough for a constructed space of 30 tilings with 16-lane (AVX-512) vectors as with 8-lane ones
        int[] widths = {128, 128, 80};
        for (int i = 0; i < widths.length; i++) {
            float[] w = new float[128 * widths[i]];
            for (int j = 0; j < w.length; j++) w[j] = r.nextFloat() - 0.5f;
            b.initializer("w" + i, Tensor.ofFloats(new long[] {128, widths[i]}, w));
            String out = i == widths.length - 1 ? "y" : "h" + i;
            b.addNode(Node.builder("MatMul").name("proj" + i).inputs(in, "w" + i).outputs(out).build());
            b.valueInfo(new ValueInfo(out, ValueType.tensor(DType.FLOAT32, new long[] {24, widths[i]})));
            in = out;
        }
        return b.addOutput(new ValueInfo("y", null)).build();
    }

    private static TuningReport tune(int level, TimingCache cache) {
        Tuner t = new Tuner(TestDevices.avx2(), cache, new TuneOptions(level, 3), Backends.discover(),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        return t.tune(projections(), EngineOptions.defaults().withThreads(1));
    }

    /** Level 2 with the {@link #spread} backend, whose layers have two candidates in reach. */
    private static TuningReport tuneSpread(TimingCache cache) {
        Tuner t = new Tuner(TestDevices.avx2(), cache, new TuneOptions(2, 3), Backends.of(spread()),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        return t.tune(projections(), EngineOptions.defaults().withThreads(1));
    }

    private static TimingCache memory() { return TimingCache.inMemory("test", EngineVersion.VERSION); }

    @Test
    void levelTwoTimesTheModelsTopKAndTheDefaultAndTunesASignatureOnce() {
        TuningReport r = tune(2, memory());
        assertEquals(3, r.layers().size());
        LayerTuning first = r.layers().get(0), second = r.layers().get(1);
        assertEquals("proj0", second.sharedWith(), "proj1 has proj0's signature");
        assertEquals(first.chosen(), second.chosen());
        for (LayerTuning l : java.util.List.of(first, r.layers().get(2))) {
            // the model's top 3, less those predicted out of reach of its best, at most two tilings of one kernel,
            // and the default
            java.util.List<Candidate> ranked = l.candidates().stream()
                    .sorted(java.util.Comparator.comparingDouble(Candidate::predictedMs)).toList();
            double bestPredicted = ranked.getFirst().predictedMs();
            java.util.Set<String> expectTimed = new java.util.HashSet<>();
            java.util.Map<String, Integer> tilings = new java.util.HashMap<>();
            for (Candidate c : ranked.subList(0, 3)) {
                boolean tiling = c.key().indexOf(io.jengine.spi.Tactic.TILING) >= 0;
                if (tiling && tilings.merge(c.key().substring(0, c.key().indexOf(io.jengine.spi.Tactic.TILING)), 1, Integer::sum)
                        > Tuner.TILINGS_PER_KERNEL) continue;
                if (c.predictedMs() <= Tuner.OUT_OF_REACH * bestPredicted) expectTimed.add(c.key());
            }
            expectTimed.add(l.defaultKey());
            if (expectTimed.size() == 1) expectTimed.clear(); // only the default in reach: no choice, nothing timed
            java.util.Set<String> timed = new java.util.HashSet<>();
            l.candidates().stream().filter(Candidate::timed).forEach(c -> timed.add(c.key()));
            // a tiling predicted beyond the time measured before it is left untimed
            double fastest = l.candidates().stream().filter(Candidate::timed).mapToDouble(Candidate::measuredMs)
                    .min().orElse(Double.POSITIVE_INFINITY);
            expectTimed.removeIf(k -> !timed.contains(k) && k.indexOf(io.jengine.spi.Tactic.TILING) >= 0 && l.candidates().stream()
                    .anyMatch(c -> c.key().equals(k) && c.predictedMs() > Tuner.BEYOND_MEASURED * fastest));
            assertEquals(expectTimed, timed, l.layer());
            assertTrue(l.candidates().size() >= 30, l.layer() + " has " + l.candidates().size() + " candidates");
            if (timed.isEmpty()) {
                assertEquals(l.defaultKey(), l.chosen(), "an untimed layer keeps the default");
                continue;
            }
            Candidate best = l.candidates().stream().filter(Candidate::timed)
                    .min(java.util.Comparator.comparingDouble(Candidate::measuredMs)).orElseThrow();
            Candidate def = l.candidates().stream().filter(c -> c.key().equals(l.defaultKey())).findFirst().orElseThrow();
            String expected = best.measuredMs() <= 0.9 * def.measuredMs() ? best.key() : def.key();
            assertEquals(expected, l.chosen(), "the fastest measured is chosen when it beats the default by 10%");
            assertTrue(l.candidates().stream().anyMatch(c -> c.key().equals(l.defaultKey()) && c.timed()),
                    "the default is timed too");
        }
        assertEquals(r.timed(), r.layers().get(0).candidates().stream().filter(Candidate::timed).count()
                + r.layers().get(2).candidates().stream().filter(Candidate::timed).count());
    }

    @Test
    void levelZeroTimesNothingAndLevelThreeTimesEverything() {
        TuningReport zero = tune(0, memory());
        assertEquals(0, zero.timed());
        assertTrue(zero.layers().stream().allMatch(l -> l.candidates().stream().noneMatch(Candidate::timed)));
        TuningReport three = tune(3, memory());
        LayerTuning l = three.layers().get(2);
        assertEquals(l.candidates().size(), l.candidates().stream().filter(c -> c.timed() || c.failure() != null).count());
    }

    /** Three tactics whose workloads put them at 1, 1.2 and 3 times the best prediction; their kernels do nothing. */
    private static io.jengine.spi.Backend spread() {
        return new io.jengine.spi.Backend() {
            @Override public String name() { return "spread"; }
            @Override public int priority() { return 100; }
            @Override public java.util.List<io.jengine.spi.Tactic> tactics(io.jengine.spi.NodeContext node) {
                if (!node.node().opType().equals("MatMul")) return java.util.List.of();
                return java.util.List.of(tactic("best", 1e9, true), tactic("near", 1.2e9, false), tactic("far", 3e9, false));
            }
        };
    }

    private static io.jengine.spi.Tactic tactic(String name, double flops, boolean byDefault) {
        io.jengine.spi.Kernel k = ctx -> ctx.output(0, DType.FLOAT32, ctx.tensor(0).dim(0), ctx.tensor(1).dim(1));
        return new io.jengine.spi.Tactic("spread", name, () -> k, byDefault)
                .withWorkload(new io.jengine.spi.Workload(flops, 1e3));
    }

    /** A device whose hardware answers {@code hw} (or throws where it is null), with memory that does nothing. */
    private static io.jengine.spi.Device device(io.jengine.spi.DeviceHardware hw) {
        return new io.jengine.spi.Device() {
            @Override public String name() { return "gpu:0"; }
            @Override public String description() { return "a test device"; }
            @Override public io.jengine.spi.DeviceHardware hardware() {
                if (hw == null) throw new IllegalStateException("the driver is gone");
                return hw;
            }
            @Override public io.jengine.spi.DeviceMemory openMemory() {
                return new io.jengine.spi.DeviceMemory() {
                    @Override public void attachArena(java.lang.foreign.MemorySegment arena) {}
                    @Override public void toDevice(Tensor t) {}
                    @Override public void constantToDevice(Tensor t) {}
                    @Override public void toHost(Tensor t) {}
                    @Override public void finish() {}
                    @Override public void endRun() {}
                    @Override public void close() {}
                };
            }
        };
    }

    /** A backend bound to {@code d} offering one tunable tactic per MatMul, as the OpenCL backend does. */
    private static io.jengine.spi.Backend onDevice(io.jengine.spi.Device d) { return onDevice(d, ""); }

    /** As {@link #onDevice(io.jengine.spi.Device)}, declining the node named {@code declined}. */
    private static io.jengine.spi.Backend onDevice(io.jengine.spi.Device d, String declined) {
        io.jengine.spi.Kernel k = ctx -> ctx.output(0, DType.FLOAT32, ctx.tensor(0).dim(0), ctx.tensor(1).dim(1));
        return new io.jengine.spi.Backend() {
            @Override public String name() { return "gpu"; }
            @Override public int priority() { return 100; }
            @Override public io.jengine.spi.Device device() { return d; }
            @Override public java.util.List<io.jengine.spi.Tactic> tactics(io.jengine.spi.NodeContext node) {
                if (!node.node().opType().equals("MatMul") || node.node().name().equals(declined)) return java.util.List.of();
                io.jengine.spi.GemmProblem p = new io.jengine.spi.GemmProblem(24, 128, 128, 1, true, true, 0);
                return java.util.List.of(tiled(p, new io.jengine.spi.GemmTiling(4, 4, 16, 64, 64), k));
            }
        };
    }

    private static io.jengine.spi.Tactic tiled(io.jengine.spi.GemmProblem p, io.jengine.spi.GemmTiling tiling,
                                               io.jengine.spi.Kernel k) {
        io.jengine.spi.Tunable t = new io.jengine.spi.Tunable() {
            @Override public io.jengine.spi.GemmProblem problem() { return p; }
            @Override public io.jengine.spi.GemmTiling tiling() { return tiling; }
            @Override public java.util.List<RegisterTile> registerTiles() {
                return java.util.List.of(new RegisterTile(2, 2), new RegisterTile(4, 4));
            }
            @Override public io.jengine.spi.Tactic with(io.jengine.spi.GemmTiling other) { return tiled(p, other, k); }
        };
        return new io.jengine.spi.Tactic("gpu", "gemm", () -> k).withTunable(t);
    }

    /**
     * A device tactic's tilings are constructed for the device's hardware and ranked by its model; a device that
     * cannot be measured keeps its kernel's own tiling (no tuning, a warning), and the build goes on.
     */
    @Test
    void deviceTilingsFollowTheDevicesHardwareAndAnUnmeasurableDeviceKeepsItsOwn() {
        io.jengine.spi.DeviceHardware gpu = new io.jengine.spi.DeviceHardware(16, 32, 1024, 48 << 10, 10_000, 500, 5e-6,
                1e-8, 25, 1e-5);
        Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(2, 3), Backends.of(onDevice(device(gpu))),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        TuningReport r = t.tune(projections(), EngineOptions.defaults().withThreads(1));
        LayerTuning l = r.layers().getFirst();
        assertTrue(l.candidates().size() > 20, "a constructed space: " + l.candidates().size());
        for (Candidate c : l.candidates()) {
            io.jengine.spi.GemmTiling tiling = io.jengine.spi.GemmTiling.parse(c.key().substring(c.key().indexOf('@') + 1));
            int items = (tiling.mc() / tiling.mr()) * (tiling.nc() / tiling.nr());
            assertTrue(items % 32 == 0 || c.key().endsWith("4x4.kc16.mc64.nc64"), "whole warps: " + c.key());
        }
        // the model's top 3 and the default are timed, not the host's two tilings per kind
        long timed = l.candidates().stream().filter(Candidate::timed).count();
        assertTrue(timed >= 3 && timed <= 4, timed + " timed");

        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Tuner broken = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(2, 3), Backends.of(onDevice(device(null))),
                new PrintStream(progress), QUICK);
        TuningReport none = broken.tune(projections(), EngineOptions.defaults().withThreads(1));
        assertTrue(none.layers().isEmpty(), "one candidate per layer: nothing to tune " + none.layers());
        assertTrue(progress.toString().contains("gpu:0 could not be measured (the driver is gone)"), progress.toString());
    }

    /**
     * The layers a plan on the device would put back on the host (their copies outweigh their work) are not tuned on
     * the device: proj1 runs on the host, so proj0 and proj2 are islands of their own; over a link of a second per
     * copy both go back to the host, over a fast one both stay and are tuned.
     */
    @Test
    void layersThePlanPutsBackOnTheHostAreNotTunedOnTheDevice() {
        EngineOptions options = EngineOptions.defaults().withThreads(1)
                .withHost(new io.jengine.runtime.HostSpeed(100, 20, 1e-6));
        for (double linkSeconds : new double[] {1, 1e-9}) {
            io.jengine.spi.DeviceHardware gpu = new io.jengine.spi.DeviceHardware(16, 32, 1024, 48 << 10, 10_000, 500,
                    5e-6, 1e-8, 1e6, linkSeconds);
            Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(2, 3),
                    Backends.of(onDevice(device(gpu), "proj1"), spread()), new PrintStream(new ByteArrayOutputStream()),
                    QUICK);
            java.util.Set<String> tuned = new java.util.TreeSet<>();
            t.tune(projections(), options).layers().forEach(l -> tuned.add(l.layer()));
            assertEquals(linkSeconds == 1 ? java.util.Set.of("proj1") : java.util.Set.of("proj0", "proj1", "proj2"), tuned,
                    "link " + linkSeconds + " s a copy");
        }
    }

    /** Level 3 with a sample of the rest: the model's top K, the default and that many of the others, no more. */
    @Test
    void aSampleOfTheRestIsTimedBeyondTheTopK() {
        io.jengine.spi.DeviceHardware gpu = new io.jengine.spi.DeviceHardware(16, 32, 1024, 48 << 10, 10_000, 500, 5e-6,
                1e-8, 25, 1e-5);
        Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(3, 3, 1, 5), Backends.of(onDevice(device(gpu))),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        LayerTuning l = t.tune(projections(), EngineOptions.defaults().withThreads(1)).layers().getFirst();
        assertTrue(l.candidates().size() > 20, "a constructed space: " + l.candidates().size());
        java.util.List<Candidate> c = l.candidates();
        for (int i = 0; i < 3; i++) assertTrue(c.get(i).timed(), "the top 3 are timed: " + c.get(i).key());
        long beyond = java.util.stream.IntStream.range(3, c.size())
                .filter(i -> c.get(i).timed() && !c.get(i).key().equals(l.defaultKey())).count();
        assertEquals(5, beyond, "five of the rest besides the default");
    }

    @Test
    void theChosenKernelsGoToThePlanInsteadOfBeingPreparedAgain() {
        java.util.concurrent.atomic.AtomicInteger prepares = new java.util.concurrent.atomic.AtomicInteger(),
                closes = new java.util.concurrent.atomic.AtomicInteger();
        io.jengine.spi.Backend counted = new io.jengine.spi.Backend() {
            @Override public String name() { return "spread"; }
            @Override public int priority() { return 100; }
            @Override public java.util.List<io.jengine.spi.Tactic> tactics(io.jengine.spi.NodeContext node) {
                if (!node.node().opType().equals("MatMul")) return java.util.List.of();
                return java.util.List.of(counting("best", 1e9, true, prepares, closes),
                        counting("near", 1.2e9, false, prepares, closes));
            }
        };
        Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(2, 3), Backends.of(counted),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        Graph g = projections();
        EngineOptions options = EngineOptions.defaults().withThreads(1);
        try (TunedKernels kept = new TunedKernels()) {
            TuningReport r = t.tune(g, options, kept);
            // proj0 and proj2 were timed (proj1 shares proj0's signature): one kernel kept for each, the rest freed
            assertEquals(2, kept.size());
            int byTuner = prepares.get();
            assertEquals(byTuner - 2, closes.get(), "every timed kernel but the two kept is freed at once");
            var model = new io.jengine.ir.Model(8, "t", "", g, java.util.Map.of());
            try (var engine = io.jengine.runtime.Engine.of(model, Backends.of(counted),
                    options.withPreferred(r.choices()).withPrepared(kept))) {
                assertEquals(0, kept.size(), "the plan took both");
                assertEquals(byTuner + 1, prepares.get(), "only proj1 is prepared by the plan");
                assertEquals(3, engine.placement().size());
            }
        }
    }

    private static io.jengine.spi.Tactic counting(String name, double flops, boolean byDefault,
                                                  java.util.concurrent.atomic.AtomicInteger prepares,
                                                  java.util.concurrent.atomic.AtomicInteger closes) {
        return new io.jengine.spi.Tactic("spread", name, () -> {
            prepares.incrementAndGet();
            return new io.jengine.spi.Kernel() {
                @Override
                public void run(io.jengine.spi.KernelContext ctx) {
                    ctx.output(0, DType.FLOAT32, ctx.tensor(0).dim(0), ctx.tensor(1).dim(1));
                }

                @Override
                public void close() { closes.incrementAndGet(); }
            };
        }, byDefault).withWorkload(new io.jengine.spi.Workload(flops, 1e3));
    }

    @Test
    void candidatesOutOfTheModelsReachAreTimedOnlyAtLevelThree() {
        for (int level : new int[] {2, 3}) {
            Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(level, 3), Backends.of(spread()),
                    new PrintStream(new ByteArrayOutputStream()), QUICK);
            LayerTuning l = t.tune(projections(), EngineOptions.defaults().withThreads(1)).layers().getFirst();
            java.util.Set<String> timed = new java.util.TreeSet<>();
            l.candidates().stream().filter(Candidate::timed).forEach(c -> timed.add(c.key()));
            assertEquals(level == 2 ? java.util.Set.of("spread:best", "spread:near")
                    : java.util.Set.of("spread:best", "spread:near", "spread:far"), timed, "level " + level);
        }
    }

    @Test
    void aSampledLevelThreeTimesEveryCandidateOfEveryNthLayerOnly() {
        Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(3, 3, 2, 0), Backends.of(spread()),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        java.util.List<LayerTuning> layers = t.tune(projections(), EngineOptions.defaults().withThreads(1)).layers();
        java.util.Map<String, java.util.Set<String>> timed = new java.util.TreeMap<>();
        for (LayerTuning l : layers) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            l.candidates().stream().filter(Candidate::timed).forEach(c -> keys.add(c.key()));
            timed.put(l.layer(), keys);
        }
        // proj0 (and proj1, its signature) is the sample's first layer: all three; proj2 the next: its reach only
        assertEquals(java.util.Set.of("spread:best", "spread:near", "spread:far"), timed.get("proj0"));
        assertEquals(java.util.Set.of("spread:best", "spread:near"), timed.get("proj2"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TuneOptions(3, 3, 0, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TuneOptions(3, 3, 1, -1));
    }

    @Test
    void aLayerWithOnlyTheDefaultInReachIsNotTimedBelowLevelThree() {
        io.jengine.spi.Backend lone = new io.jengine.spi.Backend() {
            @Override public String name() { return "spread"; }
            @Override public int priority() { return 100; }
            @Override public java.util.List<io.jengine.spi.Tactic> tactics(io.jengine.spi.NodeContext node) {
                if (!node.node().opType().equals("MatMul")) return java.util.List.of();
                return java.util.List.of(tactic("best", 1e9, true), tactic("far", 3e9, false));
            }
        };
        for (int level : new int[] {1, 2, 3}) {
            Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(level, 3), Backends.of(lone),
                    new PrintStream(new ByteArrayOutputStream()), QUICK);
            TuningReport r = t.tune(projections(), EngineOptions.defaults().withThreads(1));
            LayerTuning l = r.layers().getFirst();
            // at level 3 both are timed, and kernels that do nothing may come out either way
            if (level < 3) assertEquals("spread:best", l.chosen(), "level " + level);
            assertEquals(level == 3 ? 2 : 0, l.candidates().stream().filter(Candidate::timed).count(), "level " + level);
        }
    }

    /**
     * Level 3 times each candidate in three passes and keeps its best: "drifting" runs ten times slower in its first
     * pass, as on a machine that was busy then, and its best pass, not its first, decides against "steady".
     */
    @Test
    void levelThreeKeepsEachCandidatesBestOfThreePasses() {
        java.util.concurrent.atomic.AtomicInteger prepares = new java.util.concurrent.atomic.AtomicInteger(),
                closes = new java.util.concurrent.atomic.AtomicInteger(),
                driftingPrepares = new java.util.concurrent.atomic.AtomicInteger();
        io.jengine.spi.Backend drift = new io.jengine.spi.Backend() {
            @Override public String name() { return "spread"; }
            @Override public int priority() { return 100; }
            @Override public java.util.List<io.jengine.spi.Tactic> tactics(io.jengine.spi.NodeContext node) {
                if (!node.node().opType().equals("MatMul")) return java.util.List.of();
                return java.util.List.of(
                        spinning("steady", true, () -> 1.0, prepares, closes),
                        spinning("drifting", false, () -> driftingPrepares.incrementAndGet() == 1 ? 4.0 : 0.4,
                                prepares, closes));
            }
        };
        Tuner t = new Tuner(TestDevices.avx2(), memory(), new TuneOptions(3, 3), Backends.of(drift),
                new PrintStream(new ByteArrayOutputStream()), QUICK);
        // one layer tuned: proj0 (proj1 shares its signature, proj2's tactic is forced)
        Graph g = projections();
        TuningReport r = t.tune(g, EngineOptions.defaults().withThreads(1).withTactic("proj2", "spread:steady"));
        LayerTuning l = r.layers().getFirst();
        double steady = measured(l, "spread:steady"), drifting = measured(l, "spread:drifting");
        assertTrue(drifting < 0.7 * steady, "drifting's best pass (0.4 ms) beats steady (1 ms): " + drifting + " vs " + steady);
        assertEquals("spread:drifting", l.chosen());
        assertEquals(3, driftingPrepares.get(), "each candidate is prepared once per pass");
        assertEquals(2 * Tuner.PASSES_AT_LEVEL_3, prepares.get());
        assertEquals(prepares.get(), closes.get(), "no kernel was kept: every one is freed");
    }

    private static double measured(LayerTuning l, String key) {
        return l.candidates().stream().filter(c -> c.key().equals(key)).findFirst().orElseThrow().measuredMs();
    }

    /** A tactic whose kernel spins for the milliseconds {@code ms} gives when it is prepared. */
    private static io.jengine.spi.Tactic spinning(String name, boolean byDefault,
                                                  java.util.function.DoubleSupplier ms,
                                                  java.util.concurrent.atomic.AtomicInteger prepares,
                                                  java.util.concurrent.atomic.AtomicInteger closes) {
        return new io.jengine.spi.Tactic("spread", name, () -> {
            prepares.incrementAndGet();
            long spin = (long) (ms.getAsDouble() * 1e6);
            return new io.jengine.spi.Kernel() {
                @Override
                public void run(io.jengine.spi.KernelContext ctx) {
                    long end = System.nanoTime() + spin;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                    ctx.output(0, DType.FLOAT32, ctx.tensor(0).dim(0), ctx.tensor(1).dim(1));
                }

                @Override
                public boolean compiledByJit() { return false; }

                @Override
                public void close() { closes.incrementAndGet(); }
            };
        }, byDefault).withWorkload(new io.jengine.spi.Workload(1e9, 1e3));
    }

    @Test
    void aWarmTimingCacheAnswersEveryTiming(@TempDir Path dir) {
        Path file = dir.resolve("timing.json");
        TuningReport cold = tuneSpread(TimingCache.open(file, "test", EngineVersion.VERSION, w -> { }));
        assertTrue(cold.timed() > 0);
        TuningReport warm = tuneSpread(TimingCache.open(file, "test", EngineVersion.VERSION, w -> { }));
        assertEquals(0, warm.timed());
        assertEquals(cold.timed(), warm.cacheHits());
        assertEquals(cold.choices(), warm.choices());
    }

    /**
     * Tilings the cold build left untimed because the default measured far below their predicted time are left
     * untimed by a warm build too: the cached default counts as measured.
     */
    @Test
    void aWarmCacheTimesNothingTheColdBuildLeftOutByItsMeasurements(@TempDir Path dir) {
        io.jengine.spi.Backend pruning = new io.jengine.spi.Backend() {
            @Override public String name() { return "spread"; }
            @Override public int priority() { return 100; }
            @Override public java.util.List<io.jengine.spi.Tactic> tactics(io.jengine.spi.NodeContext node) {
                if (!node.node().opType().equals("MatMul")) return java.util.List.of();
                // the default predicted slow (a billion flops) and measured fast (it does nothing)
                return java.util.List.of(tactic("fast", 1e9, true),
                        tiled(new io.jengine.spi.GemmTiling(4, 16, 64, 64, 256)));
            }
        };
        Path file = dir.resolve("timing.json");
        TuningReport[] runs = new TuningReport[2];
        for (int i = 0; i < 2; i++) {
            Tuner t = new Tuner(TestDevices.avx2(), TimingCache.open(file, "test", EngineVersion.VERSION, w -> { }),
                    new TuneOptions(2, 3), Backends.of(pruning), new PrintStream(new ByteArrayOutputStream()), QUICK);
            runs[i] = t.tune(projections(), EngineOptions.defaults().withThreads(1));
        }
        assertTrue(runs[0].timed() > 0);
        assertTrue(runs[0].layers().getFirst().candidates().stream().anyMatch(c -> !c.timed()
                && c.key().startsWith("spread:tiled")), "the tilings were left out by the default's time");
        assertEquals(0, runs[1].timed(), "a warm cache times nothing");
        assertEquals(runs[0].choices(), runs[1].choices());
    }

    /** A tactic of a 512-cubed GEMM for the model (milliseconds predicted) whose kernel does nothing. */
    private static io.jengine.spi.Tactic tiled(io.jengine.spi.GemmTiling tiling) {
        io.jengine.spi.GemmProblem problem = new io.jengine.spi.GemmProblem(512, 512, 512, 1, false, true, 0);
        io.jengine.spi.Kernel k = ctx -> ctx.output(0, DType.FLOAT32, ctx.tensor(0).dim(0), ctx.tensor(1).dim(1));
        io.jengine.spi.Tunable tunable = new io.jengine.spi.Tunable() {
            @Override public io.jengine.spi.GemmProblem problem() { return problem; }
            @Override public io.jengine.spi.GemmTiling tiling() { return tiling; }
            @Override public java.util.List<RegisterTile> registerTiles() { return java.util.List.of(new RegisterTile(4, 16)); }
            @Override public io.jengine.spi.Tactic with(io.jengine.spi.GemmTiling t) { return tiled(t); }
        };
        return new io.jengine.spi.Tactic("spread", "tiled", () -> k, false).withTunable(tunable);
    }

    /**
     * A model whose weights exceed the last-level cache is timed with them evicted from it (inside the model they come
     * from memory); the signature says so, so that the timing cache keeps both conditions apart.
     */
    @Test
    void weightsLargerThanTheL3AreTimedFromMemory() {
        DeviceDescription small = new DeviceDescription("fedcba9876543210", "tiny caches", "test CPU", 2, 8, 4 << 10,
                8 << 10, 32 << 10, "test", 96, 192, 400, 150, 60, 15, java.util.List.of());
        for (DeviceDescription d : java.util.List.of(small, TestDevices.avx2())) {
            Tuner t = new Tuner(d, memory(), new TuneOptions(2, 3), Backends.of(spread()),
                    new PrintStream(new ByteArrayOutputStream()));
            TuningReport r = t.tune(projections(), EngineOptions.defaults().withThreads(1));
            boolean fromMemory = d == small; // 43 KB of weights against a 32 KB L3
            for (LayerTuning l : r.layers()) {
                assertEquals(fromMemory, l.signature().endsWith(Tuner.COLD_WEIGHTS), l.layer() + " on " + d.identity());
            }
            assertTrue(r.timed() > 0);
        }
    }
}
