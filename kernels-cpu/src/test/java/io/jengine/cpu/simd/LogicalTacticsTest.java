package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

/** And, Or, Xor on bool tensors under broadcasting against the reference: every byte must match. */
class LogicalTacticsTest {
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        long[][][] shapes = {{{1, 1, 1, 7}, {1, 1, 7, 1}}, {{2, 3, 5}, {2, 3, 5}}, {{}, {4, 3}}, {{3, 1}, {1, 300}}};
        for (String op : new String[] {"And", "Or", "Xor"}) for (long[][] s : shapes) b.add(Arguments.of(op, s[0], s[1]));
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceByteForByte(String op, long[] a, long[] b) {
        Random r = new Random(op.hashCode() + Shapes.size(a) * 7 + Shapes.size(b));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", bools(r, a));
        feeds.put("b", bools(r, b));
        Node n = Node.builder(op).name("l").inputs("a", "b").outputs("y").build();
        var g = FastVsReference.graph(n, feeds, Map.of());
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, "cpu-simd:logical." + op.toLowerCase());
        assertArrayEquals(want.shape(), got.shape());
        byte[] w = new byte[(int) want.size()], x = new byte[(int) got.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = want.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
            x[i] = got.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        }
        assertArrayEquals(w, x);
    }

    private static Tensor bools(Random r, long[] shape) {
        boolean[] v = new boolean[(int) Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextBoolean();
        return Tensor.ofBools(shape, v);
    }
}
