package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * README's example as INT8: the shipped digits model calibrated on the batches shipped beside it (drawn from the
 * training split) keeps FP32's top-1 on the 500 test images with every calibrator, as ONNX Runtime's static
 * quantization does with min-max, entropy and percentile; and a build replayed from the calibration cache it wrote
 * scores the same.
 */
class Int8EvalTest {
    static final Path CALIB = Path.of("../../examples/digits/calib");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"minmax, 0.996", "entropy, 0.996", "percentile, 0.996", "mse, 0.994"})
    void digitsKeepTheirAccuracyInInt8(String calibrator, double floor) throws Exception {
        Path cache = tmp.resolve(calibrator + ".cache");
        String[] args = {"eval", CliErrorsTest.DIGITS.toString(), "--int8", "--calib", CALIB.toString(), "--calibrator",
            calibrator, "--calib-cache", cache.toString(), "--input", "image=" + CliErrorsTest.IMAGES, "--labels",
            CliErrorsTest.LABELS.toString()};
        TinyModels.Output r = TinyModels.cli(args);
        assertEquals(0, r.code(), r.toString());
        double top1 = top1(r.out());
        assertTrue(top1 >= floor, calibrator + ": top-1 " + top1);
        assertTrue(r.err().contains("calibrate: " + calibrator + " thresholds of 4 tensors from 8 batches"), r.err());
        assertTrue(Files.readString(cache).startsWith("TRT-8601-"), "the cache was written");
        TinyModels.Output replay = TinyModels.cli(args);
        assertEquals(0, replay.code(), replay.toString());
        assertTrue(replay.err().contains("ranges of 4 tensors from " + cache), replay.err());
        assertEquals(top1, top1(replay.out()), "replayed from the cache");
    }

    /** An INT8 plan shows each layer's precision: the quantized convolutions, the Q/DQ boundaries, the float rest. */
    @org.junit.jupiter.api.Test
    void inspectShowsEachLayersPrecision() {
        Path plan = tmp.resolve("digits-int8.plan");
        TinyModels.Output built = TinyModels.cli("build", CliErrorsTest.DIGITS.toString(), "--shapes", "image:8x1x8x8",
                "--int8", "--calib", CALIB.toString(), "--calibrator", "minmax", "--no-tune", "-o", plan.toString());
        assertEquals(0, built.code(), built.toString());
        TinyModels.Output r = TinyModels.cli("inspect", plan.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("precision"), r.out());
        long sim = r.out().lines().filter(l -> l.contains(" int8 sim ")).count();
        long integer = r.out().lines().filter(l -> l.contains(" int8 ") && !l.contains(" int8 sim ")).count();
        long qdq = r.out().lines().filter(l -> l.contains(" q/dq ")).count();
        long fp32 = r.out().lines().filter(l -> l.contains(" fp32 ")).count();
        // where integer convolutions need 7-bit weights, the first (reading the graph input) stays in float
        io.jengine.spi.IntegerConvolution kernels = io.jengine.runtime.Backends.discover().integerConvolution();
        boolean narrowed = kernels != null && kernels.maxWeight() < 127;
        assertEquals(narrowed ? 3 : 4, integer + sim, "the convolutions and the classifier read quantized inputs\n"
                + r.out());
        // with 8-bit weights the classifier's matrix product is an integer one too
        if (kernels != null) {
            assertEquals(narrowed ? 2 : 4, integer, "the convolutions (and with 8-bit weights the classifier) run as"
                    + " integers\n" + r.out());
        }
        assertTrue(qdq >= 3 && fp32 >= 1, r.out());
    }

    private static double top1(String out) {
        Matcher m = Pattern.compile("top-1: ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
