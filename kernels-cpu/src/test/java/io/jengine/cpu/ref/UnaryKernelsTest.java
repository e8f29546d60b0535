package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ElementwiseTesting.assertDoubles;
import static io.jengine.cpu.ref.ElementwiseTesting.assertLongs;
import static io.jengine.cpu.ref.ElementwiseTesting.d;
import static io.jengine.cpu.ref.ElementwiseTesting.node;
import static io.jengine.cpu.ref.ElementwiseTesting.of;
import static io.jengine.cpu.ref.ElementwiseTesting.run;
import static io.jengine.cpu.ref.ElementwiseTesting.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Unary math and activations against numpy (float64 inputs, so the tolerance can be tight). */
class UnaryKernelsTest {
    private static final double[] X = {-2.5, -1.0, -0.3, 0.0, 0.4, 1.7, 3.0};
    private static final long[] S = {7};

    private static Tensor x() { return d(X); }

    private static void check(String op, int opset, double[] expected, Attribute... attrs) {
        assertDoubles(run(node(op, 1, attrs), opset, x()), DType.FLOAT64, S, 1e-12, expected);
    }

    @Test
    void erfIsAccurateToDoublePrecision() {
        check("Erf", 13, new double[] {-0.999593047982555, -0.8427007929497149, -0.3286267594591274, 0.0,
            0.42839235504666845, 0.9837904585907745, 0.9999779095030014});
        assertEquals(1.1283791670955126e-10, UnaryMath.erf(1e-10), 1e-24);
        assertEquals(-1.0, UnaryMath.erf(-40), 0);
        assertTrue(Double.isNaN(UnaryMath.erf(Double.NaN)));
    }

    @Test
    void inverseHyperbolicsKeepPrecisionNearZero() {
        check("Asinh", 9, new double[] {-1.6472311463710958, -0.881373587019543, -0.29567304756342244, 0.0,
            0.3900353197707153, 1.300820426840647, 1.8184464592320668});
        assertEquals(1e-12, UnaryMath.asinh(1e-12), 1e-27);
        assertDoubles(run(node("Atanh", 1), 9, d(-0.9, -0.2, 0.0, 0.5, 0.99)), DType.FLOAT64, shape(5), 1e-12,
                -1.4722194895832204, -0.2027325540540822, 0.0, 0.5493061443340549, 2.6466524123622457);
        assertDoubles(run(node("Acosh", 1), 9, d(1.0, 1.5, 10, 0.5)), DType.FLOAT64, shape(4), 1e-12,
                0.0, 0.9624236501192069, 2.993222846126381, Double.NaN);
    }

    @Test
    void simpleMathOnFloatsAndSpecialValues() {
        Tensor v = d(shape(2, 3), -2.5, 0.5, 1.5, Double.NaN, Double.NEGATIVE_INFINITY, 4);
        assertDoubles(run(node("Round", 1), 11, v), DType.FLOAT64, shape(2, 3), 0, -2, 0, 2, Double.NaN,
                Double.NEGATIVE_INFINITY, 4);
        assertDoubles(run(node("Sign", 1), 13, v), DType.FLOAT64, shape(2, 3), 0, -1, 1, 1, Double.NaN, -1, 1);
        assertDoubles(run(node("Sqrt", 1), 13, v), DType.FLOAT64, shape(2, 3), 1e-15, Double.NaN, Math.sqrt(0.5),
                Math.sqrt(1.5), Double.NaN, Double.NaN, 2);
        assertDoubles(run(node("Reciprocal", 1), 13, d(-4, 0, 0.5)), DType.FLOAT64, shape(3), 0, -0.25,
                Double.POSITIVE_INFINITY, 2);
        assertDoubles(run(node("Floor", 1), 13, d(-1.5, 2.7)), DType.FLOAT64, shape(2), 0, -2, 2);
        assertDoubles(run(node("Ceil", 1), 13, d(-1.5, 2.2)), DType.FLOAT64, shape(2), 0, -1, 3);
    }

    @Test
    void float16IsComputedInDoubleAndRoundedOnce() {
        Tensor h = Tensor.fromDoubles(DType.FLOAT16, shape(3), new double[] {0.5, 1, 2});
        assertDoubles(run(node("Exp", 1), 13, h), DType.FLOAT16, shape(3), 1e-3, 1.6487, 2.71828, 7.38906);
    }

    @Test
    void integerFormsWrapAndRespectUnsignedTypes() {
        assertLongs(run(node("Abs", 1), 13, of(DType.INT8, -128, -5, 7)), DType.INT8, shape(3), -128, 5, 7);
        assertLongs(run(node("Neg", 1), 13, of(DType.INT32, Integer.MIN_VALUE, 3)), DType.INT32, shape(2),
                Integer.MIN_VALUE, -3);
        // 2^63 + 1 as uint64: Abs must not treat it as negative, Sign must give 1.
        Tensor big = of(DType.UINT64, Long.MIN_VALUE + 1, 0);
        assertLongs(run(node("Abs", 1), 13, big), DType.UINT64, shape(2), Long.MIN_VALUE + 1, 0);
        assertLongs(run(node("Sign", 1), 13, big), DType.UINT64, shape(2), 1, 0);
        assertLongs(run(node("Sign", 1), 13, of(DType.INT16, -9, 0, 4)), DType.INT16, shape(3), -1, 0, 1);
        assertLongs(run(node("BitwiseNot", 1), 18, of(DType.UINT8, 0, 0xF0)), DType.UINT8, shape(2), 0xFF, 0x0F);
        assertLongs(run(node("BitwiseNot", 1), 18, of(DType.INT32, 5)), DType.INT32, shape(1), -6);
        assertLongs(run(node("Relu", 1), 14, of(DType.INT64, -3, 0, 8)), DType.INT64, shape(3), 0, 0, 8);
        assertLongs(run(node("Not", 1), 1, Tensor.ofBools(shape(2), true, false)), DType.BOOL, shape(2), 0, 1);
    }

