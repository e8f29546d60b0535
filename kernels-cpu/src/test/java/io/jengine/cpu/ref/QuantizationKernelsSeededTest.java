package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** QuantizeLinear/DequantizeLinear (per-tensor, per-axis, blocked), DynamicQuantizeLinear and QLinearMatMul. */
class QuantizationKernelsSeededTest {

    private static long sat(double v, long lo, long hi) { return (long) Math.max(lo, Math.min(hi, v)); }

    @Test
    void quantizeRoundsHalfToEvenAndSaturatesPerType() {
        double[] x = data(1, 12, -300, 300);
        x[0] = 2.5 * 0.5; // exactly on a tie after dividing by 0.5: 2.5 -> 2
        x[1] = 3.5 * 0.5; // 3.5 -> 4
        long[] u8 = new long[12], i8 = new long[12];
        for (int i = 0; i < 12; i++) {
            double q = Math.rint(ElementwiseKernelsTest.rounded(DType.FLOAT32, x)[i] / 0.5);
            u8[i] = sat(q + 10, 0, 255);
            i8[i] = sat(q - 3, -128, 127);
        }
        Tensor xt = t(DType.FLOAT32, shape(3, 4), x), s = t(DType.FLOAT32, shape(), 0.5);
        check(l(DType.UINT8, shape(3, 4), u8), KernelHarness.run(node("QuantizeLinear", in("x", "s", "z")), 13, xt, s, l(DType.UINT8, shape(), 10))[0]);
        check(l(DType.INT8, shape(3, 4), i8), KernelHarness.run(node("QuantizeLinear", in("x", "s", "z")), 13, xt, s, l(DType.INT8, shape(), -3))[0]);
        // No zero point: uint8 with zero point 0.
        long[] noZp = new long[12];
        for (int i = 0; i < 12; i++) noZp[i] = sat(Math.rint(ElementwiseKernelsTest.rounded(DType.FLOAT32, x)[i] / 0.5), 0, 255);
        check(l(DType.UINT8, shape(3, 4), noZp), KernelHarness.run(node("QuantizeLinear", in("x", "s")), 13, xt, s)[0]);
    }

    @Test
    void perAxisScalesAlongNegativeAxisAndDequantizeInverts() {
        long[] q = ints(2, 12, -100, 100);
        double[] sc = {0.5, 0.25, 2, 0.125};
        long[] zp = {1, -2, 3, 0};
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) want[i] = (q[i] - zp[i % 4]) * sc[i % 4];
        Tensor deq = (Tensor) KernelHarness.run(node("DequantizeLinear", in("x", "s", "z"), Attribute.of("axis", -1L)), 13,
                l(DType.INT8, shape(3, 4), q), t(DType.FLOAT32, shape(4), sc), l(DType.INT8, shape(4), zp))[0];
        check(t(DType.FLOAT32, shape(3, 4), want), deq);
        check(l(DType.INT8, shape(3, 4), q), KernelHarness.run(node("QuantizeLinear", in("x", "s", "z"), Attribute.of("axis", -1L)), 13,
                deq, t(DType.FLOAT32, shape(4), sc), l(DType.INT8, shape(4), zp))[0]);
        // int32 dequantize (no zero point) and uint16 quantize.
        check(t(DType.FLOAT32, shape(2), 100000 * 0.5, -7 * 0.5), KernelHarness.run(node("DequantizeLinear", in("x", "s")), 13,
                l(DType.INT32, shape(2), 100000, -7), t(DType.FLOAT32, shape(), 0.5))[0]);
        check(l(DType.UINT16, shape(2), 65535, 200), KernelHarness.run(node("QuantizeLinear", in("x", "s", "z")), 21,
                t(DType.FLOAT32, shape(2), 1e6, 50), t(DType.FLOAT32, shape(), 0.25), l(DType.UINT16, shape(), 0))[0]);
    }

    @Test
    void blockedScalesCoverConsecutiveRuns() {
        // [2,4] with block_size 2 along axis 1: scale shape [2,2].
        double[] x = data(3, 8, -20, 20), sc = {0.5, 2, 1, 0.25};
        long[] want = new long[8];
        for (int i = 0; i < 8; i++) want[i] = sat(Math.rint(ElementwiseKernelsTest.rounded(DType.FLOAT32, x)[i] / sc[(i / 4) * 2 + (i % 4) / 2]), -128, 127);
        check(l(DType.INT8, shape(2, 4), want), KernelHarness.run(node("QuantizeLinear", in("x", "s", "z"), Attribute.of("axis", 1L),
                Attribute.of("block_size", 2L)), 21, t(DType.FLOAT32, shape(2, 4), x), t(DType.FLOAT32, shape(2, 2), sc), l(DType.INT8, shape(2, 2), 0, 0, 0, 0))[0]);
    }

    @Test
    void dynamicQuantizeIncludesZeroInTheRange() {
        double[] x = data(4, 6, -1, 3);
        float min = 0, max = 0;
        for (double v : x) { min = Math.min(min, (float) v); max = Math.max(max, (float) v); }
        float scale = (max - min) / 255f;
        float zp = (float) Math.rint(Math.max(0, Math.min(255, -min / scale)));
        long[] q = new long[6];
        for (int i = 0; i < 6; i++) q[i] = sat(Math.rint((float) x[i] / scale) + zp, 0, 255);
        Value[] out = KernelHarness.run(io.jengine.ir.Node.builder("DynamicQuantizeLinear").inputs("x").outputs("y", "s", "z").build(), 11,
                t(DType.FLOAT32, shape(2, 3), x));
        check(l(DType.UINT8, shape(2, 3), q), out[0]);
        check(t(DType.FLOAT32, shape(), scale), out[1]);
        check(l(DType.UINT8, shape(), (long) zp), out[2]);
    }

    @Test
    void qlinearMatMulRequantizes() {
        long[] a = ints(5, 6, 0, 255), b = ints(6, 6, 0, 255);
        double as = 0.02, bs = 0.01, ys = 0.05;
        long az = 100, bz = 120, yz = 128;
        long[] want = new long[4];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) {
            double s = 0;
            for (int p = 0; p < 3; p++) s += (a[i * 3 + p] - az) * (double) (float) as * (b[p * 2 + j] - bz) * (double) (float) bs;
            want[i * 2 + j] = sat(Math.rint(s / (float) ys) + yz, 0, 255);
        }
        check(l(DType.UINT8, shape(2, 2), want), KernelHarness.run(node("QLinearMatMul", in("a", "as", "az", "b", "bs", "bz", "ys", "yz")), 10,
                l(DType.UINT8, shape(2, 3), a), t(DType.FLOAT32, shape(), as), l(DType.UINT8, shape(), az),
                l(DType.UINT8, shape(3, 2), b), t(DType.FLOAT32, shape(), bs), l(DType.UINT8, shape(), bz),
                t(DType.FLOAT32, shape(), ys), l(DType.UINT8, shape(), yz))[0]);
    }

    @Test
    void scaleShapeMismatchIsReported() {
        fails(() -> KernelHarness.run(node("DequantizeLinear", in("x", "s"), Attribute.of("axis", 1L)), 13,
                l(DType.INT8, shape(2, 4), 1, 2, 3, 4, 5, 6, 7, 8), t(DType.FLOAT32, shape(3), 1, 2, 3)), "scale", "[3]", "[2,4]", "axis 1");
    }
}
