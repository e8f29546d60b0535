package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.FastVsReference.random;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gemm, FusedGemm, MatMul and FusedMatMul through the cpu-simd tactics against the reference. */
class GemmTacticsTest {
    @ParameterizedTest(name = "transA {0} transB {1} C {2}")
    @CsvSource({"0, 0, vector", "1, 0, scalar", "0, 1, column", "1, 1, none", "0, 1, row"})
    void gemmWithConstantWeightsMatchesTheReference(int ta, int tb, String c) {
        Random r = new Random(ta * 7 + tb * 3 + c.length());
        int m = 13, k = 37, n = 29;
        Node.Builder b = Node.builder("Gemm").name("gemm").outputs("y")
                .attr(Attribute.of("transA", (long) ta)).attr(Attribute.of("transB", (long) tb))
                .attr(Attribute.of("alpha", 0.75f)).attr(Attribute.of("beta", 1.5f));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", tb == 1 ? random(r, n, k) : random(r, k, n));
        switch (c) {
            case "vector" -> weights.put("c", random(r, n));
            case "scalar" -> weights.put("c", random(r, 1));
            case "row" -> weights.put("c", random(r, 1, n));
            case "column" -> weights.put("c", random(r, m, 1));
            default -> { }
        }
        b.inputs(weights.containsKey("c") ? new String[] {"x", "w", "c"} : new String[] {"x", "w"});
        Map<String, Tensor> feeds = Map.of("x", ta == 1 ? random(r, k, m) : random(r, m, k));
        FastVsReference.check(b.build(), null, feeds, weights, k + 1, "gemm.packed-b");
    }

    /**
     * Every tiling the tuner may pick computes the same product: depth blocks shorter than K (partial sums stored and
     * reloaded), A blocks and B panels that cut M and N at odd places, and one block for everything.
     */
    @ParameterizedTest(name = "kc {0} mc {1} nc {2} panels")
    @CsvSource({"16, 4, 1", "32, 12, 2", "48, 40, 1", "512, 400, 8"})
    void everyTilingMatchesTheReference(int kc, int mc, int ncPanels) {
        Random r = new Random(kc + mc);
        int m = 37, k = 70, n = 3 * MicroKernel.NR + 5;
        String tiling = MicroKernel.MR + "x" + MicroKernel.NR + ".kc" + kc + ".mc" + mc + ".nc" + ncPanels * MicroKernel.NR;
        Node gemm = Node.builder("Gemm").name("fc").inputs("x", "w", "c").outputs("y").attr(Attribute.of("transB", 1L)).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, n, k));
        weights.put("c", random(r, n));
        FastVsReference.check(gemm, null, Map.of("x", random(r, m, k)), weights, k + 1, "gemm.packed-b@" + tiling);
        Node batched = Node.builder("MatMul").name("scores").inputs("q", "k").outputs("y").build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("q", random(r, 2, m, k));
        feeds.put("k", random(r, 2, k, n));
        FastVsReference.check(batched, null, feeds, Map.of(), k, "matmul.batched@" + tiling);
    }

    @Test
    void aTilingTheMicroKernelCannotRunIsAClearError() {
        Random r = new Random(3);
        Node gemm = Node.builder("Gemm").name("fc").inputs("x", "w").outputs("y").build();
        String bad = "gemm.packed-b@" + (MicroKernel.MR + 1) + "x" + MicroKernel.NR + ".kc16.mc" + (MicroKernel.MR + 1)
                + ".nc" + MicroKernel.NR;
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> FastVsReference.check(
                gemm, null, Map.of("x", random(r, 4, 8)), Map.of("w", random(r, 8, 8)), 8, bad));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("micro-kernel"), e.getMessage());
    }

    @Test
    void fusedGemmAppliesItsActivation() {
        Random r = new Random(5);
        Node node = Node.builder("FusedGemm").domain("jengine").name("fc").inputs("x", "w", "c").outputs("y")
                .attr(Attribute.of("transB", 1L)).attr(Attribute.of("activation", "Relu"))
                .attr(Attribute.of("activation_params", new float[0])).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None")).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, 10, 300));
        weights.put("c", random(r, 10));
        FastVsReference.check(node, plain, Map.of("x", random(r, 3, 300)), weights, 301, "gemm.packed-b");
    }

    @Test
    void matMulFoldsLeadingDimensionsIntoRows() {
        Random r = new Random(6);
        Node node = Node.builder("MatMul").name("mm").inputs("x", "w").outputs("y").build();
        FastVsReference.check(node, null, Map.of("x", random(r, 2, 3, 5, 17)), Map.of("w", random(r, 17, 9)), 17,
                "matmul.packed-b");
    }

    @Test
    void fusedMatMulAddsItsBiasThenGelu() {
        Random r = new Random(7);
        Node node = Node.builder("FusedMatMul").domain("jengine").name("ffn").inputs("x", "w", "b").outputs("y")
                .attr(Attribute.of("activation", "Gelu")).attr(Attribute.of("activation_params", new float[0])).build();
        Node plain = node.toBuilder().attr(Attribute.of("activation", "None")).build();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w", random(r, 64, 40));
        weights.put("b", random(r, 40));
        FastVsReference.check(node, plain, Map.of("x", random(r, 1, 11, 64)), weights, 65, "matmul.packed-b");
    }

    @Test
    void batchedMatMulOfTwoRuntimeOperands() {
        Random r = new Random(8);
        Node node = Node.builder("MatMul").name("scores").inputs("q", "k").outputs("y").build();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("q", random(r, 2, 3, 7, 16));
        feeds.put("k", random(r, 2, 3, 16, 11));
        FastVsReference.check(node, null, feeds, Map.of(), 16, "matmul.batched");
    }
}
