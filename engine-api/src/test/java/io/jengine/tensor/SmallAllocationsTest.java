package io.jengine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Small tensors cut from slabs are zeroed, aligned and apart; a virtual thread takes no slab of its own. */
class SmallAllocationsTest {
    @Test
    void slicesAreZeroedAlignedAndDisjoint() {
        List<Tensor> all = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Tensor t = Tensor.allocate(DType.FLOAT32, 1 + i % 200); // up to 800 bytes: several slabs
            for (long k = 0; k < t.size(); k++) assertEquals(0f, t.getFloat(k));
            assertEquals(0, t.data().address() % Tensor.ALIGNMENT);
            t.setFloat(t.size() - 1, i);
            all.add(t);
        }
        for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).getFloat(all.get(i).size() - 1), 0f);
    }

    @Test
    void aVirtualThreadAllocatesApart() throws Exception {
        AtomicLong grew = new AtomicLong();
        List<Tensor> keep = new ArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            long before = Tensor.liveBytes();
            keep.add(Tensor.allocate(DType.FLOAT32, 4));
            grew.set(Tensor.liveBytes() - before);
        });
        t.join();
        assertTrue(grew.get() <= 16, "a 16-byte tensor on a virtual thread took " + grew.get() + " bytes");
        assertEquals(4, keep.getFirst().size());
    }
}
