package io.jengine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class UninitializedMemoryTest {
    @Test
    void givesAlignedWritableMemoryFreedWithItsArena() {
        MemorySegment kept;
        try (Arena arena = Arena.ofConfined()) {
            for (long bytes : new long[] {1, 63, 4096, 3 << 20}) {
                MemorySegment m = UninitializedMemory.allocate(bytes, 64, arena);
                assertEquals(bytes, m.byteSize());
                assertEquals(0, m.address() % 64, "aligned to 64");
                m.fill((byte) 7);
                assertEquals(7, m.get(ValueLayout.JAVA_BYTE, bytes - 1));
            }
            kept = UninitializedMemory.allocate(16, 8, arena);
        }
        assertFalse(kept.scope().isAlive(), "freed when the arena closed");
        MemorySegment gone = kept;
        assertThrows(IllegalStateException.class, () -> gone.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void refusesBadSizesAndAlignments() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> UninitializedMemory.allocate(-1, 64, arena));
            assertThrows(IllegalArgumentException.class, () -> UninitializedMemory.allocate(8, 48, arena));
            assertThrows(IllegalArgumentException.class, () -> UninitializedMemory.allocate(8, 4, arena));
            assertEquals(0, UninitializedMemory.allocate(0, 64, arena).byteSize());
        }
    }

    @Test
    void anUninitializedTensorHasItsShapeAndTakesWhatIsWritten() {
        Tensor t = Tensor.allocateUninitialized(DType.FLOAT32, 3, 5);
        assertEquals(15, t.size());
        for (int i = 0; i < 15; i++) t.setFloat(i, i * 0.5f);
        assertEquals(7f, t.getFloat(14));
        assertEquals(0, t.data().address() % Tensor.ALIGNMENT);
    }
}
