package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorRangeTest {
    @Test
    void tracksMinMaxAndAmaxOfNegativeAndPositiveValues() {
        TensorRange r = new TensorRange();
        r.add(new float[] {0.5f, -3.25f, 2f, 1e-3f}, 0, 4);
        assertEquals(-3.25, r.min());
        assertEquals(2.0, r.max());
        assertEquals(3.25, r.amax(), "the negative side is the larger magnitude");
        assertFalse(r.nonNegative());
        assertEquals(4, r.count());
        r.add(new float[] {7f}, 0, 1);
        assertEquals(7.0, r.amax());
        assertEquals(5, r.count());
    }

    @Test
    void addsOnlyTheGivenSliceOfAnArray() {
        TensorRange r = new TensorRange();
        r.add(new float[] {-100f, 1f, 2f, 3f, 100f}, 1, 4);
        assertEquals(1.0, r.min());
        assertEquals(3.0, r.max());
        assertTrue(r.nonNegative());
        assertEquals(3, r.count());
        assertThrows(IndexOutOfBoundsException.class, () -> r.add(new float[3], 2, 4));
    }

    @Test
    void leavesNanAndInfinitiesOutOfTheRangeButCountsThem() {
        TensorRange r = new TensorRange();
        r.add(new float[] {Float.NaN, 1.5f, Float.POSITIVE_INFINITY, -0.25f, Float.NEGATIVE_INFINITY, Float.NaN}, 0, 6);
        assertEquals(-0.25, r.min());
        assertEquals(1.5, r.max());
        assertEquals(1.5, r.amax());
        assertEquals(6, r.count());
        assertEquals(2, r.nanCount());
        assertEquals(2, r.infiniteCount());
        assertEquals(2, r.finiteCount());
    }

    @Test
    void anEmptyOrAllNanRangeHasAmaxZero() {
        TensorRange r = new TensorRange();
        assertEquals(0, r.amax());
        assertTrue(Double.isNaN(r.min()));
        r.add(new float[] {Float.NaN, Float.NaN}, 0, 2);
        assertEquals(0, r.amax());
        assertTrue(r.nonNegative());
        assertEquals(2, r.nanCount());
    }

    @Test
    void readsANativeSegmentAcrossChunkBoundaries() {
        // Three chunks and a part, with the extremes at the edges of chunks where an off-by-one would miss them.
        int n = 3 * SegmentFloats.CHUNK + 123;
        float[] values = Samples.gaussian(7, n);
        values[SegmentFloats.CHUNK - 1] = -9.5f;
        values[2 * SegmentFloats.CHUNK] = 8.75f;
        values[n - 1] = Float.NaN;
        values[SegmentFloats.CHUNK] = Float.POSITIVE_INFINITY;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) n * Float.BYTES + 64);
            MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT, 0, n);
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, n, 1000f); // beyond count: must not be read
            TensorRange fromSegment = new TensorRange();
            fromSegment.add(seg, n);
            TensorRange fromArray = Samples.range(values);
            assertEquals(-9.5, fromSegment.min());
            assertEquals(8.75, fromSegment.max());
            assertEquals(fromArray.toString(), fromSegment.toString());
            assertEquals(n, fromSegment.count());
            assertEquals(1, fromSegment.nanCount());
            assertEquals(1, fromSegment.infiniteCount());
        }
    }

    @Test
    void readsLittleEndianFloatsFromAnUnalignedHeapSegment() {
        float[] values = {-2.5f, 4f, 0.125f};
        ByteBuffer bytes = ByteBuffer.allocate(1 + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put((byte) 0);
        for (float v : values) bytes.putFloat(v);
        TensorRange r = new TensorRange();
        r.add(MemorySegment.ofArray(bytes.array()).asSlice(1), values.length);
        assertEquals(-2.5, r.min());
        assertEquals(4.0, r.max());
    }

    @Test
    void rejectsACountBeyondTheSegment() {
        MemorySegment seg = MemorySegment.ofArray(new float[4]);
        TensorRange r = new TensorRange();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.add(seg, 5));
        assertTrue(e.getMessage().contains("5 floats"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.add(seg, -1));
        r.add(seg, 0);
        assertEquals(0, r.count());
    }

    @Test
    void aLargeSegmentMatchesTheArrayPass() {
        int n = 4_000_000;
        Random random = new Random(11);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) (random.nextGaussian() * 3 + 1);
        TensorRange fromSegment = new TensorRange();
        fromSegment.add(MemorySegment.ofArray(values), n);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(min, fromSegment.min());
        assertEquals(max, fromSegment.max());
        assertEquals(Math.max(-min, max), fromSegment.amax());
    }
}
