package com.example.jengine;

import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.example.jengine.PluginTestGraphs.*;
import static org.junit.jupiter.api.Assertions.*;

/** The block-sparse MatMul against the dense product summed in double, NaN and infinities included. */
class BlockSparseMatMulTest {
    /** A K×N matrix where each element is non-zero with probability {@code density}. */
    static Tensor sparse(long k, long n, double density, long seed) {
        Random r = new Random(seed);
        Tensor t = Tensor.allocate(DType.FLOAT32, k, n);
        for (long i = 0; i < t.size(); i++) if (r.nextDouble() < density) t.setFloat(i, r.nextFloat() * 2 - 1);
        return t;
    }

    /** The dense product, each element summed over k in order in double. */
    static Tensor dense(Tensor a, Tensor b) {
        long k = b.dim(0), n = b.dim(1), m = a.size() / k;
        long[] ys = a.shape();
        ys[ys.length - 1] = n;
        Tensor y = Tensor.allocate(DType.FLOAT32, ys);
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double s = 0;
                for (long kk = 0; kk < k; kk++) s += (double) a.getFloat(i * k + kk) * b.getFloat(kk * n + j);
                y.setFloat(i * n + j, (float) s);
            }
        }
        return y;
    }

    @ParameterizedTest
    @CsvSource({"1, 64, 40, 0.02", "5, 37, 29, 0.02", "64, 256, 100, 0.02", "3, 130, 67, 0.01"})
    void matchesTheDenseProduct(int m, int k, int n, double density) {
        Tensor b = sparse(k, n, density, 7L * k + n);
        b.setFloat(0, 0.5f); // never an all-zero matrix
        long[] as = {2, m, k};
        Tensor a = random(as, m + k, 3f);
        try (Engine e = Engine.of(matMul(as, b), fast(),
                io.jengine.runtime.EngineOptions.defaults().withTactic("mm", "example:matmul.block-sparse"))) {
            Tensor got = (Tensor) e.run(Map.of("a", a)).get("y");
            assertClose(dense(a, b), got, Tolerance.float32Sum(k, 3f));
        }
    }

    @Test
    void nonFiniteInputsGiveTheDenseProductsNaNs() {
        int m = 4, k = 40, n = 19;
        Tensor b = sparse(k, n, 0.03, 3);
        Tensor a = random(new long[] {m, k}, 5, 1f);
        a.setFloat(3, Float.NaN);                    // row 0
        a.setFloat(k + 7, Float.POSITIVE_INFINITY);  // row 1
        a.setFloat(2L * k + 1, Float.NEGATIVE_INFINITY); // row 2
        Tensor want = dense(a, b);
        try (Engine e = Engine.of(matMul(new long[] {m, k}, b), fast(),
                io.jengine.runtime.EngineOptions.defaults().withTactic("mm", "example:matmul.block-sparse"))) {
            Tensor got = (Tensor) e.run(Map.of("a", a)).get("y");
            assertClose(want, got, Tolerance.float32Sum(k, 1f));
            int nans = 0;
            for (long i = 0; i < got.size(); i++) if (Float.isNaN(got.getFloat(i))) nans++;
            assertTrue(nans >= n, "every column of row 0 is NaN, and more: " + nans);
        }
    }

    @Test
    void offeredByDensity() {
        var backend = new ExampleBackend();
        for (double density : new double[] {0.001, 0.3, 1.0}) {
            Tensor b = sparse(256, 256, density, 1);
            b.setFloat(0, 1f);
            var model = matMul(new long[] {8, 256}, b);
            var g = io.jengine.infer.ShapeInference.infer(model.graph());
            var ctx = new io.jengine.spi.NodeContext(g.nodes().getFirst(), 17, g);
            List<io.jengine.spi.Tactic> t = backend.tactics(ctx);
            double blocks = BlockSparseWeights.blockDensity(b, BlockSparseMatMul.F.length());
            assertEquals(blocks <= ExampleBackend.OFFERED_DENSITY, !t.isEmpty(), "block density " + blocks);
            if (!t.isEmpty()) assertEquals(blocks <= ExampleBackend.DEFAULT_DENSITY, t.getFirst().byDefault());
        }
    }
}
