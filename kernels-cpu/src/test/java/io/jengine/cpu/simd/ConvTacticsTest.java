package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.FastVsReference.random;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conv and FusedConv through the cpu-simd tactics against the reference, over the geometries real networks use. */
class ConvTacticsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        // tactic; n; c; h; w; m; k; stride; pads (t,l,b,r); dilation; group; auto_pad
        "conv.im2col; 1; 3; 17; 19; 8; 3; 1; 1,1,1,1; 1; 1; NOTSET",
        "conv.winograd-f4x4; 2; 16; 13; 11; 20; 3; 1; 1,1,1,1; 1; 1; NOTSET",
        "conv.winograd-f4x4; 1; 17; 7; 9; 18; 3; 1; 0,1,1,0; 1; 1; NOTSET",
        "conv.gemm-1x1; 1; 16; 9; 9; 24; 1; 1; 0,0,0,0; 1; 1; NOTSET",
        "conv.gemm-1x1; 2; 16; 10; 11; 24; 1; 2; 0,0,0,0; 1; 1; NOTSET",
        "conv.depthwise; 1; 8; 15; 15; 8; 3; 2; 1,1,1,1; 1; 8; NOTSET",
        "conv.depthwise; 1; 12; 14; 13; 12; 5; 1; 2,2,2,2; 1; 12; NOTSET",
        "conv.im2col; 1; 3; 23; 23; 16; 7; 2; 3,3,3,3; 1; 1; NOTSET",
        "conv.im2col; 1; 16; 12; 12; 32; 3; 1; 0,1,1,0; 2; 4; NOTSET",
        "conv.im2col; 1; 6; 11; 10; 9; 3; 2; 0,0,0,0; 1; 1; SAME_UPPER",
        "conv.im2col; 2; 5; 9; 8; 7; 2; 1; 0,0,0,0; 1; 1; SAME_LOWER",
    })
    void convMatchesTheReference(String tactic, int n, int c, int h, int w, int m, int k, int stride, String pads,
                                 int dilation, int group, String autoPad) {
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
        Map<String, Tensor> feeds = Map.of("x", random(r, n, c, h, w));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / group, k, k));
        weights.put("b", random(r, m));
        Node node = b.build();
        FastVsReference.check(node, null, feeds, weights, (long) (c / group) * k * k + 1, tactic);
    }

    /** The GEMM convolutions under tilings the tuner may pick: depth, row and column blocks that cut K, M and N. */
    @ParameterizedTest(name = "{0} kc {1} mc {2}")
    @CsvSource({"conv.im2col, 16, 4", "conv.im2col, 80, 12", "conv.gemm-1x1, 16, 8", "conv.gemm-1x1, 48, 4"})
    void gemmConvolutionsMatchTheReferenceUnderEveryTiling(String kind, int kc, int mc) {
        Random r = new Random(kc * 31L + mc);
        int k = kind.equals("conv.im2col") ? 3 : 1;
        Node node = Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of("group", 2L)).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, 22, 9, k, k));
        weights.put("b", random(r, 22));
        String tiling = MicroKernel.MR + "x" + MicroKernel.NR + ".kc" + kc + ".mc" + mc + ".nc" + MicroKernel.NR;
        FastVsReference.check(node, null, Map.of("x", random(r, 2, 18, 9, 11)), weights, 9L * k * k + 1,
                kind + "@" + tiling);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "conv.winograd-f4x4, Relu", "conv.winograd-f4x4, SiLU", "conv.winograd-f4x4, Clip", "conv.im2col, Relu",
        "conv.im2col, LeakyRelu", "conv.gemm-1x1, Relu",
        "conv.gemm-1x1, HardSigmoid", "conv.depthwise, Clip", "conv.depthwise, Gelu",
    })
    void fusedConvWithResidualAndActivationMatchesTheReference(String tactic, String activation) {
        Random r = new Random(activation.hashCode());
        // Winograd needs 16 channels or more to be chosen; fewer make im2col the first choice for a 3x3.
        int c = switch (tactic) { case "conv.depthwise" -> 24; case "conv.im2col" -> 5; default -> 16; };
        int m = tactic.equals("conv.depthwise") ? 24 : 32;
        int k = tactic.equals("conv.gemm-1x1") ? 1 : 3, group = tactic.equals("conv.depthwise") ? c : 1;
        float[] params = switch (activation) {
            case "Clip" -> new float[] {0f, 0.6f};
            case "HardSigmoid" -> new float[] {0.2f, 0.5f};
            case "LeakyRelu" -> new float[] {0.1f};
            default -> new float[0];
        };
        Node node = Node.builder("FusedConv").domain("jengine").name("fused").inputs("x", "w", "b", "z").outputs("y")
                .attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of("group", (long) group))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params)).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None")).attr(Attribute.of("activation_params", new float[0])).build();
        Tensor x = random(r, 2, c, 10, 13);
        float[] nan = x.toFloatArray();
        nan[37] = Float.NaN;
        nan[101] = Float.POSITIVE_INFINITY;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.ofFloats(x.shape(), nan));
        feeds.put("z", random(r, 2, m, 10, 13));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c / group, k, k));
        weights.put("b", random(r, m));
        FastVsReference.check(node, plain, feeds, weights, (long) (c / group) * k * k + 2, tactic);
    }
}
