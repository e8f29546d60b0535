package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.FastVsReference.random;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pools through the cpu-simd tactics against the reference, NaN and infinities included. */
class PoolTacticsTest {
    @ParameterizedTest(name = "{0} k{1} s{2} p{3} ceil {4} include_pad {5}")
    @CsvSource({
        "MaxPool, 3, 2, 1, 0, 0", "MaxPool, 3, 2, 0, 1, 0", "MaxPool, 2, 2, 0, 0, 0",
        "AveragePool, 3, 1, 1, 0, 0", "AveragePool, 3, 1, 1, 0, 1", "AveragePool, 2, 2, 1, 1, 1",
    })
    void windowPoolsMatchTheReference(String op, int k, int s, int p, int ceil, int includePad) {
        Random r = new Random(k * 31 + s * 7 + p);
        Tensor x = random(r, 2, 5, 27, 13);
        float[] v = x.toFloatArray();
        v[40] = Float.NaN;
        v[333] = Float.NEGATIVE_INFINITY;
        Node.Builder b = Node.builder(op).name("pool").inputs("x").outputs("y")
                .attr(Attribute.of("kernel_shape", new long[] {k, k})).attr(Attribute.of("strides", new long[] {s, s}))
                .attr(Attribute.of("pads", new long[] {p, p, p, p})).attr(Attribute.of("ceil_mode", (long) ceil));
        if (op.equals("AveragePool")) b.attr(Attribute.of("count_include_pad", (long) includePad));
        String tactic = op.equals("MaxPool") ? "pool.max2d" : "pool.avg2d";
        FastVsReference.check(b.build(), null, Map.of("x", Tensor.ofFloats(x.shape(), v)), Map.of(), (long) k * k, tactic);
    }

    @ParameterizedTest
    @CsvSource({"GlobalAveragePool, pool.global-avg", "GlobalMaxPool, pool.global-max"})
    void globalPoolsMatchTheReference(String op, String tactic) {
        Random r = new Random(op.length());
        Node node = Node.builder(op).name("g").inputs("x").outputs("y").build();
        FastVsReference.check(node, null, Map.of("x", random(r, 3, 19, 7, 9)), Map.of(), 63, tactic);
    }
}
