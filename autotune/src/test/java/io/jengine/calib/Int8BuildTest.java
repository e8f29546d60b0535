package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --int8} end to end on a small network: calibrated, quantized, close to float, and the cache replays it. */
public class Int8BuildTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static Tensor gaussian(Random r, double sigma, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, (float) (r.nextGaussian() * sigma));
        return t;
    }

    /** x [4,3,8,8] -> Conv 3x3 + Relu -> Conv 1x1 + Relu -> GlobalAveragePool -> Flatten -> Gemm -> y [4,10]. */
    static Model network() {
        Random r = new Random(11);
        Graph g = Graph.builder("int8").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 4, 3, 8, 8)))
                .initializer("w1", gaussian(r, 0.3, 16, 3, 3, 3)).initializer("b1", gaussian(r, 0.1, 16))
                .initializer("w2", gaussian(r, 0.3, 8, 16, 1, 1))
                .initializer("wg", gaussian(r, 0.5, 10, 8)).initializer("bg", gaussian(r, 0.1, 10))
                .addNode(Node.builder("Conv").name("c1").inputs("x", "w1", "b1").outputs("c1o")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Relu").name("r1").inputs("c1o").outputs("h1").build())
                .addNode(Node.builder("Conv").name("c2").inputs("h1", "w2").outputs("c2o").build())
                .addNode(Node.builder("Relu").name("r2").inputs("c2o").outputs("h2").build())
                .addNode(Node.builder("GlobalAveragePool").name("p").inputs("h2").outputs("pooled").build())
                .addNode(Node.builder("Flatten").name("f").inputs("pooled").outputs("flat").build())
                .addNode(Node.builder("Gemm").name("fc").inputs("flat", "wg", "bg").outputs("y")
                        .attr(Attribute.of("transB", 1L)).build())
                .addOutput(new ValueInfo("y", null)).build();
        return new Model(8, "test", "", g, Map.of());
    }

    private static Path calibration(Path dir) throws Exception {
        Path calib = Files.createDirectories(dir.resolve("calib"));
        Random r = new Random(21);
        for (int b = 0; b < 3; b++) Npy.write(calib.resolve("batch_" + b + ".npy"), gaussian(r, 1, 8, 3, 8, 8));
        return calib;
    }

    private static float[] run(EngineBuilder b, Tensor x) {
        try (Engine e = b.threads(1).progress(QUIET).build()) {
            return ((Tensor) e.run(Map.of("x", x)).get("y")).toFloatArray();
        }
    }

    /**
     * x, h1 and flat; but where this machine's integer convolutions need 7-bit weights, the convolution reading the
     * graph input x stays in float (QdqPlacement).
     */
    private static final long QUANTIZED = narrowedWeights() ? 2 : 3;

    private static boolean narrowedWeights() {
        io.jengine.spi.IntegerConvolution c = io.jengine.runtime.Backends.discover().integerConvolution();
        return c != null && c.maxWeight() < 127;
    }

    /**
     * The tensors the build quantizes: each QuantizeLinear's, each integer convolution's output where it writes
     * integers itself (the QuantizeLinear it absorbed), and each fake-quantize step of an elementwise chain (a
     * QuantizeLinear / DequantizeLinear pair computed in float).
     */
    private static long quantized(io.jengine.ir.Graph g) {
        long fakeQuantized = g.nodes().stream().filter(n -> io.jengine.ir.FusedOpSpec.is(n, "ElementwiseChain"))
                .flatMap(n -> n.attrStrings("ops", java.util.List.of()).stream())
                .filter(op -> op.startsWith("FakeQuantize")).count();
        return fakeQuantized + g.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")
                || io.jengine.ir.FusedOpSpec.is(n, io.jengine.ir.FusedOpSpec.QUANTIZED_CONV)
                && n.hasInput(io.jengine.ir.FusedOpSpec.QC_Y_SCALE)).count();
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void everyCalibratorGivesAnInt8ModelCloseToFloatAndTheCacheReplaysIt(@TempDir Path dir) throws Exception {
        Path calib = calibration(dir);
        Tensor x = gaussian(new Random(99), 1, 4, 3, 8, 8);
        float[] fp32 = run(EngineBuilder.forModel(network()), x);
        for (String calibrator : new String[] {"minmax", "entropy", "percentile", "mse"}) {
            Path cache = dir.resolve(calibrator + ".cache");
            EngineBuilder b = EngineBuilder.forModel(network())
                    .int8(new Int8Options(calib, calibrator, 99.9, 0, cache));
            float[] int8 = run(b, x);
            long quantizers = quantized(b.optimizedModel().graph());
            assertTrue(quantizers == QUANTIZED, calibrator + ": x, h1 and flat quantized, got " + quantizers);
            double cos = cosine(fp32, int8);
            assertTrue(cos > 0.995 && cos < 1, calibrator + ": cosine to float " + cos);
            assertTrue(Files.readString(cache).startsWith("TRT-"), calibrator + " wrote its cache");
            // replayed from the cache alone: no batch runs, the same ranges, the same model
            float[] replay = run(EngineBuilder.forModel(network()).int8(new Int8Options(null, calibrator, 99.9, 0, cache)), x);
            assertArrayEquals(int8, replay, calibrator + " from its cache");
        }
    }

    /**
     * Data that happens to be non-negative (an image in [0, 1]) is still quantized as the graph types it: the cache
     * records no sign, and the replayed build must be the same model, not one with int8 where the first had uint8.
     */
    @Test
    void nonNegativeDataReplaysTheSameModelFromTheCache(@TempDir Path dir) throws Exception {
        Path calib = Files.createDirectories(dir.resolve("calib"));
        Random r = new Random(23);
        for (int b = 0; b < 2; b++) Npy.write(calib.resolve("batch_" + b + ".npy"), abs(gaussian(r, 1, 8, 3, 8, 8)));
        Tensor x = abs(gaussian(new Random(98), 1, 4, 3, 8, 8));
        Path cache = dir.resolve("minmax.cache");
        float[] calibrated = run(EngineBuilder.forModel(network()).int8(new Int8Options(calib, "minmax", 99.9, 0, cache)), x);
        float[] replayed = run(EngineBuilder.forModel(network()).int8(new Int8Options(null, "minmax", 99.9, 0, cache)), x);
        assertArrayEquals(calibrated, replayed);
    }

    /**
     * --accuracy-budget: a budget the fully quantized model meets keeps every layer in INT8; one it cannot meet (the
     * float model's own outputs, cosine 1 to nine places) sends layers back to float until it holds, the most
     * sensitive first, measured on the held-out last file.
     */
    @Test
    void anAccuracyBudgetKeepsTheMostSensitiveLayersInFloat(@TempDir Path dir) throws Exception {
        Path calib = calibration(dir);
        long lenient = quantizers(new Int8Options(calib, "minmax", 99.9, 0, null, null, 0.5));
        assertEquals(QUANTIZED, lenient, "a budget INT8 meets keeps every layer quantized");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EngineBuilder strict = EngineBuilder.forModel(network()).threads(1).progress(new PrintStream(log))
                .int8(new Int8Options(calib, "minmax", 99.9, 0, null, null, 0.999999999));
        long kept = quantized(strict.optimizedModel().graph());
        assertTrue(kept < QUANTIZED, "a budget only float meets sends layers back to float, kept " + kept);
        String out = log.toString();
        assertTrue(out.contains("held out: the last 1 of 3"), out);
        assertTrue(out.contains("kept in float: "), out);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Int8Options(calib, "minmax", 99.9, 0, null, null, 1.5));
    }

    private static long quantizers(Int8Options o) {
        EngineBuilder b = EngineBuilder.forModel(network()).threads(1).progress(QUIET).int8(o);
        return quantized(b.optimizedModel().graph());
    }

    private static Tensor abs(Tensor t) {
        for (long i = 0; i < t.size(); i++) t.setFloat(i, Math.abs(t.getFloat(i)));
        return t;
    }

    @Test
    void int8WithoutDataOrCacheIsRefusedBeforeAnyWork(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Int8Options(null, "entropy", 99.99, 0, dir.resolve("missing.cache")));
        assertTrue(e.getMessage().contains("--calib") && e.getMessage().contains("does not exist yet"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Int8Options(dir, "kl", 99.99, 0, null));
        assertTrue(e.getMessage().contains("kl"), e.getMessage());
    }
    @Test
    void imagesCalibrateThroughPreprocessing(@TempDir Path dir) throws Exception {
        Path calib = Files.createDirectories(dir.resolve("images"));
        Random r = new Random(5);
        for (int k = 0; k < 9; k++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(12, 10,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 10; y++) for (int x = 0; x < 12; x++) img.setRGB(x, y, r.nextInt(1 << 24));
            javax.imageio.ImageIO.write(img, k % 2 == 0 ? "png" : "jpeg", calib.resolve("img" + k + (k % 2 == 0 ? ".png" : ".jpg")).toFile());
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EngineBuilder b = EngineBuilder.forModel(network()).progress(new PrintStream(log, true))
                .int8(new Int8Options(calib, "minmax", 99.9, 0, null,
                        ImagePreprocessing.parse("resize=8x8;mean=0.5;std=0.25")));
        long quantizers = quantized(b.optimizedModel().graph());
        assertTrue(quantizers == QUANTIZED, "x, h1 and flat quantized, got " + quantizers);
        String out = log.toString();
        assertTrue(out.contains("9 images in " + calib) && out.contains("2 batches of 4, 1 left over")
                && out.contains("2 batches (8 of 9 images)"), out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Int8Options(null, "minmax",
                99.9, 0, dir.resolve("x.cache"), ImagePreprocessing.parse("resize=8x8")));
        assertTrue(e.getMessage().contains("--calib"), e.getMessage());
    }
}
