package io.jengine.cli;

import io.jengine.calib.ImagePreprocessing;
import io.jengine.io.Npy;
import io.jengine.onnx.ValueFiles;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an input value from a file the CLI was given: .npy, ONNX protobuf (.pb), or a PNG or JPEG image turned into a
 * tensor by {@code --preprocess} (one image: a batch of one).
 */
final class ValueFileReader {
    private ValueFileReader() {}

    /** {@code preprocessing} may be null (no {@code --preprocess}): an image file is then an error saying so. */
    static Value read(Path file, ValueType expected, ImagePreprocessing preprocessing) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("input file " + file + " does not exist");
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".npy")) return Npy.read(file);
        if (name.endsWith(".pb")) return ValueFiles.read(file, expected);
        if (ImagePreprocessing.isImage(file)) {
            if (preprocessing == null) {
                throw new IllegalArgumentException("input file " + file + " is an image: say how it becomes the input"
                        + " with --preprocess SPEC, e.g. \"resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225\"");
            }
            return preprocessing.toTensor(file);
        }
        throw new IllegalArgumentException("input file " + file + ": unknown format, expected a .npy or .pb file, or a"
                + " PNG or JPEG image with --preprocess");
    }
}
