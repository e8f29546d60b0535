package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.io.Npy;
import io.jengine.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * engine eval: top-1 and top-K accuracy, inputs run batch by batch where the model's batch is fixed (or --batch
 * says), ties and NaN ranked as numpy's argmax ranks them, and one-line errors for counts that do not fit.
 */
class EvalCommandTest {
    @TempDir
    Path tmp;

    /** Six examples of four class scores: row 1 ties (argmax takes the lower index), row 2 holds a NaN (it wins). */
    static final float[] SCORES = {
            0.1f, 0.9f, 0.3f, 0.2f,
            0.5f, 0.5f, 0.1f, 0.0f,
            Float.NaN, 0.2f, 0.9f, 0.1f,
            0.4f, 0.3f, 0.2f, 0.1f,
            0.0f, 0.0f, 0.0f, 1.0f,
            0.3f, 0.2f, 0.9f, 0.8f};
    /** Right at top-1: rows 0, 2, 4; at top-2 also rows 1 and 5; row 3's label ranks fourth. */
    static final long[] LABELS = {1, 1, 0, 3, 3, 3};

    @Test
    void digitsScoresItsKnownAccuracy() {
        TinyModels.Output r = TinyModels.cli("eval", CliErrorsTest.DIGITS.toString(), "--input",
                "image=" + CliErrorsTest.IMAGES, "--labels", CliErrorsTest.LABELS.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("500 examples in 1 run of 500"), r.toString());
        assertTrue(r.out().contains("top-1: 0.9960 (498 of 500)"), r.toString());
        assertTrue(r.out().contains("top-5: 1.0000 (500 of 500)"), r.toString());
    }

    @Test
    void labelCountMustMatchTheExamples() {
        Path labels = npy("labels499.npy", Tensor.ofLongs(new long[] {499},
                Arrays.copyOf(Npy.read(CliErrorsTest.LABELS).toLongArray(), 499)));
        String err = CliErrorsTest.failWith("eval", CliErrorsTest.DIGITS.toString(), "--input",
                "image=" + CliErrorsTest.IMAGES, "--labels", labels.toString());
        assertTrue(err.contains(labels.toString()) && err.contains("499 labels")
                && err.contains(CliErrorsTest.IMAGES.toString()) && err.contains("500 examples"), err);
    }

    @Test
    void aFixedBatchRunsBatchByBatchAndScoresTopK() {
        Path model = TinyModels.identity(tmp.resolve("fixed.onnx"), 2, 4);
        TinyModels.Output r = TinyModels.cli("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(LABELS).toString(), "--top", "2");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("6 examples in 3 runs of 2"), r.toString());
        assertTrue(r.out().contains("top-1: 0.5000 (3 of 6)"), r.toString());
        assertTrue(r.out().contains("top-2: 0.8333 (5 of 6)"), r.toString());

        TinyModels.Output top4 = TinyModels.cli("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(LABELS).toString(), "--top", "4");
        assertTrue(top4.out().contains("top-4: 1.0000 (6 of 6)"), top4.toString());

        // Four classes: no top-5 line, and a note that says why.
        TinyModels.Output top5 = TinyModels.cli("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(LABELS).toString());
        assertEquals(0, top5.code(), top5.toString());
        assertTrue(top5.out().contains("top-1: 0.5000") && !top5.out().contains("top-5"), top5.toString());
        assertTrue(top5.err().contains("4 classes"), top5.toString());
    }

    @Test
    void anOpenBatchRunsAtOnceOrByBatch() {
        Path model = TinyModels.identity(tmp.resolve("open.onnx"), -1, 4);
        TinyModels.Output once = TinyModels.cli("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(LABELS).toString(), "--top", "2");
        assertTrue(once.out().contains("6 examples in 1 run of 6") && once.out().contains("top-2: 0.8333"), once.toString());
        TinyModels.Output byFour = TinyModels.cli("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(LABELS).toString(), "--top", "2", "--batch", "4");
        assertTrue(byFour.out().contains("6 examples in 2 runs of 4") && byFour.out().contains("top-1: 0.5000 (3 of 6)")
                && byFour.out().contains("top-2: 0.8333"), byFour.toString());
    }

    @Test
    void anExampleCountThatDoesNotFitTheBatchIsAnError() {
        Path model = TinyModels.identity(tmp.resolve("fixed.onnx"), 2, 4);
        Path five = scores(5);
        String err = CliErrorsTest.failWith("eval", model.toString(), "--input", "x=" + five, "--labels",
                labels(Arrays.copyOf(LABELS, 5)).toString());
        assertTrue(err.contains("'x'") && err.contains(five.toString()) && err.contains("5 examples")
                && err.contains("multiple of the model's batch 2"), err);
        String batch = CliErrorsTest.failWith("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(LABELS).toString(), "--batch", "3");
        assertTrue(batch.contains("--batch 3") && batch.contains("fixed batch 2"), batch);
    }

    @Test
    void labelsMustBeClassIds() {
        Path model = TinyModels.identity(tmp.resolve("open.onnx"), -1, 4);
        Path floats = npy("float_labels.npy", Tensor.ofFloats(new long[] {6}, 1, 1, 0, 3, 3, 3));
        String err = CliErrorsTest.failWith("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                floats.toString());
        assertTrue(err.contains("float32") && err.contains("integer class ids"), err);
        String range = CliErrorsTest.failWith("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                labels(new long[] {1, 1, 0, 3, 4, 3}).toString());
        assertTrue(range.contains("label 4 of example 4"), range);
        // int32 labels are read as well as int64.
        Path ints = npy("int_labels.npy", Tensor.ofInts(new long[] {6}, 1, 1, 0, 3, 3, 3));
        TinyModels.Output r = TinyModels.cli("eval", model.toString(), "--input", "x=" + scores(6), "--labels",
                ints.toString());
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.out().isBlank() || !r.out().contains("top-1: 0.5000"), r.toString());
    }

    private Path scores(int rows) {
        return npy("scores" + rows + ".npy", Tensor.ofFloats(new long[] {rows, 4}, Arrays.copyOf(SCORES, rows * 4)));
    }

    private Path labels(long[] ids) {
        return npy("labels" + Arrays.hashCode(ids) + ".npy", Tensor.ofLongs(new long[] {ids.length}, ids));
    }

    private Path npy(String name, Tensor t) {
        Path f = tmp.resolve(name);
        Npy.write(f, t);
        return f;
    }
}
