package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.conv.BlockedWinograd;
import io.jengine.cpu.simd.conv.ConvParams;
import io.jengine.cpu.simd.conv.FusedActivation;
import io.jengine.cpu.simd.conv.WinogradVariant;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The products split over threads (a batch of transform positions per thread) give what one batch gives, bit for bit:
 * each position's product is the same matmul either way. The result itself is checked against the reference in
 * NativeBackendTest.
 */
class DnnlWinogradConvTest {
    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"F4X4, 2", "F4X4, 3", "F2X2, 3", "F2X2, 5"})
    void splittingTheProductsOverThreadsChangesNothing(WinogradVariant variant, int threads) {
        NativeAssumptions.assumeDnnl();
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        ConvParams p = ConvParams.of(2, 2 * lanes, 11, 9, 3 * lanes, 3, 1, 1, 1, 1);
        Random r = new Random(variant.ordinal() * 7L + threads);
        float[] w = new float[(int) p.weightSize()];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[] bias = new float[p.outC()];
        for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian();
        BlockedWinograd t = new BlockedWinograd(p, lanes, variant, bias, false, FusedActivation.NONE);
        try (Arena arena = Arena.ofShared();
             DnnlWinogradConv one = DnnlWinogradConv.prepare(t, w, 1);
             DnnlWinogradConv split = DnnlWinogradConv.prepare(t, w, threads)) {
            MemorySegment x = arena.allocate(4L * p.inputSize(), 64);
            for (long i = 0; i < p.inputSize(); i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            MemorySegment y1 = arena.allocate(4L * p.outputSize(), 64), y2 = arena.allocate(4L * p.outputSize(), 64);
            assertTrue(one.run(x, null, y1, 1));
            assertTrue(split.run(x, null, y2, threads));
            assertEquals(-1, y1.mismatch(y2), "outputs differ");
            assertTrue(y1.getAtIndex(ValueLayout.JAVA_FLOAT, 5) != 0f, "an output was computed");
        }
    }

    /**
     * Weights read from native memory, or from a read-only mapped file (a plan's), give what an array gives, bit for
     * bit: the same transform into the same products.
     */
    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"F4X4, 1", "F4X4, 3", "F2X2, 2"})
    void nativeAndReadOnlyWeightsGiveTheArraysOutputs(WinogradVariant variant, int threads, @TempDir Path dir)
            throws IOException {
        NativeAssumptions.assumeDnnl();
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        ConvParams p = ConvParams.of(1, 3 * lanes, 10, 7, 2 * lanes, 3, 1, 1, 1, 1);
        Random r = new Random(variant.ordinal() * 13L + threads);
        float[] w = new float[(int) p.weightSize()];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        BlockedWinograd t = new BlockedWinograd(p, lanes, variant, null, false, FusedActivation.NONE);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = arena.allocate(4L * p.inputSize(), 64);
            for (long i = 0; i < p.inputSize(); i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            MemorySegment want = null;
            for (MemorySegment weights : List.of(MemorySegment.ofArray(w), NativeSgemmTest.floats(arena, w),
                    NativeSgemmTest.readOnlyFile(dir, w, arena))) {
                MemorySegment y = arena.allocate(4L * p.outputSize(), 64);
                try (DnnlWinogradConv conv = DnnlWinogradConv.prepare(t, weights, threads)) {
                    assertTrue(conv.run(x, null, y, threads));
                }
                if (want == null) want = y;
                else assertEquals(-1, want.mismatch(y), "weights " + weights);
            }
            assertTrue(want.getAtIndex(ValueLayout.JAVA_FLOAT, 5) != 0f, "an output was computed");
            MemorySegment shortWeights = arena.allocate(4L * p.weightSize() - 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DnnlWinogradConv.prepare(t, shortWeights, threads));
            assertTrue(e.getMessage().contains("weights must hold " + p.weightSize() + " floats"), e.getMessage());
        }
    }
}
