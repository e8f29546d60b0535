package io.jengine.opencl;

import static io.jengine.cpu.simd.FastVsReference.checkKey;
import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.FastVsReference;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every OpenCL kernel against the reference kernel of the same node, on seeded non-zero values and shapes that are
 * not multiples of the tile (17 x 19 images, 22 channels ...), under the float32 tolerance policy; NaN and infinity
 * where the inputs hold them.
 */
class OpenClKernelsTest {
    private static Backends cl;

    @BeforeAll
    static void device() { cl = OpenClTestDevice.backends(); }

    private static void check(Node node, Map<String, Tensor> feeds, Map<String, Tensor> weights, long terms, String key) {
        checkKey(cl, node, null, feeds, weights, terms, "opencl:" + key);
    }

    /**
     * For ops that compute no sums (selection, logic, casts, data movement) or whose result is a log of one: the
     * element type's own tolerance, NaN and Inf alike.
     */
    private static void checkSame(Node node, Map<String, Tensor> feeds, String key) {
        checkSame(node, feeds, Map.of(), key);
    }

    private static void checkSame(Node node, Map<String, Tensor> feeds, Map<String, Tensor> weights, String key) {
        Graph g = FastVsReference.graph(node, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, Backends.discover().only(List.of("cpu-reference")), null);
        Tensor got = FastVsReference.run(g, feeds, cl, "opencl:" + key);
        io.jengine.verify.Comparison c = io.jengine.verify.Comparison.of(want, got,
                io.jengine.verify.Tolerance.forDType(want.dtype()));
        assertTrue(c.matches(), node.opType() + ": " + c.mismatch());
    }

