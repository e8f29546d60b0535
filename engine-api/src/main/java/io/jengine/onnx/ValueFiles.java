package io.jengine.onnx;

import io.jengine.ir.ValueType;
import io.jengine.runtime.Value;
import java.nio.file.Path;

/** Values stored as ONNX protobuf files: TensorProto, and SequenceProto / OptionalProto for the conformance suite. */
public final class ValueFiles {
    private ValueFiles() {}

    /**
     * Reads a .pb value file. {@code expected} (may be null) says whether a tensor, sequence or optional is stored, as
     * the protobuf bytes alone do not.
     */
    public static Value read(Path file, ValueType expected) {
        throw new UnsupportedOperationException("not yet");
    }
}
