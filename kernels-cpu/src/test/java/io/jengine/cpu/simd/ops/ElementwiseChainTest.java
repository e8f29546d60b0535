package io.jengine.cpu.simd.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ElementwiseChain programs against the reference kernel, over broadcast inputs, blocks and threads, in place. */
class ElementwiseChainTest {
    private static Tensor[] inputs(long[][] shapes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor[] t = new Tensor[shapes.length];
        for (int j = 0; j < shapes.length; j++) {
            float[] v = FloatChecks.randomFloats(rnd, (int) Shapes.size(shapes[j]), 2f);
            if (v.length > 40) {
                v[3] = Float.NaN;
                v[17] = Float.NEGATIVE_INFINITY;
            }
            t[j] = FloatChecks.tensor(shapes[j], v);
        }
        return t;
    }

    private static void check(List<String> ops, long[] args, float[] params, long[][] shapes, int threads) {
        Tensor[] in = inputs(shapes, ops.size() * 7L + shapes.length);
        ElementwiseChain chain = new ElementwiseChain(ops, args, params, shapes);
        float[] y = new float[(int) Shapes.size(chain.outShape())];
        MemorySegment[] segs = new MemorySegment[in.length];
        for (int j = 0; j < in.length; j++) segs[j] = in[j].data();
        chain.run(segs, new long[in.length], MemorySegment.ofArray(y), 0, threads);
        Tensor want = ReferenceRunner.elementwiseChain(ops, args, params, in);
        // Steps round to float between them where the reference keeps double: a few roundings, well inside rtol.
        FloatChecks.assertClose(ops + " over " + java.util.Arrays.deepToString(shapes), want, y, Tolerance.FLOAT32);
    }

    @Test
    void geluAsTheExporterWritesItWithBiasBroadcast() {
        // ((x + bias) * 0.5) * (1 + erf((x + bias) / sqrt 2)): bert's Gelu before opset 20, as a chain.
        List<String> ops = List.of("Add", "Div", "Erf", "Add", "Mul", "Mul");
        long[] args = {0, 1, -1, 2, -2, 0, -3, 3, -1, -4, -5, 4};
        float[] params = new float[12];
        long[][] shapes = {{2, 9, 77}, {77}, {}, {}, {}};
        Tensor[] consts = {null, null, Tensor.ofFloats(new long[0], 1.4142135f), Tensor.ofFloats(new long[0], 1f),
            Tensor.ofFloats(new long[0], 0.5f)};
        Tensor[] in = inputs(shapes, 3);
        for (int j = 2; j < 5; j++) in[j] = consts[j];
        ElementwiseChain chain = new ElementwiseChain(ops, args, params, shapes);
        float[] y = new float[2 * 9 * 77];
        MemorySegment[] segs = new MemorySegment[5];
        for (int j = 0; j < 5; j++) segs[j] = in[j].data();
        chain.run(segs, new long[5], MemorySegment.ofArray(y), 0, 2);
        FloatChecks.assertClose("gelu chain", ReferenceRunner.elementwiseChain(ops, args, params, in), y, Tolerance.FLOAT32);
    }

    @Test
    void unaryAndBinaryStepsOverBroadcastInputs() {
        List<String> ops = List.of("Mul", "Sigmoid", "Sub", "LeakyRelu", "Pow", "Clip");
        long[] args = {0, 1, -1, 0, -2, 2, -3, 0, -4, 3, -5, 0};
        float[] params = {0, 0, 0, 0, 0, 0, 0.1f, 0, 0, 0, -1.5f, 2.5f};
        check(ops, args, params, new long[][] {{3, 5, 67}, {3, 1, 67}, {5, 1}, {1}}, 3);
        check(ops, args, params, new long[][] {{2, 3000}, {1, 3000}, {2, 1}, {1}}, 3);   // runs of several blocks
        check(ops, args, params, new long[][] {{1}, {4, 1}, {1, 33}, {4, 33}}, 1);        // first input a scalar
    }

    @Test
    void everyUnaryStepOverRunsWithTails() {
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.NONE || op == UnaryOp.GELU_TANH) continue;
            float[] params = op == UnaryOp.CLIP ? new float[] {-0.5f, 0.7f, 0, 0}
                    : op == UnaryOp.HARD_SIGMOID ? new float[] {0.2f, 0.5f, 0, 0}
                    : op == UnaryOp.LEAKY_RELU ? new float[] {0.1f, 0, 0, 0} : new float[4];
            // The op, then Add of a broadcast input: both the step's own loop and a result read back.
            check(List.of(op.onnxName(), "Add"), new long[] {0, 0, -1, 1}, params, new long[][] {{3, 1037}, {3, 1}}, 2);
            check(List.of(op.onnxName(), "Mul"), new long[] {0, 0, 1, -1}, params, new long[][] {{1}, {5, 13}}, 1);
        }
    }

    @Test
    void aSingleUnaryStepOverAScalarInput() {
        check(List.of("Exp"), new long[] {0, 0}, new float[2], new long[][] {{}}, 1);
        check(List.of("Tanh", "Add"), new long[] {0, 0, -1, 1}, new float[4], new long[][] {{3, 1}, {1, 40}}, 2);
    }

    @Test
    void inPlaceIntoTheFullSizedInput() {
        List<String> ops = List.of("Mul", "Add", "Relu");
        long[] args = {0, 1, -1, 0, -2, 0};
        long[][] shapes = {{4, 1500}, {1500}};
        Tensor[] in = inputs(shapes, 11);
        Tensor want = ReferenceRunner.elementwiseChain(ops, args, new float[6], in);
        new ElementwiseChain(ops, args, new float[6], shapes)
                .run(new MemorySegment[] {in[0].data(), in[1].data()}, new long[2], in[0].data(), 0, 2);
        FloatChecks.assertClose("in place", want, in[0].toFloatArray(), Tolerance.FLOAT32);
    }

    @Test
    void malformedProgramsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ElementwiseChain(List.of("Add"), new long[] {0, -1}, new float[2], new long[] {3}));
        assertTrue(e.getMessage().contains("has not run yet"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ElementwiseChain(List.of("Add"), new long[] {0, 2}, new float[2], new long[] {3}, new long[] {3}));
        assertTrue(e.getMessage().contains("names no input"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ElementwiseChain(List.of("Frobnicate"), new long[] {0, 0}, new float[2], new long[] {3}));
    }
}
