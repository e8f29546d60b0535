package io.jengine.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.DType;
import org.junit.jupiter.api.Test;

/** Which weights and sources an integer convolution computes exactly. */
class IntegerConvolutionTest {
    @Test
    void fullRangeTakesEveryInt8CodeMinus128Included() {
        IntegerConvolution vnni = new IntegerConvolution(true, 127);
        assertTrue(vnni.exact(DType.UINT8, 127));
        assertTrue(vnni.exact(DType.INT8, 128), "a weight of -128 is an int8 code like any other");
        assertFalse(vnni.exact(DType.FLOAT32, 1));
    }

    @Test
    void sevenBitWeightsAndUnsignedSourcesOnly() {
        IntegerConvolution avx2 = new IntegerConvolution(false, 63);
        assertTrue(avx2.exact(DType.UINT8, 63));
        assertFalse(avx2.exact(DType.UINT8, 64));
        assertFalse(avx2.exact(DType.UINT8, 128));
        assertFalse(avx2.exact(DType.INT8, 1));
    }

    @Test
    void theLargestWeightIsOneTo127() {
        assertThrows(IllegalArgumentException.class, () -> new IntegerConvolution(true, 0));
        assertThrows(IllegalArgumentException.class, () -> new IntegerConvolution(true, 128));
    }
}
