package io.jengine.io;

import io.jengine.tensor.Tensor;
import java.nio.file.Path;

/** numpy .npy files (format versions 1-3, little and big endian, C order) for every numeric dtype and bool. */
public final class Npy {
    private Npy() {}

    public static Tensor read(Path file) {
        throw new UnsupportedOperationException("not yet");
    }

    public static void write(Path file, Tensor t) {
        throw new UnsupportedOperationException("not yet");
    }
}
