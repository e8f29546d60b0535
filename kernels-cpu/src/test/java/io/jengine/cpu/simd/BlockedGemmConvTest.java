package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.FastVsReference.random;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * cpu-simd's GEMM convolution on the level-3 layouts against the reference: kernel sizes, strides, asymmetric pads,
 * dilation, batch, planes that are not multiples of the register tile, residual and activations, NaN and infinities,
 * on the channel-blocked layout (block = the vector width) and channels-last (block 0), under several tilings.
 */
class BlockedGemmConvTest {
    private static final int L = MicroKernel.VL;

    @ParameterizedTest(name = "n{0} c{1}L m{2}L {3}x{4} k{5} s{6} pads {7} dil {8} block {9} {10} residual {11}")
    @CsvSource({
        "1, 2, 2, 13, 10, 3, 2, '1,1,1,1', 1, L, Relu, false",
        "2, 1, 3, 9, 7, 3, 1, '1,1,1,1', 1, L, None, true",
        "1, 3, 2, 11, 11, 1, 1, '0,0,0,0', 1, L, Relu, true",
        "2, 2, 1, 14, 9, 1, 2, '0,0,0,0', 1, 0, None, false",
        "1, 1, 2, 12, 13, 5, 2, '2,1,0,2', 1, L, Clip, false",
        "1, 2, 2, 10, 10, 3, 1, '2,2,2,2', 2, 0, SiLU, true",
        "3, 1, 1, 7, 7, 7, 2, '3,3,3,3', 1, 0, Relu, false",
        "1, 4, 3, 5, 6, 3, 3, '0,1,1,0', 1, L, Sigmoid, false",
    })
    void matchesTheReference(int n, int cGroups, int mGroups, int h, int w, int k, int stride, String pads, int dil,
                             String blockSpec, String activation, boolean residual) {
        int block = blockSpec.equals("L") ? L : 0, c = cGroups * L, m = mGroups * L;
        long[] p = java.util.Arrays.stream(pads.split(",")).mapToLong(Long::parseLong).toArray();
        int ke = dil * (k - 1) + 1;
        int oh = (int) ((h + p[0] + p[2] - ke) / stride + 1), ow = (int) ((w + p[1] + p[3] - ke) / stride + 1);
        Random r = new Random(n * 131L + c * 31L + m * 7L + k * 3L + stride + block);
        float[] params = activation.equals("Clip") ? new float[] {-0.5f, 0.5f} : new float[0];
        Node node = Node.builder("BlockedConv").domain("jengine").name("c")
                .inputs(residual ? new String[] {"x", "w", "b", "z"} : new String[] {"x", "w", "b"}).outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride})).attr(Attribute.of("pads", p))
                .attr(Attribute.of("dilations", new long[] {dil, dil}))
                .attr(Attribute.of("group", 1L)).attr(Attribute.of("block", (long) block))
                .attr(Attribute.of("activation", activation)).attr(Attribute.of("activation_params", params)).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None"))
                .attr(Attribute.of("activation_params", new float[0])).build();
        Tensor x = block == 0 ? random(r, n, 1, h, w, c) : random(r, n, c / block, h, w, block);
        float[] v = x.toFloatArray();
        v[77 % v.length] = Float.NaN;
        v[(v.length * 2) / 3] = Float.POSITIVE_INFINITY;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Tensor.ofFloats(x.shape(), v));
        if (residual) feeds.put("z", block == 0 ? random(r, n, 1, oh, ow, m) : random(r, n, m / block, oh, ow, block));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, m, c, k, k));
        weights.put("b", random(r, m));
        long terms = (long) c * k * k + 2;
        FastVsReference.check(node, plain, feeds, weights, terms, "conv.blocked-gemm");
        // depth blocks that cut K (not on a chunk boundary: rounded up to one), A blocks of a few panels, one B panel
        String tiling = MicroKernel.MR + "x" + MicroKernel.NR + ".kc" + (L + 3) + ".mc" + 2 * MicroKernel.MR + ".nc" + MicroKernel.NR;
        FastVsReference.check(node, plain, feeds, weights, terms, "conv.blocked-gemm@" + tiling);
    }

    @Test
    void badOperandsAreClearErrors() {
        ConvShape s = new ConvShape(1, L, 6, 6, L, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        float[] w = new float[L * L * 9];
        var e = assertThrows(IllegalArgumentException.class, () -> BlockedGemmConv.prepare(s, 3, w, null, null, null));
        assertTrue(e.getMessage().contains("vector width"), e.getMessage());
        var grouped = new ConvShape(1, 2 * L, 6, 6, 2 * L, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2);
        assertTrue(BlockedGemmConv.unsupportedReason(grouped, L).contains("grouped"));
        BlockedGemmConv conv = BlockedGemmConv.prepare(s, L, w, null, null, null);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(4L * L * 36), y = a.allocate(4L * L * 36), small = a.allocate(16);
            var tooSmall = assertThrows(IllegalArgumentException.class, () -> conv.run(x, small, null, 1));
            assertTrue(tooSmall.getMessage().contains("output y"), tooSmall.getMessage());
            assertThrows(IllegalArgumentException.class, () -> conv.run(x, x, null, 1));
            assertThrows(IllegalArgumentException.class, () -> conv.run(x, y, y, 1));
            conv.run(x, y, null, 1);
        }
    }
}
