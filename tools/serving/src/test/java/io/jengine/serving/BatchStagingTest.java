package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchStagingTest {
    private static Tensor rows(float... v) { return Tensor.ofFloats(new long[] {v.length / 2, 2}, v); }

    @Test
    void batchesReuseOneBlockGrownToTheLargest() {
        BatchStaging staging = new BatchStaging();
        Tensor a = staging.stack("x", List.of(rows(1, 2), rows(3, 4, 5, 6)));
        assertArrayEquals(new long[] {3, 2}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray());
        long address = a.data().address();
        staging.release(Map.of("y", Tensor.ofFloats(new long[] {3}, 0, 0, 0)));
        Tensor b = staging.stack("x", List.of(rows(7, 8), rows(9, 10)));
        assertEquals(address, b.data().address(), "the second batch is stacked in the first one's block");
        assertArrayEquals(new float[] {7, 8, 9, 10}, b.toFloatArray());
        Tensor c = staging.stack("x", List.of(rows(1, 1, 2, 2, 3, 3), rows(4, 4)));
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 4, 4}, c.toFloatArray());
    }

    @Test
    void anOutputThatIsAViewOfTheBatchKeepsItsBlock() {
        BatchStaging staging = new BatchStaging();
        Tensor stacked = staging.stack("x", List.of(rows(1, 2), rows(3, 4)));
        // a model that passes its input through answers with a view of the stacked block
        Tensor passedThrough = Tensor.wrap(stacked.dtype(), new long[] {1, 2}, stacked.data().asSlice(8, 8));
        staging.release(Map.<String, Value>of("y", passedThrough));
        Tensor next = staging.stack("x", List.of(rows(5, 6), rows(7, 8)));
        assertNotEquals(stacked.data().address(), next.data().address());
        assertArrayEquals(new float[] {3, 4}, passedThrough.toFloatArray(), "the answer is not overwritten");
    }

    @Test
    void stringsAreStackedAsBefore() {
        Tensor s = new BatchStaging().stack("s", List.of(Tensor.ofStrings(new long[] {1}, "a"),
                Tensor.ofStrings(new long[] {1}, "b")));
        assertArrayEquals(new String[] {"a", "b"}, s.toStringArray());
    }
}
