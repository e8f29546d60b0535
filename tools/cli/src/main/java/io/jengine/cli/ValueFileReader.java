package io.jengine.cli;

import io.jengine.io.Npy;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.ValueFiles;
import io.jengine.tensor.Value;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an input value from a file the CLI was given: .npy or ONNX protobuf (.pb). */
final class ValueFileReader {
    private ValueFileReader() {}

    static Value read(Path file, ValueType expected) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("input file " + file + " does not exist");
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".npy")) return Npy.read(file);
        if (name.endsWith(".pb")) return ValueFiles.read(file, expected);
        throw new IllegalArgumentException("input file " + file + ": unknown format, expected a .npy or .pb file");
    }
}
