package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Einsum: implicit and explicit outputs, ellipsis broadcasting, outer products, diagonals and label checks. */
class EinsumKernelTest {

    private static Tensor einsum(String eq, Tensor... xs) {
        String[] names = new String[xs.length];
        for (int i = 0; i < xs.length; i++) names[i] = "x" + i;
        return (Tensor) KernelHarness.run(node("Einsum", names, Attribute.of("equation", eq)), 12, xs)[0];
    }

    @Test
    void implicitOutputSortsTheFreeLabels() {
        // "ij,jk" in implicit mode sums j and outputs "ik".
        double[] a = data(1, 6, -2, 2), b = data(2, 12, -2, 2);
        double[] want = new double[8];
        for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) {
            double s = 0;
            for (int j = 0; j < 3; j++) s += a[i * 3 + j] * b[j * 4 + k];
            want[i * 4 + k] = s;
        }
        check(t(DType.FLOAT64, shape(2, 4), want), einsum("ij,jk", t(DType.FLOAT64, shape(2, 3), a), t(DType.FLOAT64, shape(3, 4), b)));
        // "ba" implicit is the transpose of the stored order (output labels sorted: a, b).
        check(t(DType.FLOAT64, shape(3, 2), a[0], a[3], a[1], a[4], a[2], a[5]), einsum("ba", t(DType.FLOAT64, shape(2, 3), a)));
    }

    @Test
    void ellipsisBroadcastsBatchDimensions() {
        // "...ij,...jk->...ik" with batch [2] against batch [1]: the second operand broadcasts.
        double[] a = data(3, 2 * 2 * 3, -2, 2), b = data(4, 3 * 2, -2, 2);
        double[] want = new double[8];
        for (int q = 0; q < 2; q++) for (int i = 0; i < 2; i++) for (int k = 0; k < 2; k++) {
            double s = 0;
            for (int j = 0; j < 3; j++) s += a[(q * 2 + i) * 3 + j] * b[j * 2 + k];
            want[(q * 2 + i) * 2 + k] = s;
        }
        check(t(DType.FLOAT32, shape(2, 2, 2), want), einsum("...ij,...jk->...ik", t(DType.FLOAT32, shape(2, 2, 3), a),
                t(DType.FLOAT32, shape(1, 3, 2), b)));
    }

    @Test
    void outerProductDiagonalAndSumInIntegerAndHalfTypes() {
        long[] u = ints(5, 3, -9, 9), v = ints(6, 2, -9, 9);
        long[] outer = new long[6];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) outer[i * 2 + j] = u[i] * v[j];
        check(l(DType.INT64, shape(3, 2), outer), einsum("i,j->ij", l(DType.INT64, shape(3), u), l(DType.INT64, shape(2), v)));
        double[] m = ElementwiseKernelsTest.rounded(DType.FLOAT16, data(7, 9, -2, 2));
        check(t(DType.FLOAT16, shape(3), m[0], m[4], m[8]), einsum("ii->i", t(DType.FLOAT16, shape(3, 3), m)));
        double total = 0;
        for (double x : m) total += x;
        check(t(DType.FLOAT16, shape(), total), einsum("ij->", t(DType.FLOAT16, shape(3, 3), m)));
    }

    @Test
    void operandCountRankAndLabelSizesAreChecked() {
        Tensor a = t(DType.FLOAT32, shape(2, 3), data(8, 6, 1, 2));
        fails(() -> einsum("ij,jk->ik", a), "ij,jk->ik", "2 operands", "got 1");
        fails(() -> einsum("ijk->i", a), "operand 0 has rank 2", "ijk");
        fails(() -> einsum("ij,ij->i", a, t(DType.FLOAT32, shape(2, 2), 1, 2, 3, 4)), "label 'j'", "3", "2");
        fails(() -> KernelHarness.run(node("Einsum", in("x")), 12, a), "'equation'", "required");
    }
}
