package io.jengine.cli;

import static io.jengine.cli.CliErrorsTest.DIGITS;
import static io.jengine.cli.CliErrorsTest.IMAGES;
import static io.jengine.cli.CliErrorsTest.failWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code engine bench}: its options and its refusals, which all come before any model is timed. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void optionsAreParsed() {
        CommandLine cl = EngineCli.commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs("bench", "m.onnx", "--input", "a=x.npy", "--threads", "3",
                "--batch", "4", "--shapes", "a:4x2", "--input-range", "0:9", "--warmup", "0.5", "--duration", "2",
                "--compare-ort", "--json", "r.json", "--plot", "r.svg", "--level", "1", "--overwrite");
        BenchCommand b = (BenchCommand) parsed.subcommand().commandSpec().userObject();
        assertEquals(Path.of("m.onnx"), b.model);
        assertEquals(Path.of("x.npy"), b.inputs.get("a"));
        assertEquals(3, b.build.threads);
        assertEquals(4, b.batch);
        assertEquals("a:4x2", b.build.shapes);
        assertEquals("0:9", b.inputRange);
        assertEquals(0.5, b.warmup);
        assertEquals(2, b.duration);
        assertTrue(b.compareOrt && b.overwrite && !b.ortOnly);
        assertEquals(Path.of("r.json"), b.json);
        assertEquals(Path.of("r.svg"), b.plot);
        assertEquals(1, b.build.level);

        BenchCommand d = (BenchCommand) EngineCli.commandLine().parseArgs("bench", "m.onnx").subcommand()
                .commandSpec().userObject();
        assertEquals(0, d.build.threads, "0: every core, for both engines");
        assertNull(d.batch);
        assertEquals(3, d.build.level);
        assertFalse(d.compareOrt || d.ortOnly);
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertTrue(failWith("bench", DIGITS.toString(), "--threads", "-1").contains("--threads must be 0 (every core) or more, got -1"));
        assertTrue(failWith("bench", DIGITS.toString(), "--duration", "0").contains("--duration"));
        assertTrue(failWith("bench", DIGITS.toString(), "--batch", "1", "--input-range", "x").contains("--input-range"));
        assertTrue(failWith("bench", DIGITS.toString(), "--compare-ort", "--ort-only").contains("exclude each other"));
        assertTrue(failWith("bench", DIGITS.toString(), "--plot", tmp.resolve("c.jpg").toString()).contains(".png or .svg"));
        String err = failWith("bench", DIGITS.toString(), "--input", "pixels=" + IMAGES);
        assertTrue(err.contains("unknown input 'pixels'") && err.contains("image"), err);
    }

    @Test
    void aDynamicDimensionNeedsAValue() {
        String err = failWith("bench", DIGITS.toString());
        assertTrue(err.contains("'image'") && err.contains("dimension 0 ('N')") && err.contains("--shapes")
                && err.contains("--batch"), err);
    }

    @Test
    void existingOutputFilesAreNotOverwritten() throws IOException {
        Path json = Files.writeString(tmp.resolve("r.json"), "precious");
        String err = failWith("bench", DIGITS.toString(), "--batch", "1", "--json", json.toString());
        assertTrue(err.contains("r.json") && err.contains("--overwrite"), err);
        assertEquals("precious", Files.readString(json));
        Path plot = Files.writeString(tmp.resolve("r.png"), "precious");
        err = failWith("bench", DIGITS.toString(), "--batch", "1", "--plot", plot.toString());
        assertTrue(err.contains("r.png") && err.contains("--overwrite"), err);
        assertEquals("precious", Files.readString(plot));
    }
}
