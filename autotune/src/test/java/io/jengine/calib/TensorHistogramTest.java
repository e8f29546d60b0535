package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TensorHistogramTest {
    @Test
    void binsMagnitudesOverTheRange() {
        TensorHistogram h = new TensorHistogram(2048 * 0.5); // bins of width 0.5
        assertEquals(0.5, h.binWidth());
        assertEquals(1024.0, h.range());
        h.add(new float[] {0f, 0.49f, -0.49f, 0.5f, -0.75f, 10.25f, -1023.9f, 1024f}, 0, 8);
        long[] c = h.counts();
        assertEquals(2, c[0], "±0.49");
        assertEquals(1, h.zeros(), "the exact zero is counted apart");
        assertEquals(2, c[1], "0.5 and |-0.75|");
        assertEquals(1, c[20], "10.25");
        assertEquals(2, c[2047], "|-1023.9| and the range itself, which belongs to the last bin");
        assertEquals(8, h.total());
        assertEquals(7, Arrays.stream(c).sum());
    }

    @Test
    void valuesAboveTheRangeGoToTheLastBinAndNonFiniteOnesNowhere() {
        TensorHistogram h = new TensorHistogram(1);
        h.add(new float[] {5f, -1e30f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.9999f}, 0, 6);
        long[] c = h.counts();
        assertEquals(3, c[TensorHistogram.BINS - 1]);
        assertEquals(3, h.total());
        assertEquals(3, Arrays.stream(c).sum());
    }

    @Test
    void aZeroRangePutsEverythingInTheFirstBin() {
        TensorHistogram h = new TensorHistogram(0);
        h.add(new float[] {0f, -0f, 0f, 3f}, 0, 4);
        assertEquals(1, h.counts()[0]);
        assertEquals(3, h.zeros());
        assertEquals(4, h.total());
        assertEquals(0, h.binWidth());
    }

    @Test
    void everyBinCentreLandsInItsBin() {
        double range = 3.7;
        TensorHistogram h = new TensorHistogram(range);
        float[] centres = new float[TensorHistogram.BINS];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) ((i + 0.5) * h.binWidth() * (i % 2 == 0 ? 1 : -1));
        }
        h.add(centres, 0, centres.length);
        long[] ones = new long[TensorHistogram.BINS];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, h.counts());
    }

    @Test
    void aSegmentGivesTheSameCountsAsAnArray() {
        int n = 2 * SegmentFloats.CHUNK + 17;
        float[] values = Samples.gaussian(3, n);
        values[SegmentFloats.CHUNK] = Float.NaN;
        TensorHistogram fromArray = Samples.histogram(values);
        TensorHistogram fromSegment = new TensorHistogram(fromArray.range());
        fromSegment.add(MemorySegment.ofArray(values), n);
        assertArrayEquals(fromArray.counts(), fromSegment.counts());
        assertEquals(n - 1, fromSegment.total());
        assertEquals(1, fromSegment.counts()[TensorHistogram.BINS - 1], "the largest magnitude, at the range");
    }

    @Test
    void countsIsACopy() {
        TensorHistogram h = new TensorHistogram(1);
        h.add(new float[] {0.1f}, 0, 1);
        h.counts()[0] = 99;
        assertEquals(0, h.counts()[0]);
        assertEquals(1, h.counts()[204]);
    }

    @Test
    void rejectsABadRange() {
        assertThrows(IllegalArgumentException.class, () -> new TensorHistogram(-1));
        assertThrows(IllegalArgumentException.class, () -> new TensorHistogram(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new TensorHistogram(Double.POSITIVE_INFINITY));
    }
}
