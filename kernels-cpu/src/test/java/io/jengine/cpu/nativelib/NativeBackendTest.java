package io.jengine.cpu.nativelib;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.cpu.simd.ConvShape;
import io.jengine.cpu.simd.FastVsReference;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The oneDNN convolution tactic against the reference: geometry, residual, activation, and NaN kept where it lands. */
class NativeBackendTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1x1 on a large plane,       64, 56, 256, 1, 1, 0, 1,   false",
        "1x1 on a small plane,       256, 14, 1024, 1, 1, 0, 1, true",
        "dense 3x3,                  64, 56, 64, 3, 1, 1, 1,    true",
        "stem 7x7 stride 2,          3, 224, 64, 7, 2, 3, 1,    true",
        "depthwise on a small plane, 384, 14, 384, 3, 1, 1, 384, true",
        "depthwise on a large plane, 96, 112, 96, 3, 1, 1, 96,  false",
        "grouped (not depthwise),    64, 28, 64, 3, 1, 1, 4,    false"})
    void theDefaultRuleFollowsTheMeasurements(String what, int c, int h, int m, int k, int stride, int pad, int group,
                                              boolean want) {
        assertEquals(want, NativeBackend.recommends(ConvShape.of(1, c, h, h, m, k, stride, pad, group)), what);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "resnet 3x3 512 stride 2,      512, 14, 512, 3, 2, 1, true",
        "resnet 3x3 256 stride 1,      256, 14, 256, 3, 1, 1, true",
        "resnet 3x3 128 stride 2,      128, 56, 128, 3, 2, 1, false",
        "resnet 3x3 64,                64, 56, 64, 3, 1, 1, false",
        "resnet 1x1 1024 -> 256,       1024, 14, 256, 1, 1, 0, false",
        "stem 7x7 over 3 channels,     3, 224, 64, 7, 2, 3, false"})
    void stagingThroughChannelsLastFollowsTheMeasurements(String what, int c, int h, int m, int k, int stride, int pad,
                                                          boolean want) {
        assertEquals(want, NativeBackend.channelsLastPays(ConvShape.of(1, c, h, h, m, k, stride, pad, 1)), what);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "resnet 64 -> 64 on 56x56,       64, 64, 56, F4X4, true",
        "resnet 256 -> 256 on 14x14,     256, 256, 14, F4X4, true",
        "squeezenet 16 -> 64 on 55x55,   16, 64, 55, F4X4, false",
        "squeezenet 32 -> 128 on 27x27,  32, 128, 27, F4X4, true",
        "squeezenet 64 -> 256 on 13x13,  64, 256, 13, F4X4, true",
        "a 9x9 plane wastes too much,    64, 256, 9, F4X4, false",
        "detector head 96 -> 24,         96, 24, 160, F4X4, false",
        "resnet 512 -> 512 on 7x7,       512, 512, 7, F2X2, true",
        "narrow on 8x8,                  32, 64, 8, F2X2, false"})
    void winogradFollowsTheMeasurements(String what, int c, int m, int h, String variant, boolean want) {
        var p = io.jengine.cpu.simd.conv.ConvParams.of(1, c, h, h, m, 3, 1, 1, 1, 1);
        assertEquals(want, NativeBackend.winogradPays(p, io.jengine.cpu.simd.conv.WinogradVariant.valueOf(variant)),
                what);
    }

    @ParameterizedTest(name = "k{0} s{1} group {2} {3}")
    @CsvSource({"3, 1, 1, Relu", "1, 2, 1, None", "3, 2, 8, Clip", "7, 2, 1, Relu", "3, 1, 2, SiLU", "3, 1, 1, Sigmoid",
        "1, 1, 1, Tanh", "3, 1, 1, HardSwish", "1, 1, 1, HardSigmoid", "3, 1, 1, Gelu"})
    void dnnlConvMatchesTheReference(int k, int stride, int group, String activation) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Random r = new Random(k * 13 + stride + group);
        int c = 8, m = 16;
        float[] params = activation.equals("Clip") ? new float[] {0f, 0.5f}
                : activation.equals("HardSigmoid") ? new float[] {0.3f, 0.4f} : new float[0];
        Node node = Node.builder("FusedConv").domain("jengine").name("c").inputs("x", "w", "b", "z").outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of("group", (long) group))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params)).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None")).attr(Attribute.of("activation_params", new float[0])).build();
        Tensor x = random(r, 2, c, 15, 12);
        float[] v = x.toFloatArray();
        v[77] = Float.NaN;
        v[301] = Float.POSITIVE_INFINITY; // reaches the activation as +Inf, -Inf or NaN (Inf - Inf)
        int oh = (15 + 2 * (k / 2) - k) / stride + 1, ow = (12 + 2 * (k / 2) - k) / stride + 1;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.ofFloats(x.shape(), v));
        feeds.put("z", random(r, 2, m, oh, ow));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / group, k, k));
        weights.put("b", random(r, m));
        FastVsReference.checkKey(node, plain, feeds, weights, (long) (c / group) * k * k + 2, "cpu-native:dnnl.conv");
    }

    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} group {4} {5} block {6} residual {7}")
    @CsvSource({
        "16, 16, 3, 1, 1, Relu, 8, true", "16, 32, 1, 2, 1, None, 8, false", "32, 32, 3, 2, 32, Clip, 8, false",
        "3, 16, 7, 2, 1, Relu, 8, false", "4, 16, 1, 1, 1, Sigmoid, 8, false", "32, 16, 1, 1, 1, SiLU, 16, true",
        "16, 16, 3, 1, 16, None, 16, true", "16, 24, 3, 1, 1, Relu, 0, true", "3, 16, 7, 2, 1, SiLU, 0, false",
        "24, 24, 3, 2, 24, Clip, 0, false", "40, 12, 1, 1, 1, None, 0, true"})
    void blockedConvMatchesTheReference(int c, int m, int k, int stride, int group, String activation, int block,
                                        boolean residual) {
        checkBlocked(c, m, k, stride, group, activation, block, residual, "cpu-native:dnnl.conv-blocked");
    }

    /**
     * Finite inputs: the graph input's measured bound proves that no NaN can arise, so the Relu runs as oneDNN's
     * post-op (DnnlConvVariantTest: its bits are the plain convolution's then Relu) and still matches the reference.
     */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} block {4} residual {5} via {6}")
    @CsvSource({"16, 16, 3, 1, 8, true, cpu-native:dnnl.conv-blocked", "16, 32, 1, 2, 8, false, cpu-native:dnnl.conv-blocked",
        "3, 16, 7, 2, 8, false, cpu-native:dnnl.conv-blocked", "32, 16, 1, 1, 16, true, cpu-native:dnnl.conv-blocked",
        "16, 24, 3, 1, 0, true, cpu-native:dnnl.conv-blocked",
        "16, 48, 3, 2, 16, true, cpu-native:dnnl.conv-blocked-via-nhwc"})
    void blockedConvOnFiniteInputsFusesReluAndMatchesTheReference(int c, int m, int k, int stride, int block,
                                                                    boolean residual, String key) {
        checkBlocked(c, m, k, stride, 1, "Relu", block, residual, key, false);
    }

    /** Staged through channels-last: the reorders of input, residual and output around oneDNN's brgemm kernel. */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} {4} block {5} residual {6}")
    @CsvSource({"16, 16, 3, 1, Relu, 8, true", "16, 32, 3, 2, None, 8, false", "32, 16, 1, 1, SiLU, 16, true",
        "16, 48, 3, 2, Clip, 16, true"})
    void blockedConvThroughChannelsLastMatchesTheReference(int c, int m, int k, int stride, String activation,
                                                           int block, boolean residual) {
        checkBlocked(c, m, k, stride, 1, activation, block, residual, "cpu-native:dnnl.conv-blocked-via-nhwc");
    }

    /**
     * One single-threaded oneDNN convolution per output-channel slice and image, the activation on each slice: offered
     * from 2 threads, which tests get by default on a machine of 2 cores or more.
     */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} {4} block {5} residual {6}")
    @CsvSource({"16, 16, 3, 1, Relu, 8, true", "16, 32, 1, 2, None, 8, false", "32, 32, 1, 1, SiLU, 16, true",
        "16, 24, 3, 2, Clip, 8, true", "24, 40, 3, 1, Relu, 8, false"})
    void blockedConvInOutputChannelSlicesMatchesTheReference(int c, int m, int k, int stride, String activation,
                                                             int block, boolean residual) {
        Assumptions.assumeTrue(io.jengine.spi.IntraOpPool.shared().cores() >= 2, "one core: the split is not offered");
        checkBlocked(c, m, k, stride, 1, activation, block, residual, "cpu-native:dnnl.conv-blocked-split");
    }

    @ParameterizedTest(name = "{0}x{0} plane, {1} channels")
    @CsvSource({"7, 2048, true", "14, 512, true", "14, 256, false", "28, 512, false", "56, 64, false"})
    void splitsByDefaultOnlySmallPlanesOfManyChannels(int plane, int channels, boolean want) {
        ConvShape s = new ConvShape(1, channels / 2, plane, plane, channels, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        assertEquals(want, NativeBackend.splitPays(s));
    }

    private static void checkBlocked(int c, int m, int k, int stride, int group, String activation, int block,
                                     boolean residual, String key) {
        checkBlocked(c, m, k, stride, group, activation, block, residual, key, true);
    }

    private static void checkBlocked(int c, int m, int k, int stride, int group, String activation, int block,
                                     boolean residual, String key, boolean withNaN) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Random r = new Random(c * 31L + m * 7L + k + block);
        float[] params = activation.equals("Clip") ? new float[] {0f, 0.5f} : new float[0];
        int h = 13, w = 10, oh = (h + 2 * (k / 2) - k) / stride + 1, ow = (w + 2 * (k / 2) - k) / stride + 1;
        Node node = Node.builder("BlockedConv").domain("jengine").name("c")
                .inputs(residual ? new String[] {"x", "w", "b", "z"} : new String[] {"x", "w", "b"}).outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of("group", (long) group)).attr(Attribute.of("block", (long) block))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params)).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None")).attr(Attribute.of("activation_params", new float[0])).build();
        // an input whose channels are not a multiple of the block is read plain
        // block 0 is channels-last, [N, 1, H, W, C]
        Tensor x = block == 0 ? random(r, 2, 1, h, w, c) : c % block == 0 ? random(r, 2, c / block, h, w, block) : random(r, 2, c, h, w);
        float[] v = x.toFloatArray();
        if (withNaN) v[77] = Float.NaN;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.ofFloats(x.shape(), v));
        if (residual) feeds.put("z", block == 0 ? random(r, 2, 1, oh, ow, m) : random(r, 2, m / block, oh, ow, block));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / group, k, k));
        weights.put("b", random(r, m));
        FastVsReference.checkKey(node, plain, feeds, weights, (long) (c / group) * k * k + 2, key);
    }

    /**
     * Activations held in bfloat16 between bfloat16 layers: a source read as bfloat16, an output (and its residual)
     * written as bfloat16, or both, against the reference within {@link Tolerance#bfloat16Products}; a NaN in the
     * input lands where the reference puts it (the activation then runs as our own pass on the bfloat16 output).
     */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} g{4} {5} block {6} residual {7} bf16 in {8} out {9} NaN {10}")
    @CsvSource({"16, 16, 3, 1, 1, Relu, 16, true, true, true, false", "16, 32, 1, 2, 1, None, 16, false, false, true, false",
        "32, 32, 3, 1, 32, Clip, 16, false, true, true, true", "3, 16, 7, 2, 1, Clip, 16, false, false, true, false",
        "32, 16, 1, 1, 1, Relu, 16, true, true, false, true", "16, 48, 3, 2, 1, Relu, 8, true, true, true, true",
        "24, 40, 1, 1, 1, Clip, 0, true, true, true, false", "16, 16, 3, 1, 1, SiLU, 16, false, true, false, false",
        "16, 16, 1, 1, 1, None, 16, true, false, true, true", "32, 32, 3, 1, 1, Relu, 0, true, true, true, true",
        "32, 64, 3, 2, 1, None, 0, false, true, true, false", "32, 32, 3, 1, 32, Clip, 0, false, true, true, true",
        "3, 32, 7, 2, 1, Relu, 0, false, false, true, false", "64, 32, 1, 1, 1, SiLU, 0, true, true, false, true"})
    void blockedConvWithBfloat16ActivationsMatchesTheReference(int c, int m, int k, int stride, int group,
                                                               String activation, int block, boolean residual,
                                                               boolean bf16In, boolean bf16Out, boolean withNaN) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Assumptions.assumeTrue(bf16Cpu(), "this CPU has no bfloat16 arithmetic");
        Random r = new Random(c * 31L + m * 7L + k + block + (bf16In ? 1 : 0));
        float[] params = activation.equals("Clip") ? new float[] {0f, 0.5f} : new float[0];
        int h = 13, w = 10, oh = (h + 2 * (k / 2) - k) / stride + 1, ow = (w + 2 * (k / 2) - k) / stride + 1;
        Node.Builder b = Node.builder("BlockedConv").domain("jengine").name("c")
                .inputs(residual ? new String[] {"x", "w", "b", "z"} : new String[] {"x", "w", "b"}).outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of("group", (long) group)).attr(Attribute.of("block", (long) block))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params))
                .attr(Attribute.of(FusedOpSpec.FPMATH, FusedOpSpec.BF16));
        if (bf16Out) b.attr(Attribute.of(FusedOpSpec.OUTPUT_TYPE, FusedOpSpec.BFLOAT16_OUTPUT));
        Node node = b.build();
        Tensor x = block == 0 ? random(r, 2, 1, h, w, c) : c % block == 0 ? random(r, 2, c / block, h, w, block)
                : random(r, 2, c, h, w);
        float[] v = x.toFloatArray();
        if (withNaN) v[77] = Float.NaN;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", as(Tensor.ofFloats(x.shape(), v), bf16In));
        if (residual) {
            feeds.put("z", as(block == 0 ? random(r, 2, 1, oh, ow, m) : random(r, 2, m / block, oh, ow, block), bf16Out));
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / group, k, k));
        weights.put("b", random(r, m));
        Graph g = FastVsReference.graph(node, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, "cpu-native:dnnl.conv-blocked-bf16");
        assertEquals(bf16Out ? DType.BFLOAT16 : DType.FLOAT32, got.dtype());
        assertEquals(want.dtype(), got.dtype());
        // magnitudes: the convolution without activation on absolute values, in float32
        Node magnitudeNode = node.toBuilder().attr(Attribute.of("activation", "None"))
                .attr(Attribute.of("activation_params", new float[0])).attr(Attribute.of(FusedOpSpec.OUTPUT_TYPE, "")).build();
        Map<String, Tensor> absFeeds = new LinkedHashMap<>(), absWeights = new LinkedHashMap<>();
        feeds.forEach((name, t) -> absFeeds.put(name, abs(t)));
        weights.forEach((name, t) -> absWeights.put(name, abs(t)));
        Tensor magnitude = FastVsReference.run(FastVsReference.graph(magnitudeNode, absFeeds, absWeights), absFeeds,
                false, null);
        long terms = (long) (c / group) * k * k + 2;
        int nans = 0;
        for (long i = 0; i < want.size(); i++) {
            double wv = want.getDouble(i), gv = got.getDouble(i);
            if (Double.isNaN(wv)) nans++;
            Tolerance tol = Tolerance.bfloat16Products(terms, Math.abs(magnitude.getDouble(i)));
            if (!tol.accepts(wv, gv)) {
                throw new AssertionError("element " + i + ": got " + gv + ", reference " + wv + " (magnitude "
                        + magnitude.getDouble(i) + ")");
            }
        }
        assertEquals(withNaN, nans > 0, "the NaN reaches the output where the input had one");
    }

    /** AMX tiles are reported where the CPU has them and oneDNN may use them (no ISA cap set in the environment). */
    @Test
    void bf16TilesWhereTheCpuHasAmx() throws java.io.IOException {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Assumptions.assumeTrue(System.getenv("ONEDNN_MAX_CPU_ISA") == null && System.getenv("DNNL_MAX_CPU_ISA") == null,
                "oneDNN's ISA is capped");
        boolean amx = java.util.regex.Pattern.compile("\\bamx_bf16\\b")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"))).find();
        assertEquals(amx, new NativeBackend().bf16Tiles());
    }

    private static boolean bf16Cpu() {
        try {
            return java.util.regex.Pattern.compile("\\b(avx512_bf16|amx_bf16)\\b")
                    .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"))).find();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** {@code t} rounded to bfloat16 where {@code bf16}, else as it is. */
    private static Tensor as(Tensor t, boolean bf16) {
        if (!bf16) return t;
        Tensor out = Tensor.allocate(DType.BFLOAT16, t.shape());
        for (long i = 0; i < t.size(); i++) out.setDouble(i, t.getDouble(i));
        return out;
    }

    private static Tensor abs(Tensor t) {
        Tensor out = Tensor.allocate(DType.FLOAT32, t.shape());
        for (long i = 0; i < t.size(); i++) out.setDouble(i, Math.abs(t.getDouble(i)));
        return out;
    }

    /**
     * The Winograd tactics on both layouts against the reference, within 1e-5 of the output's magnitude (the measured
     * error on such data is a few 1e-6; the elementwise bound is tested in BlockedWinogradTest); an input with a NaN
     * or an infinity is computed directly, so they land exactly where the reference puts them.
     */
    @ParameterizedTest(name = "{0} block {1} {2} residual {3} non-finite {4}")
    @CsvSource({"f4x4, 8, Relu, false, false", "f4x4, 0, None, true, false", "f2x2, 8, Clip, true, false",
        "f2x2, 0, SiLU, false, false", "f4x4, 8, Relu, true, true", "f2x2, 0, None, false, true"})
    void blockedWinogradMatchesTheReference(String variant, int block, String activation, boolean residual,
                                            boolean nonFinite) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        if (block != 0) block = lanes; // the blocked layout is the vector width's
        Random r = new Random(variant.hashCode() * 31L + block + (residual ? 7 : 0) + (nonFinite ? 3 : 0));
        int c = 2 * lanes, m = 3 * lanes, h = 13, w = 10;
        float[] params = activation.equals("Clip") ? new float[] {0f, 0.5f} : new float[0];
        Node node = Node.builder("BlockedConv").domain("jengine").name("c")
                .inputs(residual ? new String[] {"x", "w", "b", "z"} : new String[] {"x", "w", "b"}).outputs("y")
                .attr(Attribute.of("strides", new long[] {1, 1})).attr(Attribute.of("pads", new long[] {1, 1, 1, 1}))
                .attr(Attribute.of("group", 1L)).attr(Attribute.of("block", (long) block))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params)).build();
        Tensor x = block == 0 ? random(r, 2, 1, h, w, c) : random(r, 2, c / block, h, w, block);
        float[] v = x.toFloatArray();
        if (nonFinite) {
            v[77] = Float.NaN;
            v[501] = Float.NEGATIVE_INFINITY;
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.ofFloats(x.shape(), v));
        if (residual) feeds.put("z", block == 0 ? random(r, 2, 1, h, w, m) : random(r, 2, m / block, h, w, block));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c, 3, 3));
        weights.put("b", random(r, m));
        FastVsReference.checkKeyRelative(node, feeds, weights, "cpu-native:dnnl.winograd-" + variant + "-blocked", 1e-5);
    }

    /** ConvTranspose on oneDNN's deconvolution against the reference: strides, pads, output padding, groups, NaN. */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} pad {4} outpad {5} group {6} dil {7} {8}")
    @CsvSource({"24, 24, 2, 2, 0, 0, 1, 1, None", "16, 8, 3, 2, 1, 1, 1, 1, Relu", "8, 16, 4, 2, 1, 0, 1, 1, Sigmoid",
        "16, 16, 3, 1, 1, 0, 2, 1, None", "24, 24, 3, 2, 0, 0, 3, 1, Relu", "8, 8, 3, 1, 2, 0, 1, 2, None",
        "5, 7, 3, 3, 2, 2, 1, 1, None"})
    void dnnlDeconvMatchesTheReference(int c, int m, int k, int stride, int pad, int outPad, int group, int dil,
                                       String activation) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Random r = new Random(c * 101L + m * 7L + k * 3L + stride + pad + group);
        boolean fused = !activation.equals("None");
        Node.Builder b = Node.builder(fused ? "FusedConvTranspose" : "ConvTranspose").name("d").inputs("x", "w", "b")
                .outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("pads", new long[] {pad, pad, pad, pad}))
                .attr(Attribute.of("dilations", new long[] {dil, dil}))
                .attr(Attribute.of("group", (long) group));
        if (outPad > 0) b.attr(Attribute.of("output_padding", new long[] {outPad, outPad}));
        if (fused) b.domain("jengine").attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", new float[0]));
        Node node = b.build();
        Node plain = fused ? node.toBuilder().attr(Attribute.of("activation", "None")).build() : node;
        Tensor x = random(r, 2, c, 9, 7);
        float[] v = x.toFloatArray();
        v[40] = Float.NaN;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.ofFloats(x.shape(), v));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, c, m / group, k, k));
        weights.put("b", random(r, m));
        FastVsReference.checkKey(node, plain, feeds, weights, (long) (c / group) * k * k + 2, "cpu-native:dnnl.deconv");
    }

    @ParameterizedTest(name = "{0} {1} transB {2}")
    @CsvSource({"MatMul, None, 0", "FusedMatMul, Relu, 0", "FusedMatMul, Gelu, 0", "Gemm, None, 1", "FusedGemm, Sigmoid, 1",
        "FusedGemm, Clip, 0"})
    void dnnlMatMulMatchesTheReference(String op, String activation, int transB) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Random r = new Random(op.hashCode() + activation.hashCode());
        boolean gemm = op.endsWith("Gemm"), fused = op.startsWith("Fused");
        int k = 37, n = 21;
        long[] aShape = gemm ? new long[] {13, k} : new long[] {2, 5, k};
        Node.Builder b = Node.builder(op).domain(fused ? "jengine" : "").name("mm").outputs("y");
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", transB == 1 ? random(r, n, k) : random(r, k, n));
        if (gemm) {
            b.inputs("a", "w", "c").attr(Attribute.of("transB", (long) transB)).attr(Attribute.of("beta", 0.5f));
            weights.put("c", random(r, n));
        } else {
            b.inputs(fused ? new String[] {"a", "w", "c"} : new String[] {"a", "w"});
            if (fused) weights.put("c", random(r, n));
        }
        if (fused) {
            b.attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params",
                    activation.equals("Clip") ? new float[] {-0.5f, 0.5f} : new float[0]));
        }
        Node node = b.build();
        Node plain = fused ? node.toBuilder().attr(Attribute.of("activation", "None"))
                .attr(Attribute.of("activation_params", new float[0])).build() : node;
        Tensor a = random(r, aShape);
        float[] v = a.toFloatArray();
        v[40] = Float.NaN;
        v[90] = Float.POSITIVE_INFINITY;
        FastVsReference.checkKey(node, plain, Map.of("a", Tensor.ofFloats(aShape, v)), weights, k + 1,
                "cpu-native:dnnl.matmul");
    }
}
