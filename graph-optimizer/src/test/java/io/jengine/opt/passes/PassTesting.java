package io.jengine.opt.passes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphOptimizer;
import io.jengine.opt.GraphPass;
import io.jengine.opt.OptimizationReport;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The two checks every pass gets: the graph after the pass (op counts, names), and numerical equivalence of the graph
 * before and after on seeded random inputs, run on the reference kernels.
 */
final class PassTesting {
    private PassTesting() {}

    /** Runs one pass to its fixpoint with the consistency check after every rewrite. */
    static Graph run(GraphPass pass, Graph g) {
        return GraphOptimizer.run(g, List.of(pass), true, new OptimizationReport());
    }

    /** Runs several passes together to a fixpoint. */
    static Graph runAll(Graph g, GraphPass... passes) {
        return GraphOptimizer.run(g, List.of(passes), true, new OptimizationReport());
    }

    static Map<String, Integer> ops(Graph g) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : g.nodes()) m.merge(n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType(), 1, Integer::sum);
        return m;
    }

    static Tensor random(Random rnd, DType t, long... shape) {
        Tensor x = Tensor.allocate(t, shape);
        for (long i = 0; i < x.size(); i++) {
            double v = rnd.nextDouble() * 2 - 1;
            x.setDouble(i, v == 0 ? 0.5 : v);
        }
        return x;
    }

    /** Both graphs give the same outputs (within the model tolerance) on seeded random float inputs. */
    static void assertEquivalent(Graph before, Graph after, long seed) {
        Random rnd = new Random(seed);
        Map<String, Value> feeds = new HashMap<>();
        for (ValueInfo in : before.runtimeInputs()) {
            ValueType.TensorType t = (ValueType.TensorType) in.type();
            feeds.put(in.name(), random(rnd, t.elementType(), t.shape().toArray()));
        }
        Map<String, Value> want = run(before, feeds), got = run(after, feeds);
        assertTrue(!want.isEmpty(), "graph has outputs");
        for (var e : want.entrySet()) {
            Comparison c = Comparison.of(e.getValue(), got.get(e.getKey()), Tolerance.MODEL);
            assertTrue(c.matches(), "output " + e.getKey() + ": " + c.mismatch());
        }
    }

    private static Map<String, Value> run(Graph g, Map<String, Value> feeds) {
        try (Engine e = Engine.of(new Model(8, "test", "", g, Map.of()))) {
            return e.run(feeds);
        }
    }

    static ValueInfo f32(String name, long... dims) {
        return new ValueInfo(name, ValueType.tensor(DType.FLOAT32, dims));
    }

    static long size(long... dims) { return Shapes.size(dims); }
}
