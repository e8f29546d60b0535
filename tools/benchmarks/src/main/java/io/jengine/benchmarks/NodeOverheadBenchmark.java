package io.jengine.benchmarks;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.spi.Backend;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's fixed cost per node: a chain of 100 nodes whose kernels only take their output buffer, run through a
 * session. Time per run / 100 is what each layer of a small model pays before doing any work (the target: 2 µs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class NodeOverheadBenchmark {
    static final int NODES = 100;

    private Engine engine;
    private Session session;
    private Map<String, Value> feeds;

    /** A backend whose one tactic for Relu takes its output buffer and does nothing else. */
    static final class EmptyBackend implements Backend {
        @Override
        public String name() { return "empty"; }

        @Override
        public int priority() { return 100; }

        @Override
        public List<Tactic> tactics(NodeContext node) {
            if (!node.node().opType().equals("Relu")) return List.of();
            long[] shape = {1, 16};
            Kernel k = ctx -> ctx.output(0, DType.FLOAT32, shape);
            return List.of(new Tactic(name(), "empty", () -> k));
        }
    }

    static Graph chain(int n) {
        Graph.Builder b = Graph.builder("chain").opset("", 17);
        for (int i = 0; i < n; i++) {
            b.addNode(Node.builder("Relu").name("n" + i).inputs(i == 0 ? "x" : "v" + i).outputs(i == n - 1 ? "y" : "v" + (i + 1)).build());
        }
        return b.addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 1, 16)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, 1, 16))).build();
    }

    @Setup
    public void setUp() {
        engine = Engine.of(new Model(8, "chain", "", chain(NODES), Map.of()), Backends.of(new EmptyBackend()));
        session = engine.newSession();
        feeds = Map.of("x", Tensor.allocate(DType.FLOAT32, 1, 16));
    }

    @TearDown
    public void tearDown() {
        session.close();
        engine.close();
    }

    /** One run of the 100-node chain; divide by 100 for the cost per node. */
    @Benchmark
    public Object chainOf100() { return session.run(feeds); }
}
