package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Node;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where under broadcasting against the reference: a selection, so every bit (NaN included) must match. */
class WhereTacticsTest {
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new long[] {1, 1, 6, 7}, new long[] {1}, new long[] {1}),
                Arguments.of(new long[] {1, 1, 6, 7}, new long[] {2, 3, 6, 7}, new long[] {7}),
                Arguments.of(new long[] {6, 1}, new long[] {1, 7}, new long[] {6, 7}),
                Arguments.of(new long[] {}, new long[] {5}, new long[] {}),
                Arguments.of(new long[] {3, 1, 5}, new long[] {2, 1, 1, 5}, new long[] {4, 1}),
                Arguments.of(new long[] {2, 300, 129}, new long[] {2, 300, 129}, new long[] {1, 129}));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesTheReferenceBitForBit(long[] c, long[] x, long[] y) {
        Random r = new Random(Shapes.size(c) * 31 + Shapes.size(x) * 7 + Shapes.size(y));
        boolean[] cond = new boolean[(int) Shapes.size(c)];
        for (int i = 0; i < cond.length; i++) cond[i] = r.nextBoolean();
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("c", Tensor.ofBools(c, cond));
        feeds.put("x", values(r, x));
        feeds.put("y", values(r, y));
        Node n = Node.builder("Where").name("w").inputs("c", "x", "y").outputs("o").build();
        var g = FastVsReference.graph(n, feeds, Map.of());
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, "cpu-simd:where");
        assertArrayEquals(want.shape(), got.shape());
        for (long i = 0; i < want.size(); i++) {
            assertEquals(Float.floatToRawIntBits(want.getFloat(i)), Float.floatToRawIntBits(got.getFloat(i)),
                    "element " + i);
        }
    }

    private static Tensor values(Random r, long[] shape) {
        float[] v = new float[(int) Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 4 - 2;
        if (v.length > 2) {
            v[1] = Float.NaN;
            v[2] = Float.NEGATIVE_INFINITY;
        }
        return Tensor.ofFloats(shape, v);
    }
}
