package io.jengine.onnx;

import io.jengine.ir.Model;
import java.nio.file.Path;

/** Reads ONNX model files into the engine's IR. */
public final class OnnxImporter {
    private OnnxImporter() {}

    /** Reads a model file; external data files are resolved next to it. */
    public static Model load(Path file) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Reads a model from bytes; {@code baseDir} (may be null) is where external data files are looked up. */
    public static Model load(byte[] bytes, Path baseDir) {
        throw new UnsupportedOperationException("not yet");
    }
}
