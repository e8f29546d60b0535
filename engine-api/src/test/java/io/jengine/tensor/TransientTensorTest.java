package io.jengine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * One request's tensors come from the C allocator, which hands out blocks earlier requests freed: they must still
 * start as zeros, and aligned.
 */
class TransientTensorTest {
    @Test
    void aTransientTensorIsZeroedAndAlignedWhateverWasThereBefore() {
        long[] shape = {8, 3, 224, 224}; // a served batch: over the size that otherwise takes mapped pages
        for (int round = 0; round < 4; round++) {
            Tensor t = Tensor.allocateTransient(DType.FLOAT32, shape);
            assertEquals(8L * 3 * 224 * 224, t.size());
            assertEquals(0, t.data().address() % Tensor.ALIGNMENT);
            assertEquals(-1, t.data().mismatch(java.lang.foreign.MemorySegment.ofArray(new byte[(int) t.byteSize()])),
                    "zero-filled, round " + round);
            t.data().fill((byte) 0x5a); // what a later block may be handed out over
            assertEquals((byte) 0x5a, t.data().get(ValueLayout.JAVA_BYTE, t.byteSize() - 1));
            t = null;
            System.gc();
        }
    }
}
