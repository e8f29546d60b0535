package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.io.Npy;
import io.jengine.tensor.Tensor;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * engine compare: one line of error figures per output, exact comparison of integer outputs, NaN and infinity
 * differences counted, and the exit code: 1 for outputs of different shape or type, or, with --atol/--rtol, for any
 * element out of tolerance; else 0.
 */
class CompareCommandTest {
    @TempDir
    Path tmp;

    /** Two rows; halved, every element is off by half itself (exactly, in binary), relative error 1. */
    static final float[] X = {1, 2, 3, 4, -8, 0.5f, 0.25f, -1};

    @Test
    void digitsAgainstItselfIsExact() {
        TinyModels.Output r = TinyModels.cli("compare", CliErrorsTest.DIGITS.toString(), CliErrorsTest.DIGITS.toString(),
                "--input", "image=" + CliErrorsTest.IMAGES, "--atol", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("logits [500,10] float32: max abs 0.0000e+00, max rel 0.0000e+00, mean abs "
                + "0.0000e+00, cosine 1.000000, argmax agreement 1.0000 (500 of 500 rows), within tolerance"), r.toString());
        assertTrue(r.out().contains("PASS: 0 of 1 outputs out of tolerance (atol 0, rtol 0)"), r.toString());
    }

    @Test
    void quantizedDigitsAreCloseButNotEqual() {
        Path zoo = ZooModelsTest.zoo();
        String a = zoo.resolve("digits_cnn_u8_qdq.onnx").toString(), b = zoo.resolve("digits_cnn.onnx").toString();
        String images = "image=" + zoo.resolve("digits_data/test_images.npy");
        TinyModels.Output loose = TinyModels.cli("compare", a, b, "--input", images, "--atol", "1");
        assertEquals(0, loose.code(), loose.toString());
        double cosine = number(loose.out(), "cosine ([0-9.]+)");
        assertTrue(cosine > 0.99 && cosine < 1, loose.toString());
        assertTrue(number(loose.out(), "max abs ([0-9.e+-]+),") > 0, loose.toString());
        double agreement = number(loose.out(), "argmax agreement ([0-9.]+) \\(\\d+ of 500 rows\\)");
        assertTrue(agreement > 0.95 && agreement <= 1, loose.toString());

        TinyModels.Output tight = TinyModels.cli("compare", a, b, "--input", images, "--atol", "1e-3", "--rtol", "1e-3");
        assertEquals(1, tight.code(), tight.toString());
        assertTrue(tight.out().matches("(?s).*, \\d+ of 5000 elements out of tolerance\n.*"), tight.toString());
        assertTrue(tight.out().contains("FAIL: 1 of 1 outputs out of tolerance (atol 0.001, rtol 0.001)"),
                tight.toString());
    }