    @ParameterizedTest(name = "n{0} c{1} {2}x{3} m{4} k{5} s{6} p{7} d{8} g{9} {10}")
    @CsvSource(delimiter = ';', value = {
        "1; 3; 17; 19; 8; 3; 1; 1,1,1,1; 1; 1; NOTSET",
        "2; 16; 13; 11; 70; 3; 1; 1,1,1,1; 1; 1; NOTSET",
        "1; 17; 7; 9; 18; 3; 1; 0,1,1,0; 1; 1; NOTSET",
        "2; 16; 10; 11; 24; 1; 2; 0,0,0,0; 1; 1; NOTSET",
        "1; 8; 15; 15; 8; 3; 2; 1,1,1,1; 1; 8; NOTSET",
        "1; 12; 14; 13; 24; 5; 1; 2,2,2,2; 1; 12; NOTSET",
        "1; 3; 23; 23; 16; 7; 2; 3,3,3,3; 1; 1; NOTSET",
        "1; 16; 12; 12; 32; 3; 1; 0,1,1,0; 2; 4; NOTSET",
        "1; 6; 11; 10; 9; 3; 2; 0,0,0,0; 1; 1; SAME_UPPER",
        "2; 5; 9; 8; 7; 2; 1; 0,0,0,0; 1; 1; SAME_LOWER",
    })
    void convMatchesTheReference(int n, int c, int h, int w, int m, int k, int stride, String pads, int dilation,
                                 int group, String autoPad) {
        Random r = new Random(31L * c + h);
        Node.Builder b = Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("dilations", new long[] {dilation, dilation}))
                .attr(Attribute.of("group", (long) group));
        if (autoPad.equals("NOTSET")) {
            String[] p = pads.split(",");
            b.attr(Attribute.of("pads", new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]),
                    Long.parseLong(p[3])}));
        } else {
            b.attr(Attribute.of("auto_pad", autoPad));
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / group, k, k));
        weights.put("b", random(r, m));
        check(b.build(), Map.of("x", random(r, n, c, h, w)), weights, (long) (c / group) * k * k + 1, "conv");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid", "Tanh", "SiLU", "Gelu"})
    void fusedConvWithResidualAndActivationMatchesTheReference(String activation) {
        Random r = new Random(activation.hashCode());
        for (int group : new int[] {1, 6}) {
            Node node = Node.builder(FusedOpSpec.FUSED_CONV).domain(FusedOpSpec.DOMAIN).name("fc")
                    .inputs("x", "w", "b", "z").outputs("y")
                    .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).attr(Attribute.of("group", (long) group))
                    .attr(Attribute.of(FusedOpSpec.ACTIVATION, activation))
                    .attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, new float[] {-0.5f, 0.6f})).build();
            Map<String, Tensor> weights = new LinkedHashMap<>();
            weights.put("w", random(r, 6, 6 / group, 3, 3));
            weights.put("b", random(r, 6));
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            feeds.put("x", random(r, 1, 6, 9, 7));
            feeds.put("z", random(r, 1, 6, 9, 7));
            check(node, feeds, weights, 6L / group * 9 + 2, "conv");
        }
    }

    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} p{4} op{5} d{6} g{7}")
    @CsvSource(delimiter = ';', value = {"4; 6; 2; 2; 0,0,0,0; 0; 1; 1", "6; 4; 3; 2; 1,1,1,1; 1; 1; 2",
            "5; 7; 3; 1; 1,0,0,1; 0; 2; 1", "8; 8; 4; 2; 1,1,1,1; 0; 1; 1"})
    void convTransposeMatchesTheReference(int c, int m, int k, int s, String pads, int outPad, int d, int g) {
        Random r = new Random(c * 31L + m + k);
        String[] p = pads.split(",");
        Node node = Node.builder("ConvTranspose").name("ct").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("strides", new long[] {s, s})).attr(Attribute.of("dilations", new long[] {d, d}))
                .attr(Attribute.of("pads", new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]),
                        Long.parseLong(p[3])}))
                .attr(Attribute.of("output_padding", new long[] {outPad, outPad})).attr(Attribute.of("group", (long) g))
                .build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, c, m / g, k, k));
        weights.put("b", random(r, m));
        check(node, Map.of("x", random(r, 2, c, 5, 7)), weights, (long) c / g * k * k + 1, "conv-transpose");
    }

    @ParameterizedTest(name = "transA {0} transB {1} C {2}")
    @CsvSource({"0, 0, 70", "1, 0, 70", "0, 1, 1", "1, 1, 33x1", "0, 1, 33x70", "0, 0, none"})
    void gemmMatchesTheReference(int ta, int tb, String c) {
        Random r = new Random(ta * 7L + tb + c.hashCode());
        int m = 33, k = 45, n = 70;
        List<String> inputs = c.equals("none") ? List.of("a", "b") : List.of("a", "b", "c");
        Node node = Node.builder("Gemm").name("g").inputs(inputs.toArray(String[]::new)).outputs("y")
                .attr(Attribute.of("transA", (long) ta)).attr(Attribute.of("transB", (long) tb))
                .attr(Attribute.of("alpha", 0.7f)).attr(Attribute.of("beta", 1.3f)).build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", ta == 1 ? random(r, k, m) : random(r, m, k));
        feeds.put("b", tb == 1 ? random(r, n, k) : random(r, k, n));
        if (!c.equals("none")) {
            long[] shape = java.util.Arrays.stream(c.split("x")).mapToLong(Long::parseLong).toArray();
            feeds.put("c", random(r, shape));
        }
        check(node, feeds, Map.of(), k + 1, "gemm");
    }

    /**
     * The tiled kernels under every kind of tiling the tuner may pick: one work-item per group, rectangular groups and
     * register tiles, K steps shorter and longer than the depth, tiles far larger than the result. Gemm with
     * transposes and bias, a grouped padded convolution, a transposed one, each against the reference.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1x1.kc4.mc1.nc1", "2x2.kc8.mc8.nc8", "2x4.kc8.mc16.nc64", "4x2.kc32.mc64.nc16",
            "8x8.kc16.mc64.nc64", "4x8.kc4.mc32.nc256", "8x4.kc64.mc128.nc32", "1x8.kc16.mc8.nc64"})
    void tiledKernelsMatchTheReferenceUnderEveryTiling(String tiling) {
        Random r = new Random(tiling.hashCode());
        Node gemm = Node.builder("Gemm").name("g").inputs("a", "b", "c").outputs("y")
                .attr(Attribute.of("transA", 1L)).attr(Attribute.of("transB", 1L))
                .attr(Attribute.of("alpha", 0.7f)).attr(Attribute.of("beta", 1.3f)).build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", random(r, 45, 33));
        feeds.put("b", random(r, 70, 45));
        feeds.put("c", random(r, 70));
        check(gemm, feeds, Map.of(), 46, "gemm@" + tiling);

        Node conv = Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("pads", new long[] {1, 0, 2, 1})).attr(Attribute.of("strides", new long[] {2, 1}))
                .attr(Attribute.of("group", 2L)).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, 18, 5, 3, 3));
        weights.put("b", random(r, 18));
        check(conv, Map.of("x", random(r, 2, 10, 13, 11)), weights, 5L * 9 + 1, "conv@" + tiling);

        Node ct = Node.builder("ConvTranspose").name("ct").inputs("x", "w").outputs("y")
                .attr(Attribute.of("strides", new long[] {2, 2})).attr(Attribute.of("pads", new long[] {1, 1, 1, 1}))
                .build();
        check(ct, Map.of("x", random(r, 1, 6, 5, 7)), Map.of("w", random(r, 6, 9, 3, 3)), 6L * 9, "conv-transpose@"
                + tiling);
    }

    /**
     * The same kernels staged in two local buffers, one barrier per K step (what a GPU runs by default), forced on
     * the test device; the integer kernels too, K shorter and longer than a step.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1x1.kc4.mc1.nc1", "2x4.kc8.mc16.nc64", "8x4.kc64.mc128.nc32", "4x4.kc16.mc64.nc64"})
    void doubleBufferedTiledKernelsMatchTheReference(String tiling) {
        String before = System.getProperty(OpenClDevice.DOUBLE_BUFFER);
        System.setProperty(OpenClDevice.DOUBLE_BUFFER, "true");
        try {
            tiledKernelsMatchTheReferenceUnderEveryTiling(tiling);
            OpenClDevice device = (OpenClDevice) cl.ordered().getFirst().device();
            assertTrue(device.doubleBuffered(ClTiling.of(io.jengine.spi.GemmTiling.parse(tiling))), tiling);
            quantizedConvMatchesTheReference("INT8", "INT8", "INT8", 2);
            quantizedMatMulMatchesTheReference("UINT8", "UINT8");
        } finally {
            if (before == null) System.clearProperty(OpenClDevice.DOUBLE_BUFFER);
            else System.setProperty(OpenClDevice.DOUBLE_BUFFER, before);
        }
    }

    @ParameterizedTest(name = "{0} @ {1}")
    @CsvSource({"5x17x30, 30x9", "2x1x5x17x30, 3x1x30x9", "30, 3x30x9", "4x17x30, 30", "17x30, 4x30x65"})
    void matMulMatchesTheReference(String a, String b) {
        Random r = new Random(a.hashCode() * 31L + b.hashCode());
        long[] as = java.util.Arrays.stream(a.split("x")).mapToLong(Long::parseLong).toArray();
        long[] bs = java.util.Arrays.stream(b.split("x")).mapToLong(Long::parseLong).toArray();
        Node node = Node.builder("MatMul").name("mm").inputs("a", "b").outputs("y").build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", random(r, as));
        feeds.put("b", random(r, bs));
        check(node, feeds, Map.of(), 31, "gemm");
    }

    @Test
    void fusedMatMulAddsBiasAndActivation() {
        Random r = new Random(5);
        Node node = Node.builder(FusedOpSpec.FUSED_MATMUL).domain(FusedOpSpec.DOMAIN).name("fm").inputs("a", "b", "bias")
                .outputs("y").attr(Attribute.of(FusedOpSpec.ACTIVATION, "Gelu")).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("b", random(r, 40, 24));
        weights.put("bias", random(r, 24));
        check(node, Map.of("a", random(r, 2, 7, 40)), weights, 41, "gemm");
    }

    @ParameterizedTest(name = "{0} k{1} s{2} p{3} ceil {4} incl {5} d{6}")
    @CsvSource(delimiter = ';', value = {
        "MaxPool; 3; 2; 1,1,1,1; 0; 0; 1", "MaxPool; 2; 2; 0,0,0,0; 1; 0; 1", "MaxPool; 3; 1; 1,1,1,1; 0; 0; 2",
        "AveragePool; 3; 2; 1,1,1,1; 0; 0; 1", "AveragePool; 3; 2; 1,1,1,1; 0; 1; 1",
        "AveragePool; 2; 2; 0,0,1,1; 1; 1; 1", "AveragePool; 5; 3; 0,0,0,0; 1; 0; 1"})
    void poolsMatchTheReference(String op, int k, int s, String pads, int ceil, int include, int dil) {
        Random r = new Random(op.hashCode() + k * 7L + s);
        String[] p = pads.split(",");
        Node.Builder b = Node.builder(op).name("p").inputs("x").outputs("y")
                .attr(Attribute.of("kernel_shape", new long[] {k, k})).attr(Attribute.of("strides", new long[] {s, s}))
                .attr(Attribute.of("pads", new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]),
                        Long.parseLong(p[3])}))
                .attr(Attribute.of("ceil_mode", (long) ceil));
        if (op.equals("AveragePool")) b.attr(Attribute.of("count_include_pad", (long) include));
        if (dil > 1) b.attr(Attribute.of("dilations", new long[] {dil, dil}));
        check(b.build(), Map.of("x", random(r, 2, 5, 13, 14)), Map.of(), (long) k * k, "pool");
    }

    /** 1-D convolutions (as the 2-D kernels of height 1): padded, strided, dilated, grouped, depthwise; 1-D pools. */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} p{4} d{5} g{6}")
    @CsvSource(delimiter = ';', value = {"4; 6; 3; 1; 1,1; 1; 1", "6; 8; 5; 2; 2,1; 1; 2", "8; 8; 3; 1; 0,0; 2; 8",
            "3; 16; 7; 3; 3,3; 1; 1"})
    void oneDimensionalConvolutionsAndPoolsMatchTheReference(int c, int m, int k, int s, String pads, int d, int g) {
        Random r = new Random(c * 13L + m + k);
        String[] p = pads.split(",");
        long[] pad = {Long.parseLong(p[0]), Long.parseLong(p[1])};
        Node conv = Node.builder("Conv").name("conv1d").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("strides", new long[] {s})).attr(Attribute.of("dilations", new long[] {d}))
                .attr(Attribute.of("pads", pad)).attr(Attribute.of("group", (long) g)).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / g, k));
        weights.put("b", random(r, m));
        check(conv, Map.of("x", random(r, 2, c, 29)), weights, (long) (c / g) * k + 1, "conv");
        for (String op : List.of("MaxPool", "AveragePool")) {
            Node pool = Node.builder(op).name("pool1d").inputs("x").outputs("y")
                    .attr(Attribute.of("kernel_shape", new long[] {k})).attr(Attribute.of("strides", new long[] {s}))
                    .attr(Attribute.of("pads", pad)).build();
            check(pool, Map.of("x", random(r, 2, c, 29)), Map.of(), k, "pool");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GlobalAveragePool", "GlobalMaxPool"})
    void globalPoolsMatchTheReference(String op) {
        Node node = Node.builder(op).name("gp").inputs("x").outputs("y").build();
        Tensor x = withSpecials(random(new Random(3), 2, 7, 9, 11));
        check(node, Map.of("x", x), Map.of(), 99, "pool.global");
    }

    @ParameterizedTest(name = "{0} axis {1}")
    @CsvSource({"Softmax, -1", "Softmax, 1", "LogSoftmax, -1", "LogSoftmax, 0"})
    void softmaxMatchesTheReference(String op, int axis) {
        Node node = Node.builder(op).name("s").inputs("x").outputs("y").attr(Attribute.of("axis", (long) axis)).build();
        check(node, Map.of("x", random(new Random(axis + 9), 3, 37, 5)), Map.of(), 37, "softmax");
    }

    @Test
    void layerNormalizationMatchesTheReference() {
        Random r = new Random(12);
        Node node = Node.builder("LayerNormalization").name("ln").inputs("x", "s", "b").outputs("y")
                .attr(Attribute.of("axis", -1L)).attr(Attribute.of("epsilon", 1e-5f)).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("s", random(r, 300));
        weights.put("b", random(r, 300));
        check(node, Map.of("x", random(r, 2, 3, 300)), weights, 300, "layernorm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "Sigmoid", "Tanh", "Exp", "Neg", "Abs", "Sqrt", "Log", "Reciprocal", "Erf",
            "Softplus", "Floor", "Ceil", "Round", "Sin", "Cos", "Elu", "Selu", "LeakyRelu", "HardSigmoid", "HardSwish",
            "Sign", "Gelu"})
    void unaryOpsMatchTheReferenceWithNaNAndInfinities(String op) {
        Node node = Node.builder(op).name("u").inputs("x").outputs("y").build();
        check(node, Map.of("x", withSpecials(scaled(random(new Random(op.hashCode()), 3, 41), 3))), Map.of(), 1,
                "elementwise");
    }

    @Test
    void clipTakesItsBoundsFromConstants() {
        Node node = Node.builder("Clip").name("c").inputs("x", "lo", "hi").outputs("y").build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("lo", Tensor.ofFloats(new long[0], -0.3f));
        weights.put("hi", Tensor.ofFloats(new long[0], 0.4f));
        check(node, Map.of("x", withSpecials(random(new Random(2), 50))), weights, 1, "elementwise");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"Add, 3x4x5, 3x4x5", "Sub, 3x4x5, 5", "Mul, 3x1x5, 4x1", "Div, 1, 3x4x5", "Pow, 2x3, 2x3",
            "Max, 3x4x5, 4x5", "Min, 4x1, 3x1x5", "PRelu, 2x3x4x5, 3x1x1"})
    void binaryOpsBroadcastLikeTheReference(String op, String a, String b) {
        Random r = new Random(op.hashCode());
        long[] as = java.util.Arrays.stream(a.split("x")).mapToLong(Long::parseLong).toArray();
        long[] bs = java.util.Arrays.stream(b.split("x")).mapToLong(Long::parseLong).toArray();
        Tensor x = op.equals("Pow") ? abs(random(r, as)) : withSpecials(random(r, as));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", x);
        feeds.put("b", random(r, bs));
        check(Node.builder(op).name("bin").inputs("a", "b").outputs("y").build(), feeds, Map.of(), 1,
                "elementwise.binary");
    }

    @ParameterizedTest(name = "mask {0}")
    @ValueSource(booleans = {false, true})
    void attentionMatchesTheReference(boolean masked) {
        Random r = new Random(masked ? 3 : 4);
        Node.Builder b = Node.builder(FusedOpSpec.ATTENTION).domain(FusedOpSpec.DOMAIN).name("att")
                .outputs("y").attr(Attribute.of("q_scale", 0.5f)).attr(Attribute.of("k_scale", 0.7f));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("q", random(r, 2, 3, 7, 8));
        feeds.put("k", random(r, 2, 1, 8, 9));
        feeds.put("v", random(r, 2, 3, 9, 5));
        if (masked) {
            // a fully masked row gives NaN probabilities, which nan_value replaces
            float[] m = random(r, 2, 1, 1, 9).toFloatArray();
            for (int j = 0; j < 9; j++) m[j] = Float.NEGATIVE_INFINITY;
            m[12] = Float.NEGATIVE_INFINITY;
            feeds.put("mask", Tensor.ofFloats(new long[] {2, 1, 1, 9}, m));
            b.inputs("q", "k", "v", "mask").attr(Attribute.of("nan_value", 0f));
        } else {
            b.inputs("q", "k", "v");
        }
        check(b.build(), feeds, Map.of(), 9 * 8, "attention");
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({"nearest, asymmetric, floor, 2x2", "nearest, half_pixel, round_prefer_floor, 1.5x0.75",
            "nearest, align_corners, round_prefer_ceil, sizes 9x20", "linear, half_pixel, floor, 2x2",
            "linear, pytorch_half_pixel, floor, 0.5x0.6", "linear, align_corners, floor, sizes 11x4",
            "linear, asymmetric, floor, 3x1"})
    void resizeMatchesTheReference(String mode, String coord, String rounding, String scales) {
        Random r = new Random(mode.hashCode() + coord.hashCode());
        Node.Builder b = Node.builder("Resize").name("rs").outputs("y").attr(Attribute.of("mode", mode))
                .attr(Attribute.of("coordinate_transformation_mode", coord)).attr(Attribute.of("nearest_mode", rounding));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        if (scales.startsWith("sizes ")) {
            String[] hw = scales.substring(6).split("x");
            weights.put("sizes", Tensor.ofLongs(new long[] {4}, 2, 3, Long.parseLong(hw[0]), Long.parseLong(hw[1])));
            b.inputs("x", "", "", "sizes");
        } else {
            String[] hw = scales.split("x");
            weights.put("scales", Tensor.ofFloats(new long[] {4}, 1, 1, Float.parseFloat(hw[0]), Float.parseFloat(hw[1])));
            b.inputs("x", "", "scales");
        }
        check(b.build(), Map.of("x", random(r, 2, 3, 7, 10)), weights, 4, "resize");
    }

    @Test
    void elementwiseChainCompilesItsProgram() {
        Random r = new Random(8);
        // ((x + y) * 0.5-ish via Mul with z) then Clip then Sigmoid
        Node node = Node.builder(FusedOpSpec.ELEMENTWISE_CHAIN).domain(FusedOpSpec.DOMAIN).name("chain")
                .inputs("x", "y", "z").outputs("out")
                .attr(Attribute.ofStrings("ops", List.of("Add", "Mul", "Clip", "Sigmoid", "Sub")))
                .attr(Attribute.of("args", new long[] {0, 1, -1, 2, -2, 0, -3, 0, -4, 0}))
                .attr(Attribute.of("params", new float[] {0, 0, 0, 0, -0.25f, Float.POSITIVE_INFINITY, 0, 0, 0, 0}))
                .build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", withSpecials(random(r, 2, 3, 17)));
        feeds.put("y", random(r, 3, 1));
        feeds.put("z", random(r, 17));
        check(node, feeds, Map.of(), 3, "elementwise-chain");
    }

    @Test
    void dataMovementMatchesTheReference() {
        Random r = new Random(4);
        Node t = Node.builder("Transpose").name("t").inputs("x").outputs("y")
                .attr(Attribute.of("perm", new long[] {2, 0, 3, 1})).build();
        check(t, Map.of("x", random(r, 3, 4, 5, 6)), Map.of(), 1, "transpose");
        Node s = Node.builder("Slice").name("s").inputs("x", "st", "en", "ax", "sp").outputs("y").build();
        Map<String, Tensor> sw = new LinkedHashMap<>();
        sw.put("st", Tensor.ofLongs(new long[] {2}, -1, 1));
        sw.put("en", Tensor.ofLongs(new long[] {2}, -100, 6));
        sw.put("ax", Tensor.ofLongs(new long[] {2}, 2, 1));
        sw.put("sp", Tensor.ofLongs(new long[] {2}, -2, 2));
        check(s, Map.of("x", random(r, 3, 7, 9)), sw, 1, "slice");
        Node c = Node.builder("Concat").name("c").inputs("a", "b", "d").outputs("y").attr(Attribute.of("axis", 1L)).build();
        Map<String, Tensor> cf = new LinkedHashMap<>();
        cf.put("a", random(r, 2, 3, 4));
        cf.put("b", random(r, 2, 1, 4));
        cf.put("d", random(r, 2, 5, 4));
        check(c, cf, Map.of(), 1, "concat");
        Node g = Node.builder("Gather").name("g").inputs("x", "i").outputs("y").attr(Attribute.of("axis", 1L)).build();
        check(g, Map.of("x", random(r, 3, 10, 4)), Map.of("i", Tensor.ofLongs(new long[] {2, 3}, 0, -1, 4, 9, 2, -10)),
                1, "gather");
    }

    @ParameterizedTest(name = "{0} axes [{1}] keepdims {2}")
    @CsvSource(delimiter = ';', value = {"ReduceSum; 1,3; 1", "ReduceSum; ; 0", "ReduceMean; -1; 0", "ReduceMax; 0,2; 1",
            "ReduceMin; 2; 0", "ReduceProd; 3; 1", "ReduceL1; 1; 1", "ReduceL2; 0,1,2,3; 0", "ReduceLogSum; 2,3; 1",
            "ReduceLogSumExp; 1; 0", "ReduceSumSquare; 0,3; 1"})
    void reductionsMatchTheReference(String op, String axes, int keepdims) {
        Random r = new Random(op.hashCode() + 31L * java.util.Objects.hashCode(axes));
        boolean hasAxes = axes != null && !axes.isBlank();
        Node.Builder b = Node.builder(op).name("r").outputs("y").attr(Attribute.of("keepdims", (long) keepdims));
        b.inputs(hasAxes ? new String[] {"x", "axes"} : new String[] {"x"});
        Map<String, Tensor> weights = new LinkedHashMap<>();
        if (hasAxes) {
            long[] a = java.util.Arrays.stream(axes.split(",")).mapToLong(Long::parseLong).toArray();
            weights.put("axes", Tensor.ofLongs(new long[] {a.length}, a));
        }
        Tensor x = random(r, 3, 4, 5, 6);
        if (op.equals("ReduceLogSum")) { // a log of a sum of positives
            float[] v = x.toFloatArray();
            for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
            x = Tensor.ofFloats(x.shape(), v);
        }
        Node node = b.build();
        if (op.startsWith("ReduceLog")) {
            checkSame(node, Map.of("x", x), weights, "reduce");
        } else {
            check(node, Map.of("x", x), weights, 360, "reduce");
            // NaN and infinities propagate as the reference's do
            check(node, Map.of("x", withSpecials(x)), weights, 360, "reduce");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"constant", "edge", "reflect", "wrap"})
    void padMatchesTheReferenceInEveryMode(String mode) {
        Random r = new Random(mode.hashCode());
        Node node = Node.builder("Pad").name("p").inputs("x", "pads", "value").outputs("y")
                .attr(Attribute.of("mode", mode)).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        // leading then trailing pads per axis; a negative one crops
        weights.put("pads", Tensor.ofLongs(new long[] {8}, 0, 1, 2, -1, 1, 0, 3, 2));
        weights.put("value", Tensor.ofFloats(new long[0], 1.5f));
        checkSame(node, Map.of("x", random(r, 2, 3, 4, 5)), weights, "pad");
    }

    @Test
    void expandBroadcastsLikeTheReference() {
        Node node = Node.builder("Expand").name("e").inputs("x", "shape").outputs("y").build();
        checkSame(node, Map.of("x", random(new Random(9), 3, 1, 5)),
                Map.of("shape", Tensor.ofLongs(new long[] {4}, 2, 3, 4, 5)), "expand");
    }

    /** uint8 or int8 codes of the given shape, every value of the type present. */
    static Tensor codes(Random r, DType t, long... shape) {
        Tensor c = Tensor.allocate(t, shape);
        for (long i = 0; i < c.size(); i++) c.setLong(i, t == DType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
        return c;
    }

    /**
     * A chain with quantized ends, as QDQ models have between their integer layers: codes in, dequantized, BatchNorm's
     * scale and bias, Clip, quantized out. The reference computes the steps in double, the device in float, so a code
     * may land one step off at a tie, never more, and rarely.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"UINT8, UINT8", "INT8, INT8", "UINT8, none", "none, INT8"})
    void chainsWithQuantizedEndsMatchTheReference(String in, String out) {
        Random r = new Random(in.hashCode() * 7L + out.hashCode());
        DType inType = in.equals("none") ? null : DType.valueOf(in), outType = out.equals("none") ? null : DType.valueOf(out);
        io.jengine.ir.ChainCodes ends = new io.jengine.ir.ChainCodes(new DType[] {inType, null, null},
                new float[] {0.05f, 0, 0}, new float[] {inType == DType.UINT8 ? 7 : inType == DType.INT8 ? -3 : 0, 0, 0},
                outType, 0.04f, outType == DType.UINT8 ? 11 : outType == DType.INT8 ? 2 : 0);
        Node.Builder b = Node.builder(FusedOpSpec.ELEMENTWISE_CHAIN).domain(FusedOpSpec.DOMAIN).name("qchain")
                .inputs("x", "s", "t").outputs("y")
                .attr(Attribute.ofStrings("ops", List.of("Mul", "Add", "Clip")))
                .attr(Attribute.of("args", new long[] {0, 1, -1, 2, -2, 0}))
                .attr(Attribute.of("params", new float[] {0, 0, 0, 0, -1.5f, 4f}));
        for (Attribute a : ends.attributes()) b.attr(a);
        Node node = b.build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", inType == null ? scaled(random(r, 2, 6, 7, 5), 6) : codes(r, inType, 2, 6, 7, 5));
        feeds.put("s", random(r, 6, 1, 1));
        feeds.put("t", random(r, 6, 1, 1));
        Graph g = FastVsReference.graph(node, feeds, Map.of());
        Tensor want = FastVsReference.run(g, feeds, Backends.discover().only(List.of("cpu-reference")), null);
        Tensor got = FastVsReference.run(g, feeds, cl, "opencl:elementwise-chain");
        if (outType == null) {
            io.jengine.verify.Comparison c = io.jengine.verify.Comparison.of(want, got,
                    io.jengine.verify.Tolerance.forDType(DType.FLOAT32));
            assertTrue(c.matches(), c.mismatch());
        } else {
            long off = FastVsReference.oneStepOff(want, got);
            assertTrue(off <= want.size() / 100, off + " of " + want.size() + " codes one step off");
        }
    }

    @ParameterizedTest(name = "{0} per {1}")
    @CsvSource({"UINT8, tensor", "INT8, tensor", "UINT8, channel", "INT8, channel"})
    void quantizeAndDequantizeMatchTheReference(String type, String per) {
        Random r = new Random(type.hashCode() + per.hashCode());
        DType t = DType.valueOf(type);
        boolean channel = per.equals("channel");
        long[] scaleShape = channel ? new long[] {5} : new long[0];
        Tensor scale = Tensor.ofFloats(scaleShape, channel ? new float[] {0.02f, 0.05f, 0.1f, 0.013f, 0.07f}
                : new float[] {0.03f});
        Tensor zero = Tensor.allocate(t, scaleShape);
        for (long i = 0; i < zero.size(); i++) zero.setLong(i, t == DType.UINT8 ? 100 + i : i - 2);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("scale", scale);
        weights.put("zero", zero);
        Node q = Node.builder("QuantizeLinear").name("q").inputs("x", "scale", "zero").outputs("y")
                .attr(Attribute.of("axis", 1L)).build();
        // values past both ends of the codes' range, ties of the rounding, NaN and infinities
        float[] v = scaled(random(r, 3, 5, 4, 6), 6).toFloatArray();
        v[1] = 0.5f * 0.03f;
        v[3] = 2.5f * 0.03f;
        Tensor x = withSpecials(Tensor.ofFloats(new long[] {3, 5, 4, 6}, v));
        checkSame(q, Map.of("x", x), weights, "quantize");
        Node dq = Node.builder("DequantizeLinear").name("dq").inputs("x", "scale", "zero").outputs("y")
                .attr(Attribute.of("axis", 1L)).build();
        checkSame(dq, Map.of("x", codes(r, t, 3, 5, 4, 6)), weights, "dequantize");
    }

    /** A zero point: one value of a code type. */
    static Tensor zeroPoint(DType t, long v) {
        Tensor z = Tensor.allocate(t, new long[0]);
        z.setLong(0, v);
        return z;
    }

    /** Runs {@code node} on the reference and on the device (the tactic {@code key}); codes may be one step off. */
    private static void checkCodes(Node node, Map<String, Tensor> feeds, Map<String, Tensor> weights, String key) {
        Graph g = FastVsReference.graph(node, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, Backends.discover().only(List.of("cpu-reference")), null);
        Tensor got = FastVsReference.run(g, feeds, cl, key);
        if (want.dtype() == DType.FLOAT32) {
            // the sum is exact on both sides; its scaling, bias and residual are a few float32 roundings of values
            // under 100
            io.jengine.verify.Comparison c = io.jengine.verify.Comparison.of(want, got,
                    io.jengine.verify.Tolerance.float32Sum(4, 100));
            assertTrue(c.matches(), c.mismatch());
        } else {
            assertTrue(want.dtype() == got.dtype(), got.describe());
            long off = FastVsReference.oneStepOff(want, got);
            assertTrue(off <= Math.max(1, want.size() / 50), off + " of " + want.size() + " codes one step off");
        }
    }

    /**
     * QuantizedConv on the device: uint8 and int8 sources, grouped and padded (the padding is the zero point), per
     * channel weight scales, bias, a residual as float32 or as codes, Relu, a float32 or requantized output.
     */
    @ParameterizedTest(name = "x {0} residual {1} y {2} group {3}")
    @CsvSource({"UINT8, none, UINT8, 1", "INT8, INT8, INT8, 2", "UINT8, FLOAT32, FLOAT32, 1", "UINT8, UINT8, UINT8, 4",
            "INT8, none, FLOAT32, 1"})
    void quantizedConvMatchesTheReference(String xType, String residual, String yType, int group) {
        Random r = new Random(xType.hashCode() * 31L + residual.hashCode() + yType.hashCode() + group);
        DType xt = DType.valueOf(xType), yt = DType.valueOf(yType);
        int c = 8, m = 12;
        List<String> inputs = new java.util.ArrayList<>(List.of("x", "xs", "xz", "w", "ws", "b"));
        Map<String, Tensor> feeds = new LinkedHashMap<>(), weights = new LinkedHashMap<>();
        feeds.put("x", codes(r, xt, 2, c, 9, 7));
        weights.put("xs", Tensor.ofFloats(new long[0], 0.02f));
        weights.put("xz", zeroPoint(xt, xt == DType.UINT8 ? 120 : -5));
        weights.put("w", codes(r, DType.INT8, m, c / group, 3, 3));
        float[] ws = new float[m];
        for (int i = 0; i < m; i++) ws[i] = 0.002f + 0.001f * i;
        weights.put("ws", Tensor.ofFloats(new long[] {m}, ws));
        weights.put("b", random(r, m));
        if (!residual.equals("none")) {
            inputs.add("z");
            DType zt = DType.valueOf(residual);
            feeds.put("z", zt == DType.FLOAT32 ? random(r, 2, m, 9, 7) : codes(r, zt, 2, m, 9, 7));
        } else {
            inputs.add("");
        }
        if (yt != DType.FLOAT32) {
            inputs.add("ys");
            inputs.add("yz");
            weights.put("ys", Tensor.ofFloats(new long[0], 0.05f));
            weights.put("yz", zeroPoint(yt, yt == DType.UINT8 ? 3 : 1));
        } else {
            inputs.add("");
            inputs.add("");
        }
        if (!residual.equals("none") && !residual.equals("FLOAT32")) {
            DType zt = DType.valueOf(residual);
            inputs.add("zs");
            inputs.add("zz");
            weights.put("zs", Tensor.ofFloats(new long[0], 0.03f));
            weights.put("zz", zeroPoint(zt, zt == DType.UINT8 ? 128 : 0));
        }
        while (inputs.getLast().isEmpty()) inputs.removeLast();
        Node node = Node.builder(FusedOpSpec.QUANTIZED_CONV).domain(FusedOpSpec.DOMAIN).name("qc")
                .inputs(inputs.toArray(String[]::new)).outputs("y")
                .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).attr(Attribute.of("group", (long) group))
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, "Relu")).build();
        checkCodes(node, feeds, weights, "opencl:qconv");
    }

    @ParameterizedTest(name = "a {0} y {1}")
    @CsvSource({"UINT8, UINT8", "INT8, FLOAT32", "INT8, INT8"})
    void quantizedMatMulMatchesTheReference(String aType, String yType) {
        Random r = new Random(aType.hashCode() * 7L + yType.hashCode());
        DType at = DType.valueOf(aType), yt = DType.valueOf(yType);
        int k = 45, n = 33;
        Map<String, Tensor> feeds = new LinkedHashMap<>(), weights = new LinkedHashMap<>();
        feeds.put("a", codes(r, at, 2, 17, k));
        weights.put("as", Tensor.ofFloats(new long[0], 0.03f));
        weights.put("az", zeroPoint(at, at == DType.UINT8 ? 130 : 4));
        weights.put("b", codes(r, DType.INT8, k, n));
        weights.put("bs", Tensor.ofFloats(new long[0], 0.004f));
        weights.put("bias", random(r, n));
        List<String> inputs = new java.util.ArrayList<>(List.of("a", "as", "az", "b", "bs", "bias"));
        if (yt != DType.FLOAT32) {
            inputs.addAll(List.of("ys", "yz"));
            weights.put("ys", Tensor.ofFloats(new long[0], 0.04f));
            weights.put("yz", zeroPoint(yt, yt == DType.UINT8 ? 128 : 0));
        }
        Node node = Node.builder(FusedOpSpec.QUANTIZED_MATMUL).domain(FusedOpSpec.DOMAIN).name("qm")
                .inputs(inputs.toArray(String[]::new)).outputs("y").build();
        checkCodes(node, feeds, weights, "opencl:qgemm");
    }

    @Test
    void maskOpsMatchTheReference() {
        Random r = new Random(21);
        Tensor cond = bools(r, 3, 1, 5);
        Map<String, Tensor> wf = new LinkedHashMap<>();
        wf.put("c", cond);
        wf.put("x", withSpecials(random(r, 4, 5)));
        wf.put("y", random(r, 3, 4, 1));
        checkSame(Node.builder("Where").name("w").inputs("c", "x", "y").outputs("z").build(), wf, "where");
        for (String op : List.of("And", "Or", "Xor")) {
            Map<String, Tensor> lf = new LinkedHashMap<>();
            lf.put("a", bools(r, 2, 3, 4));
            lf.put("b", bools(r, 3, 1));
            checkSame(Node.builder(op).name("l").inputs("a", "b").outputs("z").build(), lf, "logical");
        }
        Tensor longs = Tensor.ofLongs(new long[] {6}, -3, 0, 1, 7, 1L << 40, -1L << 35);
        for (long to : new long[] {1, 6, 7, 9}) { // float32, int32, int64, bool
            Node cast = Node.builder("Cast").name("cast").inputs("x").outputs("y").attr(Attribute.of("to", to)).build();
            if (to != 7) checkSame(cast, Map.of("x", longs), "cast");
            if (to != 1) checkSame(cast, Map.of("x", scaled(random(r, 9), 40)), "cast");
        }
    }

    static Tensor bools(Random r, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        boolean[] v = new boolean[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = r.nextBoolean();
        return Tensor.ofBools(shape, v);
    }

    @Test
    void gatherOutOfRangeIsAnErrorNamingTheNode() {
        Node g = Node.builder("Gather").name("lookup").inputs("x", "i").outputs("y").build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", random(new Random(1), 10, 4));
        feeds.put("i", Tensor.ofLongs(new long[] {2}, 3, 10));
        Graph graph = FastVsReference.graph(g, feeds, Map.of());
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> FastVsReference.run(graph, feeds, cl, "opencl:gather"));
        assertTrue(e.getMessage().contains("lookup") && e.getMessage().contains("out of range"), e.getMessage());
    }

    /** {@code t} with NaN, +Inf and -Inf in its first elements. */
    static Tensor withSpecials(Tensor t) {
        float[] v = t.toFloatArray();
        v[0] = Float.NaN;
        if (v.length > 2) v[2] = Float.POSITIVE_INFINITY;
        if (v.length > 5) v[5] = Float.NEGATIVE_INFINITY;
        return Tensor.ofFloats(t.shape(), v);
    }

    static Tensor scaled(Tensor t, float s) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return Tensor.ofFloats(t.shape(), v);
    }

    static Tensor abs(Tensor t) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        return Tensor.ofFloats(t.shape(), v);
    }
}
