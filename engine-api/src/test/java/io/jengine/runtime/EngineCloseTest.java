package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.Backend;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing an engine frees its kernels once, and never under a run in flight. */
class EngineCloseTest {
    private static final Tensor X = Tensor.ofFloats(new long[] {4}, -1, 2, -3, 4);

    /** Relu kernels that count their closes, and can hold a run until released. */
    private static final class Counting implements Backend {
        final AtomicInteger prepared = new AtomicInteger(), closed = new AtomicInteger(), runsAfterClose = new AtomicInteger();
        volatile CountDownLatch entered = new CountDownLatch(0), release = new CountDownLatch(0);

        @Override
        public String name() { return "counting"; }

        @Override
        public int priority() { return 50; }

        @Override
        public List<Tactic> tactics(NodeContext ctx) {
            if (!ctx.node().opType().equals("Relu")) return List.of();
            Kernel relu = new BufferBackend().tactics(ctx).getFirst().prepare().get();
            return List.of(new Tactic(name(), "relu", () -> {
                prepared.incrementAndGet();
                return new Kernel() {
                    private volatile boolean isClosed;

                    @Override
                    public void run(KernelContext c) {
                        if (isClosed) runsAfterClose.incrementAndGet();
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        relu.run(c);
                    }

                    @Override
                    public void close() {
                        isClosed = true;
                        closed.incrementAndGet();
                    }
                };
            }));
        }
    }

    private static Engine engine(Backend b) {
        Graph g = Graph.builder("two").opset("", 17)
                .addNode(Node.builder("Relu").name("a").inputs("x").outputs("h").build())
                .addNode(Node.builder("Relu").name("b").inputs("h").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 4)))
                .addOutput(new ValueInfo("y", null))
                .build();
        return Engine.of(new Model(8, "t", "", g, Map.of()), Backends.of(b, new BufferBackend()), EngineOptions.defaults());
    }

    @Test
    void anIdleEngineClosesEveryKernelOnce() {
        Counting b = new Counting();
        Engine e = engine(b);
        e.run(Map.of("x", X));
        try (Session s = e.newSession()) {
            s.run(Map.of("x", X));
        }
        int kernels = b.prepared.get();
        assertTrue(kernels >= 2, "prepared " + kernels);
        e.close();
        assertEquals(kernels, b.closed.get());
        e.close();
        assertEquals(kernels, b.closed.get(), "a second close frees nothing twice");
        assertThrows(IllegalStateException.class, () -> e.run(Map.of("x", X)));
        assertEquals(0, b.runsAfterClose.get());
    }

    @Test
    void kernelsOutliveTheRunInFlightWhenTheEngineCloses() throws Exception {
        Counting b = new Counting();
        Engine e = engine(b);
        b.entered = new CountDownLatch(1);
        b.release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<?> run = pool.submit(() -> e.run(Map.of("x", X)));
            assertTrue(b.entered.await(30, TimeUnit.SECONDS), "the run started");
            e.close();
            assertEquals(0, b.closed.get(), "nothing freed under a run in flight");
            b.release.countDown();
            float[] y = ((Tensor) ((Map<?, ?>) run.get(30, TimeUnit.SECONDS)).get("y")).toFloatArray();
            assertEquals(List.of(0f, 2f, 0f, 4f), List.of(y[0], y[1], y[2], y[3]));
        }
        assertEquals(b.prepared.get(), b.closed.get(), "the last run out freed them");
        assertEquals(0, b.runsAfterClose.get());
        assertThrows(IllegalStateException.class, () -> e.run(Map.of("x", X)));
    }
}
