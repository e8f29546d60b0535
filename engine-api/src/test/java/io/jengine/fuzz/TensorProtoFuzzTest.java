package io.jengine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jengine.errors.EngineException;
import io.jengine.onnx.ValueFiles;

/** The ONNX {@code TensorProto} (.pb) reader on arbitrary bytes: a value, or one {@link EngineException}. */
class TensorProtoFuzzTest {
    @FuzzTest
    void readsOrRefuses(byte[] bytes) throws Exception {
        try {
            ValueFiles.read(FuzzFiles.write("fuzz.pb", bytes), null);
        } catch (EngineException expected) {
            // a clear refusal
        }
    }
}
