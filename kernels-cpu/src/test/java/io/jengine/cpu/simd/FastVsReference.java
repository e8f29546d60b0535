package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import io.jengine.verify.Tolerance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs a one-node graph through the default backends and through the reference alone, checks that the expected
 * cpu-simd tactic ran it, and compares the outputs element by element under {@link Tolerance#float32Sum}: the
 * magnitude of each output element (the sum of |a*b| it is made of) comes from running the reference on the absolute
 * values of the inputs with the activation left out, so cancellation near zero is judged by the bound it deserves.
 */
public final class FastVsReference {
    private FastVsReference() {}

    /** Seeded values in [-1, 1), never all zero. */
    public static Tensor random(Random r, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
        return Tensor.ofFloats(shape, v);
    }

    static Tensor abs(Tensor t) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        return Tensor.ofFloats(t.shape(), v);
    }

    /** A graph of one node whose runtime inputs are {@code feeds} (static shapes) and constants {@code weights}. */
    public static Graph graph(Node node, Map<String, Tensor> feeds, Map<String, Tensor> weights) {
        Graph.Builder b = Graph.builder("one").opset("", 21).opset("jengine", 1).addNode(node);
        feeds.forEach((name, t) -> b.addInput(new ValueInfo(name, ValueType.tensor(t.dtype(), t.shape()))));
        weights.forEach(b::initializer);
        for (String out : node.outputs()) b.addOutput(new ValueInfo(out, null));
        return b.build();
    }

    /** Runs {@code g}: with every backend ({@code fast}, checking the tactic key when given) or the reference alone. */
    public static Tensor run(Graph g, Map<String, Tensor> feeds, boolean fast, String expectKey) {
        return run(g, feeds, fast ? Backends.discover() : Backends.discover().only(List.of("cpu-reference")), expectKey);
    }

    /** Runs {@code g} on {@code backends}, checking the tactic key when given. */
    public static Tensor run(Graph g, Map<String, Tensor> feeds, Backends backends, String expectKey) {
        Model m = new Model(8, "test", "", g, Map.of());
        EngineOptions options = EngineOptions.defaults();
        // A key names its backend: force it, so that backends below cpu-simd's priority are tested too.
        if (expectKey != null) options = options.withTactic(g.nodes().getFirst().opType(), expectKey);
        try (Engine e = Engine.of(m, backends, options)) {
            if (expectKey != null) {
                String placed = e.placement().getFirst();
                // A tunable tactic named by its kind runs with the backend's own tiling, which its key then names.
                assertTrue(placed.endsWith("-> " + expectKey) || placed.contains("-> " + expectKey + Tactic.TILING),
                        "expected " + expectKey + ", got " + placed);
            }
            Map<String, Value> out = e.run(feeds);
            return (Tensor) out.values().iterator().next();
        }
    }

    /**
     * For tactics with a bound of their own (Winograd's, see {@code WinogradConv3x3}): runs {@code node} with the tactic
     * {@code key} forced and on the reference, and requires NaN and infinities exactly where the reference has them
     * and every finite element within {@code relative} times the largest finite magnitude of the reference's output.
     */
    /**
     * How many of {@code got}'s integer codes differ from {@code want}'s, after requiring every one within one step:
     * an integer layer requantizing in float32 where the reference does it in double (or the other way round) may land
     * one step off, never more. The caller bounds the count.
     */
    public static long oneStepOff(Tensor want, Tensor got) {
        long off = 0;
        for (long i = 0; i < want.size(); i++) {
            long a = want.getLong(i), b = got.getLong(i);
            assertTrue(Math.abs(a - b) <= 1, "element " + i + ": " + b + ", reference " + a);
            if (a != b) off++;
        }
        return off;
    }

    public static void checkKeyRelative(Node node, Map<String, Tensor> feeds, Map<String, Tensor> weights, String key,
                                        double relative) {
        Graph g = graph(node, feeds, weights);
        Tensor want = run(g, feeds, false, null), got = run(g, feeds, true, key);
        assertTrue(java.util.Arrays.equals(want.shape(), got.shape()), "shape " + java.util.Arrays.toString(got.shape()));
        double scale = 0;
        for (long i = 0; i < want.size(); i++) {
            double w = want.getDouble(i);
            if (Double.isFinite(w)) scale = Math.max(scale, Math.abs(w));
        }
        for (long i = 0; i < want.size(); i++) {
            double w = want.getDouble(i), x = got.getDouble(i);
            boolean ok = Double.isFinite(w) ? Math.abs(x - w) <= relative * scale
                    : Double.isNaN(w) ? Double.isNaN(x) : w == x;
            if (!ok) {
                throw new AssertionError(node.opType() + " element " + i + ": got " + x + ", reference " + w
                        + " (allowed " + relative + " x " + scale + ")");
            }
        }
    }

    /**
     * Checks the fast result of {@code node} against the reference. {@code magnitudeNode} is the same op without
     * activation (null: {@code node} itself), run on absolute values; {@code terms} the number of products per output.
     */
    static void check(Node node, Node magnitudeNode, Map<String, Tensor> feeds, Map<String, Tensor> weights,
                      long terms, String expectTactic) {
        checkKey(node, magnitudeNode, feeds, weights, terms, "cpu-simd:" + expectTactic);
    }

    /** As {@link #check} for a tactic of any backend, named by its key ("cpu-native:dnnl.conv"). */
    public static void checkKey(Node node, Node magnitudeNode, Map<String, Tensor> feeds, Map<String, Tensor> weights,
                                long terms, String key) {
        checkKey(Backends.discover(), node, magnitudeNode, feeds, weights, terms, key);
    }

    /** As {@link #checkKey(Node, Node, Map, Map, long, String)}, the tactic running on {@code fast}'s backends. */
    public static void checkKey(Backends fast, Node node, Node magnitudeNode, Map<String, Tensor> feeds,
                                Map<String, Tensor> weights, long terms, String key) {
        Graph g = graph(node, feeds, weights);
        Tensor want = run(g, feeds, false, null), got = run(g, feeds, fast, key);
        Map<String, Tensor> absFeeds = new LinkedHashMap<>(), absWeights = new LinkedHashMap<>();
        feeds.forEach((k, v) -> absFeeds.put(k, abs(v)));
        weights.forEach((k, v) -> absWeights.put(k, v.dtype() == DType.FLOAT32 ? abs(v) : v));
        Tensor magnitude = run(graph(magnitudeNode == null ? node : magnitudeNode, absFeeds, absWeights), absFeeds, false, null);
        assertTrue(java.util.Arrays.equals(want.shape(), got.shape()), "shape " + java.util.Arrays.toString(got.shape()));
        for (long i = 0; i < want.size(); i++) {
            double w = want.getDouble(i), x = got.getDouble(i);
            Tolerance tol = Tolerance.float32Sum(terms, Math.abs(magnitude.getDouble(i)));
            if (!tol.accepts(w, x)) {
                throw new AssertionError(node.opType() + " element " + i + ": got " + x + ", reference " + w
                        + " (magnitude " + magnitude.getDouble(i) + ", " + terms + " terms)");
            }
        }
    }
}
