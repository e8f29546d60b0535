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

/** ConvTranspose and FusedConvTranspose through the cpu-simd GEMM + col2im against the reference. */
class ConvTransposeTacticsTest {
    private static Tensor withNonFinite(Tensor x) {
        float[] v = x.toFloatArray();
        v[3] = Float.NaN;
        v[v.length / 2] = Float.POSITIVE_INFINITY;
        v[v.length - 2] = Float.NEGATIVE_INFINITY;
        return Tensor.ofFloats(x.shape(), v);
    }

    @ParameterizedTest(name = "{0} n{1} c{2} {3}x{4} m{5} k{6} s{7} p{8} op{9} d{10} g{11} {12}")
    @CsvSource(delimiter = ';', value = {
        // tactic; n; c; h; w; m; k; stride; pads (t,l,b,r); output_padding; dilation; group; auto_pad / output_shape
        "convtranspose.gemm-tiles; 1; 8; 7; 9; 6; 2; 2; 0,0,0,0; 0; 1; 1; NOTSET",
        "convtranspose.gemm-tiles; 2; 6; 5; 4; 1; 2; 2; 0,0,0,0; 0; 1; 1; NOTSET",
        "convtranspose.gemm-tiles; 1; 4; 5; 3; 4; 3; 3; 0,0,0,0; 0; 1; 2; NOTSET",
        "convtranspose.gemm; 1; 5; 6; 7; 3; 3; 1; 0,0,0,0; 0; 1; 1; NOTSET",
        "convtranspose.gemm; 2; 4; 5; 6; 8; 3; 1; 1,1,1,1; 0; 1; 1; NOTSET",
        "convtranspose.gemm; 1; 6; 7; 5; 4; 3; 2; 1,0,1,2; 1; 1; 1; NOTSET",
        "convtranspose.gemm; 2; 6; 4; 5; 9; 4; 3; 1,1,0,2; 2; 1; 3; NOTSET",
        "convtranspose.gemm; 1; 4; 6; 6; 4; 3; 2; 0,0,0,0; 1; 2; 2; NOTSET",
        "convtranspose.gemm; 1; 3; 5; 7; 2; 3; 2; 0,0,0,0; 0; 1; 1; SAME_UPPER",
        "convtranspose.gemm; 1; 3; 5; 7; 2; 4; 2; 0,0,0,0; 0; 1; 1; SAME_LOWER",
        "convtranspose.gemm; 2; 3; 5; 7; 2; 3; 2; 0,0,0,0; 0; 1; 1; 12,17",
        "convtranspose.gemm; 1; 8; 3; 3; 8; 2; 2; 1,1,1,1; 0; 1; 8; NOTSET",
        "convtranspose.gemm; 1; 4; 4; 4; 4; 1; 2; 0,0,0,0; 1; 1; 1; NOTSET",
    })
    void convTransposeMatchesTheReference(String tactic, int n, int c, int h, int w, int m, int k, int stride,
                                          String pads, int outPad, int dilation, int group, String mode) {
        Random r = new Random(31L * c + h * 7L + k);
        Node.Builder b = Node.builder("ConvTranspose").name("convt").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("dilations", new long[] {dilation, dilation}))
                .attr(Attribute.of("group", (long) group));
        if (mode.startsWith("SAME")) {
            b.attr(Attribute.of("auto_pad", mode));
        } else if (mode.contains(",")) {
            String[] o = mode.split(",");
            b.attr(Attribute.of("output_shape", new long[] {Long.parseLong(o[0]), Long.parseLong(o[1])}));
        } else {
            String[] p = pads.split(",");
            b.attr(Attribute.of("pads", new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]),
                    Long.parseLong(p[3])}));
            if (outPad != 0) b.attr(Attribute.of("output_padding", new long[] {outPad, outPad - 1}));
        }
        Map<String, Tensor> feeds = Map.of("x", withNonFinite(random(r, n, c, h, w)));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, c, m / group, k, k));
        weights.put("b", random(r, m));
        FastVsReference.check(b.build(), null, feeds, weights, (long) (c / group) * k * k + 1, tactic);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "convtranspose.gemm-tiles, Relu", "convtranspose.gemm-tiles, Sigmoid", "convtranspose.gemm-tiles, None",
        "convtranspose.gemm, Clip", "convtranspose.gemm, LeakyRelu", "convtranspose.gemm, Sigmoid",
    })
    void fusedConvTransposeMatchesTheReference(String tactic, String activation) {
        Random r = new Random(activation.hashCode());
        boolean tiles = tactic.endsWith("tiles");
        float[] params = switch (activation) {
            case "Clip" -> new float[] {0f, 0.6f};
            case "LeakyRelu" -> new float[] {0.1f};
            default -> new float[0];
        };
        int c = 24, m = 24, k = tiles ? 2 : 3;
        Node node = Node.builder("FusedConvTranspose").domain("jengine").name("fused").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("strides", new long[] {2, 2}))
                .attr(Attribute.of("pads", tiles ? new long[] {0, 0, 0, 0} : new long[] {1, 1, 0, 0}))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params)).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None"))
                .attr(Attribute.of("activation_params", new float[0])).build();
        Map<String, Tensor> feeds = Map.of("x", withNonFinite(random(r, 2, c, 9, 11)));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, c, m, k, k));
        weights.put("b", random(r, m));
        FastVsReference.check(node, plain, feeds, weights, (long) c * k * k + 1, tactic);
    }
}
