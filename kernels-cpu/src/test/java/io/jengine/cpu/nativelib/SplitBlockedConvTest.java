package io.jengine.cpu.nativelib;

import static io.jengine.cpu.nativelib.NativeSgemmTest.assertMessage;
import static io.jengine.cpu.nativelib.NativeSgemmTest.floats;
import static io.jengine.cpu.nativelib.NativeSgemmTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.ops.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The output-channel slices against the whole oneDNN convolution on the same blocked data (the values against the
 * reference are NativeBackendTest's), and the argument checks.
 */
class SplitBlockedConvTest {
    private static final int BLOCK = 8;

    @BeforeEach
    void needsDnnl() {
        NativeAssumptions.assumeDnnl();
    }

    /**
     * Two images, three slices of uneven width, the residual in the output's own memory, Relu after: the same values
     * as the whole convolution followed by Relu, within float rounding, on 1 thread and 2 alike (bit for bit), and a
     * NaN in the input stays NaN through the activation.
     */
    @Test
    void slicesGiveTheWholeConvolutionsOutputOnAnyThreadCount() {
        ConvParams p = ConvParams.square(2, 16, 9, 40, 3, 2, 1, 1, 1);
        Random r = new Random(3);
        float[] x = random(r, (int) p.srcElements()), w = random(r, (int) p.weightElements());
        float[] b = random(r, p.m()), res = random(r, (int) p.dstElements());
        x[5] = Float.NaN; // image 0, channel block 0, row 0, column 0, lane 5
        List<DnnlPostOp> ops = List.of(DnnlPostOp.sum());
        try (Arena arena = Arena.ofShared(); // the pool's threads read and write it
             DnnlConv2d whole = DnnlConv2d.prepareBlocked(p, w, b, ops, 1, BLOCK, true);
             SplitBlockedConv split = SplitBlockedConv.prepare(p, MemorySegment.ofArray(w), b, ops, BLOCK, 3,
                     UnaryOp.RELU, new float[0])) {
            assertEquals(3, split.parts());
            MemorySegment xs = floats(arena, x);
            MemorySegment want = floats(arena, res);
            whole.run(xs, want, want);
            float[] wantRelu = want.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < wantRelu.length; i++) wantRelu[i] = Math.max(wantRelu[i], 0f);
            float[][] got = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                MemorySegment y = floats(arena, res);
                split.run(xs, y, y, threads);
                got[threads - 1] = y.toArray(ValueLayout.JAVA_FLOAT);
            }
            assertEquals(-1, java.util.Arrays.mismatch(got[0], got[1]), "1 and 2 threads");
            int nan = 0;
            for (int i = 0; i < wantRelu.length; i++) {
                if (Float.isNaN(wantRelu[i])) {
                    nan++;
                    assertTrue(Float.isNaN(got[0][i]), "NaN kept at " + i);
                    continue;
                }
                double tol = 1e-5 * Math.max(1, Math.abs(wantRelu[i]));
                assertEquals(wantRelu[i], got[0][i], tol, "element " + i);
            }
            assertTrue(nan > 0, "the NaN reaches the outputs its window covers");
        }
    }

    @Test
    void badArgumentsThrowBeforeAnyNativeCall() {
        ConvParams p = ConvParams.square(1, 16, 6, 16, 3, 1, 1, 1, 1);
        float[] w = new float[(int) p.weightElements()];
        MemorySegment ws = MemorySegment.ofArray(w);
        assertMessage(() -> SplitBlockedConv.prepare(p, ws, null, List.of(), BLOCK, 3, UnaryOp.NONE, null),
                "3 slices of 2 output-channel blocks");
        assertMessage(() -> SplitBlockedConv.prepare(p, ws, null, List.of(), 4, 2, UnaryOp.NONE, null),
                "in blocks of 4");
        assertMessage(() -> SplitBlockedConv.prepare(ConvParams.square(1, 16, 6, 16, 3, 1, 1, 1, 2), ws, null,
                List.of(), BLOCK, 2, UnaryOp.NONE, null), "not grouped");
        assertMessage(() -> SplitBlockedConv.prepare(p, MemorySegment.ofArray(new float[w.length - 1]), null,
                List.of(), BLOCK, 2, UnaryOp.NONE, null), "weights must hold");
        try (Arena arena = Arena.ofShared();
             SplitBlockedConv split = SplitBlockedConv.prepare(p, ws, null, List.of(DnnlPostOp.sum()), BLOCK, 2,
                     UnaryOp.NONE, null)) {
            MemorySegment x = arena.allocate(4 * p.srcElements()), y = arena.allocate(4 * p.dstElements());
            assertThrows(IllegalArgumentException.class, () -> split.run(x.asSlice(4), y, y, 2));
            assertThrows(IllegalArgumentException.class, () -> split.run(x, y.asSlice(4), y, 2));
            assertMessage(() -> split.run(x, y, null, 2), "residual is null");
            // shifted by one slice: no slice's residual overlaps its own output, the whole does
            MemorySegment wide = arena.allocate(4 * p.dstElements() * 3 / 2);
            long half = 2 * p.dstElements();
            assertMessage(() -> split.run(x, wide.asSlice(0, 4 * p.dstElements()), wide.asSlice(half), 2),
                    "residual must be the output itself or not overlap it");
            assertMessage(() -> split.run(y, y, y, 2), "input and output overlap");
        }
    }
}
