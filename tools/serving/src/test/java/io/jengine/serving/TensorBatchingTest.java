package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorBatchingTest {
    @Test
    void concatStacksAlongTheFirstAxisAndSplitCutsBack() {
        Tensor a = Tensor.ofFloats(new long[] {1, 2}, 1, 2);
        Tensor b = Tensor.ofFloats(new long[] {2, 2}, 3, 4, 5, 6);
        Tensor whole = TensorBatching.concat(List.of(a, b));
        assertArrayEquals(new long[] {3, 2}, whole.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, whole.toFloatArray());
        List<Tensor> pieces = TensorBatching.split(whole, new long[] {1, 2});
        assertArrayEquals(new long[] {1, 2}, pieces.get(0).shape());
        assertArrayEquals(new float[] {1, 2}, pieces.get(0).toFloatArray());
        assertArrayEquals(new float[] {3, 4, 5, 6}, pieces.get(1).toFloatArray());
    }

    @Test
    void piecesOutliveTheirBatchTensor() {
        Tensor whole = Tensor.ofLongs(new long[] {4}, 10, 20, 30, 40);
        List<Tensor> pieces = TensorBatching.split(whole, new long[] {3, 1});
        whole.close();
        assertArrayEquals(new long[] {10, 20, 30}, pieces.get(0).toLongArray());
        assertArrayEquals(new long[] {40}, pieces.get(1).toLongArray());
    }

    @Test
    void stringsAndBools() {
        Tensor s = TensorBatching.concat(List.of(Tensor.ofStrings(new long[] {1}, "a"),
                Tensor.ofStrings(new long[] {2}, "b", "c")));
        assertArrayEquals(new String[] {"a", "b", "c"}, s.toStringArray());
        assertArrayEquals(new String[] {"b", "c"}, TensorBatching.split(s, new long[] {1, 2}).get(1).toStringArray());
        Tensor bools = TensorBatching.concat(List.of(Tensor.ofBools(new long[] {1, 1}, true),
                Tensor.ofBools(new long[] {1, 1}, false)));
        assertEquals(DType.BOOL, bools.dtype());
        assertArrayEquals(new long[] {1, 0}, bools.toLongArray());
    }

    @Test
    void anOutputThatLostTheBatchIsRefused() {
        Tensor pooled = Tensor.ofFloats(new long[] {1, 3}, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorBatching.split(pooled, new long[] {2, 2}));
        assertEquals("has shape [1, 3], which does not keep the batch's 4 rows along axis 0", e.getMessage());
    }
}