    @Test
    void nanAndInfinityPredicates() {
        Tensor v = d(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1);
        assertLongs(run(node("IsNaN", 1), 13, v), DType.BOOL, shape(4), 1, 0, 0, 0);
        assertLongs(run(node("IsInf", 1), 10, v), DType.BOOL, shape(4), 0, 1, 1, 0);
        assertLongs(run(node("IsInf", 1, Attribute.of("detect_positive", 0L)), 10, v), DType.BOOL, shape(4), 0, 0, 1, 0);
        assertLongs(run(node("IsInf", 1, Attribute.of("detect_negative", 0L)), 10, v), DType.BOOL, shape(4), 0, 1, 0, 0);
    }

    @Test
    void activationsWithDefaultsAndAttributes() {
        check("Sigmoid", 13, new double[] {0.07585818002124355, 0.2689414213699951, 0.425557483188341, 0.5,
            0.598687660112452, 0.8455347349164652, 0.9525741268224334});
        check("Softplus", 1, new double[] {0.07888973429254963, 0.31326168751822286, 0.5543552444685271,
            0.6931471805599453, 0.9130152523999526, 1.867786029386266, 3.048587351573742});
        check("Elu", 6, new double[] {-0.4589575006880506, -0.31606027941427883, -0.12959088965914106, 0.0, 0.4, 1.7,
            3.0}, Attribute.of("alpha", 0.5f));
        check("Selu", 6, new double[] {-1.6137857639177853, -1.1113307412864781, -0.4556673168034954, 0.0,
            0.42028040885925294, 1.7861917376518248, 3.152103066444397});
        check("Celu", 12, new double[] {-1.4269904062796197, -0.7869386805747332, -0.2785840471498844, 0.0, 0.4,
            1.7, 3.0}, Attribute.of("alpha", 2f));
        check("HardSwish", 14, new double[] {-0.2083333333333333, -0.33333333333333337, -0.135, 0.0,
            0.22666666666666668, 1.3316666666666666, 3.0});
        check("Mish", 18, new double[] {-0.19681620390653332, -0.30340146137410895, -0.15113317713833455, 0.0,
            0.2890305340723632, 1.6207680739755408, 2.986535004967957});
        check("Softsign", 1, new double[] {-0.7142857142857143, -0.5, -0.23076923076923075, 0.0,
            0.28571428571428575, 0.6296296296296295, 0.75});
        check("Gelu", 20, new double[] {-0.015524163314440398, -0.15865525393145707, -0.1146265733433142, 0.0,
            0.2621686966441297, 1.6242387133104768, 2.99595030590511});
        check("Gelu", 20, new double[] {-0.015084266089998577, -0.1588080093917233, -0.11462907645724076, 0.0,
            0.2621611694273562, 1.624105895551156, 2.996362607918227}, Attribute.of("approximate", "tanh"));
    }

    @Test
    void activationsWhoseAttributesAreFloat32() {
        // Attributes are float32, so 0.5/0.6/0.1/0.35 are not exactly the decimal values: compare loosely.
        double tol = 1e-7;
        assertDoubles(run(node("HardSigmoid", 1, Attribute.of("alpha", 0.5f), Attribute.of("beta", 0.6f)), 6, x()),
                DType.FLOAT64, S, tol, 0.0, 0.1, 0.45, 0.6, 0.8, 1.0, 1.0);
        assertDoubles(run(node("ThresholdedRelu", 1, Attribute.of("alpha", 0.35f)), 10, x()), DType.FLOAT64, S, tol,
                0.0, 0.0, 0.0, 0.0, 0.4, 1.7, 3.0);
        assertDoubles(run(node("Shrink", 1, Attribute.of("bias", 0.5f), Attribute.of("lambd", 1f)), 9, x()),
                DType.FLOAT64, S, tol, -2.0, 0.0, 0.0, 0.0, 0.0, 1.2, 2.5);
        assertDoubles(run(node("LeakyRelu", 1, Attribute.of("alpha", 0.1f)), 16, x()), DType.FLOAT64, S, tol,
                -0.25, -0.1, -0.03, 0.0, 0.4, 1.7, 3.0);
        assertDoubles(run(node("Swish", 1, Attribute.of("alpha", 2f)), 24, x()), DType.FLOAT64, S, 1e-12,
                -0.01673212731071214, -0.11920292202211755, -0.10630310813226136, 0.0, 0.275989792451045,
                1.6450977100126338, 2.992582130530096);
        assertLongs(run(node("Shrink", 1, Attribute.of("bias", 1f), Attribute.of("lambd", 1.5f)), 9,
                of(DType.INT32, -3, -1, 0, 2, 5)), DType.INT32, shape(5), -2, 0, 0, 1, 4);
    }

    @Test
    void reluKeepsNanAndSigmoidSaturatesWithoutNan() {
        assertDoubles(run(node("Relu", 1), 14, d(Double.NaN, -1, 2)), DType.FLOAT64, shape(3), 0, Double.NaN, 0, 2);
        assertDoubles(run(node("Sigmoid", 1), 13, d(-1000, 1000)), DType.FLOAT64, shape(2), 0, 0, 1);
    }

    @Test
    void badTypesAndAttributesAreReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Sqrt", 1), 13, of(DType.INT32, 4)));
        assertTrue(e.getMessage().contains("int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Gelu", 1, Attribute.of("approximate", "fast")), 20, x()));
        assertTrue(e.getMessage().contains("approximate") && e.getMessage().contains("fast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(node("IsNaN", 1), 13, of(DType.INT64, 1)));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }
}
