package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The channel-blocked layout's cpu-simd kernels against the reference: the conversions (exact, NaN payloads
 * included), pools over blocked activations, and reductions over adjacent axes.
 */
class BlockedLayoutTacticsTest {
    private static final int LANES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    @ParameterizedTest(name = "[{0},{1},{2},{3}] block {4}")
    @CsvSource({"1, 16, 7, 9, 8", "2, 24, 5, 3, 8", "1, 32, 1, 1, 16", "3, 16, 13, 1, 16", "1, 8, 30, 31, 4",
        "2, 24, 5, 7, 0", "1, 520, 9, 11, 0", "1, 3, 17, 5, 0"})
    void conversionsRoundTripBitForBit(long n, long c, long h, long w, long block) {
        Random r = new Random(n * c * h * w);
        Tensor x = withSpecials(random(r, n, c, h, w));
        Node to = Node.builder(FusedOpSpec.TO_BLOCKED).domain(FusedOpSpec.DOMAIN).name("to").inputs("x").outputs("y")
                .attr(Attribute.of(FusedOpSpec.BLOCK, block)).build();
        var g = FastVsReference.graph(to, Map.of("x", x), Map.of());
        Tensor want = FastVsReference.run(g, Map.of("x", x), false, null);
        Tensor got = FastVsReference.run(g, Map.of("x", x), true, "cpu-simd:" + (h * w == 1 ? "layout.view" : "layout.to-blocked"));
        // block 0 is channels-last, [N, 1, H, W, C]
        assertArrayEquals(block == 0 ? new long[] {n, 1, h, w, c} : new long[] {n, c / block, h, w, block}, got.shape());
        assertBitsEqual(want, got);
        Node from = Node.builder(FusedOpSpec.FROM_BLOCKED).domain(FusedOpSpec.DOMAIN).name("from").inputs("y").outputs("z")
                .attr(Attribute.of(FusedOpSpec.BLOCK, block)).build();
        var back = FastVsReference.graph(from, Map.of("y", got), Map.of());
        Tensor plain = FastVsReference.run(back, Map.of("y", got), true,
                "cpu-simd:" + (h * w == 1 ? "layout.view" : "layout.from-blocked"));
        assertBitsEqual(x, plain);
    }

    @ParameterizedTest(name = "{0} k{1} s{2} p{3} ceil {4} include_pad {5}")
    @CsvSource({
        "MaxPool, 3, 2, 1, 0, 0", "MaxPool, 3, 2, 0, 1, 0", "MaxPool, 2, 2, 0, 0, 0", "MaxPool, 1, 1, 0, 0, 0",
        "AveragePool, 3, 1, 1, 0, 0", "AveragePool, 3, 1, 1, 0, 1", "AveragePool, 2, 2, 1, 1, 1",
    })
    void poolsOverBlockedActivationsMatchTheReference(String op, int k, int s, int p, int ceil, int includePad) {
        Random r = new Random(k * 31 + s * 7 + p);
        long block = LANES;
        Tensor x = withSpecials(random(r, 2, 3, 17, 11, block));
        Node.Builder b = Node.builder(op).name("pool").inputs("x").outputs("y")
                .attr(Attribute.of("kernel_shape", new long[] {k, k, 1})).attr(Attribute.of("strides", new long[] {s, s, 1}))
                .attr(Attribute.of("pads", new long[] {p, p, 0, p, p, 0})).attr(Attribute.of("ceil_mode", (long) ceil));
        if (op.equals("AveragePool")) b.attr(Attribute.of("count_include_pad", (long) includePad));
        String tactic = op.equals("MaxPool") ? "pool.max2d-blocked" : "pool.avg2d-blocked";
        FastVsReference.check(b.build(), null, Map.of("x", x), Map.of(), (long) k * k, tactic);
    }

    @ParameterizedTest(name = "{0} over {1} of [2,3,5,7,8] keepdims {2}")
    @CsvSource({
        "ReduceMean, '2,3', 1", "ReduceMax, '2,3', 1", "ReduceSum, '-1', 0", "ReduceMin, '1,2,3', 0",
        "ReduceMean, '0', 1", "ReduceMax, '4', 1", "ReduceSum, '', 1",
    })
    void reductionsOverAdjacentAxesMatchTheReference(String op, String axes, int keepdims) {
        Random r = new Random(op.hashCode() + axes.hashCode());
        Tensor x = withSpecials(random(r, 2, 3, 5, 7, 8));
        long[] a = axes.isEmpty() ? new long[0] : java.util.Arrays.stream(axes.split(",")).mapToLong(Long::parseLong).toArray();
        Node node = Node.builder(op).name("reduce").inputs("x", "axes").outputs("y")
                .attr(Attribute.of("keepdims", (long) keepdims)).build();
        long terms = 1;
        for (long ax : a.length == 0 ? new long[] {0, 1, 2, 3, 4} : a) terms *= x.dim((int) (ax < 0 ? ax + 5 : ax));
        FastVsReference.check(node, null, Map.of("x", x), Map.of("axes", Tensor.ofLongs(new long[] {a.length}, a)),
                terms, "reduce.axes");
    }

    @ParameterizedTest(name = "{0} {1} scales {2}x{3}")
    @CsvSource({"asymmetric, floor, 2, 2", "half_pixel, round_prefer_floor, 2, 3", "align_corners, round_prefer_ceil, 0.5, 1.5",
        "pytorch_half_pixel, ceil, 1.7, 0.6"})
    void nearestResizeOfBlockedActivationsMatchesTheReference(String coords, String rounding, float sh, float sw) {
        Random r = new Random(coords.hashCode() + rounding.hashCode());
        Tensor x = withSpecials(random(r, 2, 3, 7, 9, LANES));
        Node node = Node.builder("Resize").name("up").inputs("x", "", "scales").outputs("y")
                .attr(Attribute.of("mode", "nearest")).attr(Attribute.of("coordinate_transformation_mode", coords))
                .attr(Attribute.of("nearest_mode", rounding)).build();
        var g = FastVsReference.graph(node, Map.of("x", x),
                Map.of("scales", Tensor.ofFloats(new long[] {5}, 1f, 1f, sh, sw, 1f)));
        Tensor want = FastVsReference.run(g, Map.of("x", x), false, null);
        Tensor got = FastVsReference.run(g, Map.of("x", x), true, "cpu-simd:resize.nearest-blocked");
        assertBitsEqual(want, got);
    }

    private static Tensor withSpecials(Tensor t) {
        float[] v = t.toFloatArray();
        v[3] = Float.NaN;
        v[v.length / 2] = Float.POSITIVE_INFINITY;
        v[v.length - 2] = Float.NEGATIVE_INFINITY;
        return Tensor.ofFloats(t.shape(), v);
    }

    private static void assertBitsEqual(Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape());
        for (long i = 0; i < want.size(); i++) {
            assertEquals(Float.floatToRawIntBits(want.getFloat(i)), Float.floatToRawIntBits(got.getFloat(i)), "element " + i);
        }
    }
}
