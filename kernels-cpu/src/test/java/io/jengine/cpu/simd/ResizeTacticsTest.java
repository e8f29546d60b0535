package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.ir.Model;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resize through the cpu-simd tactics against the reference: every mode, up and down, odd sizes, NaN and Inf. */
class ResizeTacticsTest {
    private static final String[] COORDS = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
            "asymmetric", "tf_half_pixel_for_nn"};
    private static final String[] NEAREST = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

    /** Inputs [2, 3, h, w] with a NaN and both infinities in them. */
    private static Tensor input(Random r, int h, int w) {
        Tensor x = random(r, 2, 3, h, w);
        float[] v = x.toFloatArray();
        v[5] = Float.NaN;
        v[v.length / 2] = Float.POSITIVE_INFINITY;
        v[v.length - 3] = Float.NEGATIVE_INFINITY;
        v[h * w + w + 1] = Float.POSITIVE_INFINITY;
        return Tensor.ofFloats(x.shape(), v);
    }

    private static Node.Builder resize(String mode, String coords, String nearest) {
        Node.Builder b = Node.builder("Resize").name("resize").outputs("y").attr(Attribute.of("mode", mode))
                .attr(Attribute.of("coordinate_transformation_mode", coords));
        if (nearest != null) b.attr(Attribute.of("nearest_mode", nearest));
        return b;
    }

    private static void check(Node node, Tensor x, Map<String, Tensor> weights, boolean linear) {
        Map<String, Tensor> feeds = Map.of("x", x);
        String tactic = linear ? "resize.linear" : "resize.nearest";
        try {
            FastVsReference.check(node, null, feeds, weights, linear ? 4 : 1, tactic);
            if (!linear) exact(FastVsReference.graph(node, feeds, weights), feeds, "cpu-simd:" + tactic);
        } catch (AssertionError e) {
            throw new AssertionError(node.attributes().values() + ": " + e.getMessage(), e);
        }
    }

    /** Nearest copies elements: the fast result must equal the reference bit for bit (NaN meets NaN). */
    private static void exact(Graph g, Map<String, Tensor> feeds, String key) {
        Tensor want = FastVsReference.run(g, feeds, false, null), got = FastVsReference.run(g, feeds, true, key);
        assertTrue(java.util.Arrays.equals(want.shape(), got.shape()));
        float[] a = want.toFloatArray(), b = got.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                throw new AssertionError("element " + i + ": got " + b[i] + ", reference " + a[i]);
            }
        }
    }

    private static Tensor scales(double... s) {
        float[] f = new float[s.length];
        for (int i = 0; i < s.length; i++) f[i] = (float) s[i];
        return Tensor.ofFloats(new long[] {f.length}, f);
    }

    @ParameterizedTest(name = "{0} {1}x{2} scales {3},{4}")
    @CsvSource({
        "nearest, 7, 9, 2, 2", "nearest, 7, 9, 3, 1.5", "nearest, 13, 11, 0.5, 0.7", "nearest, 5, 6, 1.7, 0.45",
        "nearest, 4, 4, 8, 8", "nearest, 9, 1, 2.5, 3",
        "linear, 7, 9, 2, 2", "linear, 7, 9, 3, 1.5", "linear, 13, 11, 0.5, 0.7", "linear, 5, 6, 1.7, 0.45",
        "linear, 4, 4, 8, 8", "linear, 9, 1, 2.5, 3", "linear, 1, 5, 4, 1",
    })
    void everyCoordinateModeMatchesTheReference(String mode, int h, int w, double sh, double sw) {
        boolean linear = mode.equals("linear");
        Random r = new Random(h * 31 + w);
        Tensor x = input(r, h, w);
        for (String coords : COORDS) {
            for (String nearest : linear ? new String[] {null} : NEAREST) {
                Node node = resize(mode, coords, nearest).inputs("x", "", "scales").build();
                if (blendsPlanes(mode, coords)) {
                    declined(node, x, Map.of("scales", scales(1, 1, sh, sw)));
                    node = node.toBuilder().attr(Attribute.of("axes", new long[] {2, 3})).build();
                    check(node, x, Map.of("scales", scales(sh, sw)), linear);
                } else {
                    check(node, x, Map.of("scales", scales(1, 1, sh, sw)), linear);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} sizes {1}x{2}")
    @CsvSource({"nearest, 15, 4", "linear, 15, 4", "linear, 3, 20", "nearest, 1, 1", "linear, 1, 1", "linear, 11, 13"})
    void sizesAndAxesMatchTheReference(String mode, int oh, int ow) {
        boolean linear = mode.equals("linear");
        Tensor x = input(new Random(oh * 7 + ow), 11, 9);
        for (String coords : COORDS) {
            Node node = resize(mode, coords, "round_prefer_ceil").inputs("x", "", "", "sizes").build();
            if (blendsPlanes(mode, coords)) declined(node, x, Map.of("sizes", Tensor.ofLongs(new long[] {4}, 2, 3, oh, ow)));
            else check(node, x, Map.of("sizes", Tensor.ofLongs(new long[] {4}, 2, 3, oh, ow)), linear);
            Node axes = resize(mode, coords, "floor").inputs("x", "", "", "sizes")
                    .attr(Attribute.of("axes", new long[] {-1, 2})).build();
            check(axes, x, Map.of("sizes", Tensor.ofLongs(new long[] {2}, ow, oh)), linear);
            Node scaled = resize(mode, coords, "ceil").inputs("x", "", "scales")
                    .attr(Attribute.of("axes", new long[] {2, 3})).build();
            check(scaled, x, Map.of("scales", scales((double) oh / 11, (double) ow / 9)), linear);
        }
    }

    /** Opset 10: inputs X and scales, asymmetric coordinates, the legacy rounding of nearest. */
    @ParameterizedTest(name = "{0} scales {1},{2}")
    @CsvSource({"nearest, 2, 3", "nearest, 0.5, 0.75", "linear, 2, 1.5", "linear, 0.6, 0.5"})
    void opset10MatchesTheReference(String mode, double sh, double sw) {
        Node node = Node.builder("Resize").name("resize").inputs("x", "scales").outputs("y")
                .attr(Attribute.of("mode", mode)).build();
        Tensor x = input(new Random(3), 9, 10);
        Map<String, Tensor> feeds = Map.of("x", x);
        Graph.Builder b = Graph.builder("one").opset("", 10).addNode(node)
                .addInput(new ValueInfo("x", ValueType.tensor(x.dtype(), x.shape())))
                .initializer("scales", scales(1, 1, sh, sw)).addOutput(new ValueInfo("y", null));
        Graph g = b.build();
        String key = "cpu-simd:resize." + mode;
        Tensor want = FastVsReference.run(g, feeds, false, null), got = FastVsReference.run(g, feeds, true, key);
        assertTrue(java.util.Arrays.equals(want.shape(), got.shape()));
        for (long i = 0; i < want.size(); i++) {
            double a = want.getDouble(i), c = got.getDouble(i);
            assertTrue(io.jengine.verify.Tolerance.FLOAT32.accepts(a, c) && (mode.equals("linear") || Double.compare(a, c) == 0),
                    "element " + i + ": got " + c + ", reference " + a);
        }
    }

    /**
     * Linear over all four axes with tf_half_pixel_for_nn samples N and C half a pixel on, so it mixes neighbouring
     * planes: left to the reference.
     */
    private static boolean blendsPlanes(String mode, String coords) {
        return mode.equals("linear") && coords.equals("tf_half_pixel_for_nn");
    }

    private static void declined(Node node, Tensor x, Map<String, Tensor> weights) {
        Map<String, Tensor> feeds = Map.of("x", x);
        Graph g = FastVsReference.graph(node, feeds, weights);
        try (Engine e = Engine.of(new Model(8, "test", "", g, Map.of()), Backends.discover(), EngineOptions.defaults())) {
            String placed = e.placement().getFirst();
            assertTrue(!placed.contains("cpu-simd"), node.attributes().values() + ": " + placed);
            assertEquals(1, e.run(feeds).size());
        }
    }

    /** Out of scope: the reference keeps these. */
    @Test
    void declinesWhatItDoesNotHandle() {
        Tensor x = input(new Random(1), 5, 5);
        Map<String, Tensor> feeds = Map.of("x", x);
        List<Node> nodes = List.of(
                resize("cubic", "half_pixel", null).inputs("x", "", "scales").build(),
                resize("linear", "half_pixel", null).inputs("x", "", "scales").attr(Attribute.of("antialias", 1L)).build(),
                resize("linear", "half_pixel", null).inputs("x", "", "scales").attr(Attribute.of("exclude_outside", 1L)).build(),
                resize("nearest", "half_pixel", null).inputs("x", "", "scales2").build(),
                resize("linear", "tf_crop_and_resize", null).inputs("x", "roi", "scales").build());
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("scales", scales(1, 1, 2, 2));
        weights.put("scales2", scales(1, 2, 2, 2));
        weights.put("roi", scales(0, 0, 0.1, 0.1, 1, 1, 0.9, 0.9));
        for (Node node : nodes) {
            Map<String, Tensor> used = new LinkedHashMap<>();
            for (String in : node.inputs()) if (weights.containsKey(in)) used.put(in, weights.get(in));
            declined(node, x, used);
        }
    }
}
