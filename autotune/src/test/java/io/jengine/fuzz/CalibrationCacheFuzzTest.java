package io.jengine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jengine.calib.CalibrationCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calibration cache reader (TensorRT's text format) on arbitrary bytes: a cache, or the refusal its contract
 * states ({@link IllegalArgumentException} naming the file and line, or an {@link IOException}); anything else is a
 * finding.
 */
class CalibrationCacheFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("jengine-fuzz", ".cache");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    void readsOrRefuses(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        try {
            CalibrationCache.read(FILE);
        } catch (IllegalArgumentException | IOException expected) {
            // a clear refusal
        }
    }
}
