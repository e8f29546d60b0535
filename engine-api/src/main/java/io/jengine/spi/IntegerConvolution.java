package io.jengine.spi;

import io.jengine.tensor.DType;

/**
 * Which integer convolutions ({@code jengine::QuantizedConv}) a backend computes exactly on this machine, so that the
 * optimizer fuses a quantized graph's convolutions only where the result is the one the graph means, and calibration
 * quantizes weights and activations into what runs. Without VNNI, x86 sums pairs of u8 × s8 products in saturating
 * int16 ({@code vpmaddubsw}): exact only for unsigned sources and weights within ±63, whence 7-bit weights (ONNX
 * Runtime's "reduced range" for such CPUs) and signed activations carried as uint8 around a zero point of 128.
 *
 * @param signedSource whether int8 sources are exact (else only uint8 ones)
 * @param maxWeight    the largest weight magnitude computed exactly (127 for all of int8, -128 included; 63 for 7
 *                     bits)
 */
public record IntegerConvolution(boolean signedSource, int maxWeight) {
    public IntegerConvolution {
        if (maxWeight < 1 || maxWeight > 127) {
            throw new IllegalArgumentException("the largest exact weight must be 1 to 127, got " + maxWeight);
        }
    }

    /** Whether a source of {@code type} and weights no larger than {@code maxAbsWeight} are computed exactly. */
    public boolean exact(DType type, int maxAbsWeight) {
        boolean source = type == DType.UINT8 || signedSource && type == DType.INT8;
        return source && (maxAbsWeight <= maxWeight || maxWeight == 127 && maxAbsWeight == 128);
    }
}
