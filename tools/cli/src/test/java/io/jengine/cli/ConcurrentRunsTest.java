package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.build.EngineBuilder;
import io.jengine.onnx.ValueFiles;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.TensorSequence;
import io.jengine.verify.SharedData;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One engine shared by 16 threads, each running the model on inputs taken in turn from a set, must give every run
 * exactly (bit for bit) what a single thread got for the same input: sessions, per-shape plans, the intra-op pool and
 * the kernels' scratch may not leak between concurrent runs, and the JIT compiling a kernel midway may not change what
 * it computes (the single-threaded results are the engine's first runs). A CNN (digits), a transformer (bert) and the node suite's
 * control flow (Loop, If, Scan). Runs per thread: {@value #DEFAULT_RUNS}, or the system property
 * {@code jengine.stress.runs} (the reliability figures use 10,000 in all per model).
 */
class ConcurrentRunsTest {
    static final int THREADS = 16, DEFAULT_RUNS = 12;

    static int runsPerThread() { return Integer.getInteger("jengine.stress.runs", DEFAULT_RUNS * THREADS) / THREADS; }

    /** The model file and a few input sets for it. */
    record Case(Path model, List<Map<String, Value>> inputs) {}

    static Case caseOf(String name) throws Exception {
        switch (name) {
            case "digits" -> {
                Tensor images = io.jengine.io.Npy.read(CliErrorsTest.IMAGES);
                List<Map<String, Value>> in = new ArrayList<>();
                for (int i = 0; i < 4; i++) in.add(Map.of("image", slice(images, i * 8, 8)));
                return new Case(CliErrorsTest.DIGITS, in);
            }
            case "bert_l4_h256" -> {
                Path zoo = ZooModelsTest.zoo();
                Map<String, Value> feeds = new LinkedHashMap<>();
                for (var e : ZooModelsTest.ioFiles(zoo, name, "input_").entrySet()) {
                    feeds.put(e.getKey(), io.jengine.io.Npy.read(e.getValue()));
                }
                return new Case(zoo.resolve(name + ".onnx"), List.of(feeds));
            }
            default -> {
                Path dir = SharedData.root().map(r -> r.resolve("onnx-conformance/node/" + name)).orElseGet(() -> {
                    if (SharedData.isCi()) fail(SharedData.missingMessage("the ONNX node suite"));
                    Assumptions.abort(SharedData.missingMessage("the ONNX node suite"));
                    return null;
                });
                Engine probe = Engine.load(dir.resolve("model.onnx"));
                List<String> names = probe.graph().runtimeInputs().stream().map(v -> v.name()).toList();
                probe.close();
                List<Map<String, Value>> in = new ArrayList<>();
                for (int set = 0; Files.isDirectory(dir.resolve("test_data_set_" + set)); set++) {
                    Map<String, Value> feeds = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        Path f = dir.resolve("test_data_set_" + set + "/input_" + i + ".pb");
                        if (Files.exists(f)) feeds.put(names.get(i), ValueFiles.read(f, null));
                    }
                    in.add(feeds);
                }
                return new Case(dir.resolve("model.onnx"), in);
            }
        }
    }

    static Tensor slice(Tensor t, long from, long rows) {
        long[] shape = t.shape();
        long row = t.size() / shape[0];
        shape[0] = rows;
        Tensor s = Tensor.allocate(t.dtype(), shape);
        java.lang.foreign.MemorySegment.copy(t.data(), from * row * 4, s.data(), 0, rows * row * 4);
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"digits", "bert_l4_h256", "test_loop11", "test_if", "test_scan9_sum"})
    void sixteenThreadsGetWhatOneThreadGets(String model) throws Exception {
        Case c = caseOf(model);
        try (Engine engine = EngineBuilder.forModel(c.model()).progress(new PrintStream(OutputStream.nullOutputStream()))
                .build()) {
            List<Map<String, Value>> want = new ArrayList<>();
            // the first runs, while the kernels are still interpreted: a compiled kernel must compute what its
            // interpreted form does (a lane sum in an unspecified order did not, and bert's results moved by an ulp)
            for (Map<String, Value> in : c.inputs()) want.add(engine.run(in));
            int runs = runsPerThread();
            AtomicLong mismatches = new AtomicLong(), done = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<String> first = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    jobs.add(pool.submit(() -> {
                        start.await();
                        for (int r = 0; r < runs; r++) {
                            int k = (thread + r) % c.inputs().size();
                            String diff = difference(want.get(k), engine.run(c.inputs().get(k)));
                            if (diff != null) {
                                mismatches.incrementAndGet();
                                if (first.isEmpty()) first.add("thread " + thread + " run " + r + ": " + diff);
                            }
                            done.incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> j : jobs) j.get();
            }
            assertEquals((long) runs * THREADS, done.get());
            assertEquals(0, mismatches.get(), model + ": " + mismatches.get() + " of " + done.get() + " runs differ; first: "
                    + (first.isEmpty() ? "" : first.getFirst()));
            System.out.printf("%s: %d concurrent runs on %d threads, 0 mismatches%n", model, done.get(), THREADS);
        }
    }

    /** Null when {@code got} holds exactly {@code want}'s values, bit for bit; else where they differ. */
    static String difference(Map<String, Value> want, Map<String, Value> got) {
        if (!want.keySet().equals(got.keySet())) return "outputs " + got.keySet() + " instead of " + want.keySet();
        for (String name : want.keySet()) {
            String d = difference(want.get(name), got.get(name));
            if (d != null) return name + ": " + d;
        }
        return null;
    }

    static String difference(Value want, Value got) {
        if (want instanceof Tensor a && got instanceof Tensor b) {
            if (!a.hasShape(b.shape()) || a.dtype() != b.dtype()) return "shape or type " + b.describe() + " vs " + a.describe();
            if (a.dtype() == io.jengine.tensor.DType.STRING) {
                return java.util.Arrays.equals(a.toStringArray(), b.toStringArray()) ? null : "strings differ";
            }
            long mismatch = a.data().asSlice(0, a.byteSize()).mismatch(b.data().asSlice(0, b.byteSize()));
            return mismatch < 0 ? null : "bytes differ from byte " + mismatch;
        }
        if (want instanceof TensorSequence a && got instanceof TensorSequence b) {
            if (a.size() != b.size()) return "sequence of " + b.size() + " vs " + a.size();
            for (int i = 0; i < a.size(); i++) {
                String d = difference(a.get(i), b.get(i));
                if (d != null) return "element " + i + ": " + d;
            }
            return null;
        }
        return java.util.Objects.equals(want, got) ? null : "values differ: " + got + " vs " + want;
    }
}
