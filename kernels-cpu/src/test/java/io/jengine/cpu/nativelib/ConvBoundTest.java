package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The bound on a convolution's result before its activation, from bounds on its input and residual. */
class ConvBoundTest {
    /** Two output channels of three weights each: |w| sums 6 and 1, |bias| up to 4. */
    private static final ConvBound TWO = ConvBound.of(MemorySegment.ofArray(new float[] {1, -2, 3, -0.5f, 0.5f, 0}), 2,
            new float[] {1, -4});

    @Test
    void takesTheLargestChannelsWeightSumAndTheLargestBias() {
        assertEquals(6, TWO.gain());
        assertEquals(4, TWO.bias());
        assertEquals(0, ConvBound.of(MemorySegment.ofArray(new float[] {1, 1}), 1, null).bias());
    }

    @Test
    void boundsTheResultFromTheInputsAndResidualsBounds() {
        assertEquals(2 * 6 + 4, TWO.of(2f, 0f, 1));
        assertEquals(2 * 6 + 4 + 3, TWO.of(2f, 3f, 1));
        assertEquals(2 * (2 * 6 + 4) + 3, TWO.of(2f, 3f, 2), "slack scales the convolution, not the residual");
    }

    @Test
    void winogradWidensTheBoundByItsErrorBound() {
        double f4 = NativeBackend.winogradSlack(io.jengine.cpu.simd.conv.WinogradVariant.F4X4, 512);
        assertEquals(1 + 2 * 536 * 0x1p-24 * 307.4, f4, 1e-3);
        assertTrue(NativeBackend.winogradSlack(io.jengine.cpu.simd.conv.WinogradVariant.F2X2, 512) < f4);
    }

    @Test
    void claimsNothingForUnknownBoundsNonFiniteWeightsOrResultsNearTheFloatRange() {
        assertTrue(Double.isNaN(TWO.of(Float.NaN, 0f, 1)));
        assertTrue(Double.isNaN(TWO.of(1f, Float.NaN, 1)));
        assertTrue(Double.isNaN(TWO.of(1e37f, 0f, 1)), "6e37 is within 16x of the float range");
        assertTrue(TWO.of(1e36f, 0f, 1) < ConvBound.LIMIT);
        ConvBound nan = ConvBound.of(MemorySegment.ofArray(new float[] {1, Float.NaN}), 1, null);
        assertTrue(Double.isNaN(nan.of(1f, 0f, 1)));
        ConvBound inf = ConvBound.of(MemorySegment.ofArray(new float[] {1, Float.POSITIVE_INFINITY}), 1, null);
        assertTrue(Double.isNaN(inf.of(1f, 0f, 1)));
        ConvBound nanBias = ConvBound.of(MemorySegment.ofArray(new float[] {1, 1}), 1, new float[] {Float.NaN});
        assertTrue(Double.isNaN(nanBias.of(1f, 0f, 1)));
    }
}