    /** Halved, 4 of the 8 elements are above 0.9 in A and 3 in B, all 3 also in A: IoU 3 / 4. */
    @Test
    void iouThresholdComparesBinarisedOutputs() {
        Path a = TinyModels.identity(tmp.resolve("a.onnx"), -1, 4);
        Path b = TinyModels.scaled(tmp.resolve("b.onnx"), -1, 4, 0.5f, "y");
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {2, 4}, X));
        TinyModels.Output r = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x,
                "--iou-threshold", "0.9");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\n  IoU above 0.9: 0.7500 (4 elements in A, 3 in B, 3 in both)\n"), r.toString());
        TinyModels.Output bad = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x,
                "--iou-threshold", "NaN");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--iou-threshold must be a finite number, got NaN"), bad.toString());
    }

    @Test
    void masksCountNaNAsBelowAndTwoEmptyMasksAgree() {
        Tensor a = Tensor.ofFloats(new long[] {4}, 0.5f, Float.NaN, 0.7f, 0.1f);
        Tensor b = Tensor.ofFloats(new long[] {4}, 0.5f, 0.9f, Float.NaN, 0.2f);
        MaskOverlap m = MaskOverlap.of(a, b, 0.3);
        assertEquals(new MaskOverlap(0.3, 2, 2, 1), m);
        assertEquals(1.0 / 3, m.iou(), 1e-12);
        assertEquals(1.0, MaskOverlap.of(a, b, 5).iou());
    }

    @Test
    void toleranceDecidesTheExitCode() {
        Path a = TinyModels.identity(tmp.resolve("a.onnx"), -1, 4);
        Path b = TinyModels.scaled(tmp.resolve("b.onnx"), -1, 4, 0.5f, "y");
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {2, 4}, X));
        String figures = "y [2,4] float32: max abs 4.0000e+00, max rel 1.0000e+00, mean abs 1.2344e+00, "
                + "cosine 1.000000, argmax agreement 1.0000 (2 of 2 rows)";

        TinyModels.Output plain = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x);
        assertEquals(0, plain.code(), "no tolerance given: differences are reported, not judged\n" + plain);
        assertTrue(plain.out().contains(figures + "\n"), plain.toString());

        TinyModels.Output atol = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x, "--atol", "1");
        assertEquals(1, atol.code(), atol.toString());
        assertTrue(atol.out().contains(figures + ", 3 of 8 elements out of tolerance"), atol.toString());
        assertTrue(atol.out().contains("FAIL: 1 of 1 outputs out of tolerance (atol 1, rtol 0)"), atol.toString());

        assertEquals(0, TinyModels.cli("compare", a.toString(), b.toString(), "--input", x, "--atol", "4").code());
        assertEquals(0, TinyModels.cli("compare", a.toString(), b.toString(), "--input", x, "--rtol", "1").code());
        TinyModels.Output rtol = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x, "--rtol", "0.99");
        assertEquals(1, rtol.code(), rtol.toString());
        assertTrue(rtol.out().contains("8 of 8 elements out of tolerance"), rtol.toString());
    }

    @Test
    void differentNamesWithOneOutputEachAreCompared() {
        Path a = TinyModels.identity(tmp.resolve("a.onnx"), -1, 4);
        Path b = TinyModels.scaled(tmp.resolve("b.onnx"), -1, 4, 1, "z");
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {2, 4}, X));
        TinyModels.Output r = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("comparing A's only output 'y' with B's only output 'z'"), r.toString());
        assertTrue(r.out().contains("y / z [2,4] float32: max abs 0.0000e+00"), r.toString());
    }

    @Test
    void differentElementTypesFail() {
        Path a = TinyModels.identity(tmp.resolve("a.onnx"), -1, 4);
        Path b = TinyModels.toDouble(tmp.resolve("b.onnx"), -1, 4);
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {2, 4}, X));
        TinyModels.Output r = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("y: tensor(float32) [2,4] in A but tensor(float64) [2,4] in B"), r.toString());
    }

    @Test
    void integerOutputsAreComparedExactly() {
        Path a = TinyModels.argmax(tmp.resolve("a.onnx"), -1, 4, 1);
        Path b = TinyModels.argmax(tmp.resolve("b.onnx"), -1, 4, -1);
        float[] rows = java.util.Arrays.copyOf(X, 12); // a third row of zeros: both pick class 0
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {3, 4}, rows));
        TinyModels.Output r = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("y [3] int64: 2 of 3 elements differ (compared exactly)\n"), r.toString());
        TinyModels.Output tol = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x, "--atol", "100");
        assertEquals(1, tol.code(), "integers are compared exactly whatever the tolerance\n" + tol);
        assertTrue(tol.out().contains("2 of 3 elements out of tolerance"), tol.toString());
    }

    @Test
    void nanAndInfinityDifferencesAreCounted() {
        Path a = TinyModels.identity(tmp.resolve("a.onnx"), -1, 4);
        Path b = TinyModels.plus(tmp.resolve("b.onnx"), -1, 0, Float.NaN, 0, 0);
        float inf = Float.POSITIVE_INFINITY;
        // Infinity against infinity and NaN against NaN are equal; the NaN column of b differs from a's numbers.
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {2, 4}, 1, 2, inf, 4, Float.NaN, 1, 1, 1));
        TinyModels.Output r = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("y [2,4] float32: max abs 0.0000e+00, max rel 0.0000e+00, mean abs 0.0000e+00, "
                + "cosine 1.000000, argmax agreement 0.5000 (1 of 2 rows), NaN/Inf differ at 2 of 8\n"), r.toString());
        TinyModels.Output tol = TinyModels.cli("compare", a.toString(), b.toString(), "--input", x, "--atol", "1");
        assertEquals(1, tol.code(), tol.toString());
        assertTrue(tol.out().contains("2 of 8 elements out of tolerance"), tol.toString());
    }

    @Test
    void aPlanOfFixedBatchAgainstItsModel() {
        Path model = TinyModels.scaled(tmp.resolve("m.onnx"), -1, 4, 0.5f, "y");
        Path plan = tmp.resolve("m.plan");
        TinyModels.Output built = TinyModels.cli("build", model.toString(), "-o", plan.toString(), "--no-tune",
                "--shapes", "x:2x4", "--threads", "1");
        assertEquals(0, built.code(), built.toString());
        float[] six = new float[24];
        for (int i = 0; i < six.length; i++) six[i] = i % 7 - 3;
        String x = "x=" + npy("x.npy", Tensor.ofFloats(new long[] {6, 4}, six));
        TinyModels.Output r = TinyModels.cli("compare", plan.toString(), model.toString(), "--input", x, "--atol", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("A: " + plan + " (3 runs of 2,"), r.toString());
        assertTrue(r.out().contains("B: " + model + " (1 run of 6,"), r.toString());
        assertTrue(r.out().contains("y [6,4] float32: max abs 0.0000e+00"), r.toString());

        Path five = npy("five.npy", Tensor.ofFloats(new long[] {5, 4}, java.util.Arrays.copyOf(six, 20)));
        String err = CliErrorsTest.failWith("compare", plan.toString(), model.toString(), "--input", "x=" + five);
        assertTrue(err.contains("'x'") && err.contains("5 examples") && err.contains("batch 2"), err);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    private Path npy(String name, Tensor t) {
        Path f = tmp.resolve(name);
        Npy.write(f, t);
        return f;
    }
}
