package io.jengine.cpu.nativelib;

import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Which int8 convolutions oneDNN computes exactly on this CPU. With VNNI ({@code vpdpbusd}: u8 x s8 products summed
 * straight into int32) every one. Without it (AVX2, AVX-512 before Cascade Lake) oneDNN sums pairs of u8 x s8 products
 * in int16 with saturation ({@code vpmaddubsw}) and shifts s8 sources into u8: measured here against the reference
 * QLinearConv, 8-bit weights put outputs 3 to 15 steps off and s8 sources 2 steps off even with 7-bit weights, while u8
 * sources with weights within +-63 (a pair then sums to at most 32130) were exact to one step of float rounding. The
 * same reason has ONNX Runtime's quantizer offer reduced-range (7-bit) weights for such CPUs.
 */
final class Int8Dot {
    private Int8Dot() {}

    /** Whether this CPU has VNNI (AVX512-VNNI or AVX-VNNI), read once from {@code /proc/cpuinfo}; false if unreadable. */
    static final boolean VNNI = vnni();

    /** The largest weight magnitude a u8-source convolution computes exactly without VNNI. */
    static final int SEVEN_BIT = 63;

    /**
     * What oneDNN computes exactly here, as the backend announces it ({@code NativeBackend.integerConvolution()}), so
     * that the optimizer's fusions and the tactics' checks follow one rule.
     */
    static final IntegerConvolution EXACT = new IntegerConvolution(VNNI, VNNI ? 127 : SEVEN_BIT);

    /** Whether oneDNN computes a convolution of these operands exactly here ({@link #EXACT}). */
    static boolean exact(boolean unsignedSource, int maxAbsWeight) {
        return EXACT.exact(unsignedSource ? DType.UINT8 : DType.INT8, maxAbsWeight);
    }

    /**
     * The int8 weight codes of {@code w} as the primitive takes them, or null where this CPU would not multiply them
     * exactly with a source of that signedness (see the class comment: wrong results, not slow ones).
     */
    static byte[] exactCodes(io.jengine.tensor.Tensor w, boolean unsignedSource) {
        byte[] codes = new byte[Math.toIntExact(w.size())];
        int maxAbs = 0;
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) w.getLong(i);
            maxAbs = Math.max(maxAbs, Math.abs(codes[i]));
        }
        return exact(unsignedSource, maxAbs) ? codes : null;
    }

    private static boolean vnni() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            return Pattern.compile("\\b(avx512_vnni|avx_vnni)\\b").matcher(info).find();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
