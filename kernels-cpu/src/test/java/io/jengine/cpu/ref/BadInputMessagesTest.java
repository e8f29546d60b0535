package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ReductionKernelsTest.node;
import static io.jengine.cpu.ref.ReductionKernelsTest.run1;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad attributes and inputs of the reduction, normalization, linalg and quantization ops fail with a clear message. */
class BadInputMessagesTest {
    static Tensor m23() { return Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6); }

    static void rejects(String fragment, Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage() != null && e.getMessage().contains(fragment), "message: " + e.getMessage());
    }

    @Test
    void einsumEquationErrors() {
        rejects("z", () -> run1(node("Einsum", 2, Attribute.of("equation", "ij,jk->iz")), 12, m23(), m23().reshape(3, 2)));
        rejects("rank", () -> run1(node("Einsum", 1, Attribute.of("equation", "ijk->i")), 12, m23()));
        rejects("operand", () -> run1(node("Einsum", 1, Attribute.of("equation", "ij,jk->ik")), 12, m23()));
    }

    @Test
    void softmaxAndCumSumAxisErrors() {
        rejects("axis", () -> run1(node("Softmax", 1, Attribute.of("axis", 2L)), 13, m23()));
        rejects("axis", () -> run1(node("CumSum", 2), 14, m23(), Tensor.ofLongs(new long[0], 5)));
    }

    @Test
    void gemmAndDetShapes() {
        rejects("inner", () -> run1(node("Gemm", 2), 13, m23(), m23()));
        rejects("[2,3]", () -> run1(node("Det", 1), 11, m23()));
    }

    @Test
    void normalizationAttributes() {
        Tensor x = Tensor.ofFloats(new long[] {1, 2, 2}, 1, 2, 3, 4);
        rejects("size", () -> run1(node("LRN", 1, Attribute.of("size", 0L)), 13, x));
        rejects("p", () -> run1(node("LpNormalization", 1, Attribute.of("p", 3L)), 1, x));
        rejects("num_groups", () -> run1(node("GroupNormalization", 3, Attribute.of("num_groups", 0L)), 21, x,
                Tensor.ofFloats(new long[] {2}, 1, 1), Tensor.ofFloats(new long[] {2}, 0, 0)));
        rejects("axis", () -> run1(node("LayerNormalization", 2, Attribute.of("axis", 3L)), 17, x,
                Tensor.ofFloats(new long[] {2}, 1, 1)));
    }
}
