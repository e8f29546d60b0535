package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A cache that is not one: an error that names the file, the line, and what was expected there against what was. */
class CalibrationCacheCorruptTest {
    private static final String HEADER = "TRT-8601-EntropyCalibration2\n";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "an empty file         | ''                                              | 1 | empty file",
            "only blank lines      | '\n\n'                                           | 1 | empty file",
            "no header             | 'input: 3c010a14\n'                             | 1 | expected a header TRT-<version>-<algorithm>, got 'input: 3c010a14'",
            "a header without version | 'TRT-EntropyCalibration2\n'                  | 1 | got 'TRT-EntropyCalibration2'",
            "a header with no algorithm | 'TRT-8601-\n'                              | 1 | got 'TRT-8601-'",
            "a line without ': '   | '" + HEADER + "input: 3c010a14\nconv1 3d4ccccd\n' | 3 | expected '<tensor name>: <hex scale>', got 'conv1 3d4ccccd'",
            "a colon but no space  | '" + HEADER + "input:3c010a14\n'                | 2 | got 'input:3c010a14'",
            "no name               | '" + HEADER + ": 3c010a14\n'                    | 2 | expected a tensor name",
            "bad hex               | '" + HEADER + "input: 3c01zz14\n'               | 2 | expected the scale of tensor 'input' as 1 to 8 hex digits (float32 bits), got '3c01zz14'",
            "too many hex digits   | '" + HEADER + "input: 13c010a14\n'              | 2 | got '13c010a14'",
            "no hex                | '" + HEADER + "input: \n'                       | 2 | got ''",
            "a decimal scale       | '" + HEADER + "input: 0.0078\n'                 | 2 | got '0.0078'",
            "a NaN scale           | '" + HEADER + "a: 3f800000\nnan: 7fc00000\n'    | 3 | scale of tensor 'nan' must be a positive finite float32, got NaN (bits 7fc00000)",
            "an infinite scale     | '" + HEADER + "inf: 7f800000\n'                 | 2 | got infinite",
            "a negative scale      | '" + HEADER + "neg: bf800000\n'                 | 2 | got negative (-1.0)",
            "a zero scale          | '" + HEADER + "zero: 0\n'                       | 2 | got zero",
            "a negative zero scale | '" + HEADER + "zero: 80000000\n'                | 2 | got zero",
            "a duplicate tensor    | '" + HEADER + "a: 3f800000\nb: 3f800000\na: 3f000000\n' | 4 | expected each tensor once, got 'a' again (first on line 2)",
    })
    void namesTheFileTheLineAndWhatIsWrong(String what, String content, int line, String message) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.cache"), content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationCache.read(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.contains(" line " + line + ": "), m);
        assertTrue(m.contains(message), m);
    }

    @Test
    void binaryContentIsNotQuotedRaw() throws IOException {
        Path file = Files.write(dir.resolve("engine.plan"), new byte[] {'f', 't', 'r', 't', 0, 1, 2, '\n', 'x'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationCache.read(file));
        assertTrue(e.getMessage().contains("got 'ftrt\\u0000\\u0001\\u0002'"), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreRejected() throws IOException {
        Path file = Files.write(dir.resolve("latin1.cache"), new byte[] {'T', 'R', 'T', '-', '1', '-', 'A', '\n',
                (byte) 0xe9, ':', ' ', '1', '\n'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationCache.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void aLongLineIsQuotedInPart() throws IOException {
        Path file = Files.writeString(dir.resolve("long.cache"), HEADER + "x".repeat(10_000) + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationCache.read(file));
        assertTrue(e.getMessage().length() < 400 && e.getMessage().contains("xxx..."), e.getMessage());
    }
}
