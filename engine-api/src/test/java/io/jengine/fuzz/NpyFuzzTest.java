package io.jengine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jengine.errors.EngineException;
import io.jengine.io.Npy;
import io.jengine.tensor.Tensor;
import java.nio.file.Path;

/** The .npy reader on arbitrary bytes: a tensor, or one {@link EngineException}; anything else is a finding. */
class NpyFuzzTest {
    @FuzzTest
    void readsOrRefuses(byte[] bytes) throws Exception {
        Path f = FuzzFiles.write("fuzz.npy", bytes);
        try (Tensor t = Npy.read(f)) {
            t.size();
        } catch (EngineException expected) {
            // a clear refusal
        }
    }
}
