package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.plan.PlanFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine build writes a plan that run and inspect take; an existing file is kept unless --overwrite. */
class BuildCommandTest {
    @TempDir
    Path tmp;

    private static String capture(boolean stdout, String... args) {
        PrintStream saved = stdout ? System.out : System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        if (stdout) System.setOut(new PrintStream(buf)); else System.setErr(new PrintStream(buf));
        try {
            int code = EngineCli.execute(args);
            return code + "\n" + buf;
        } finally {
            if (stdout) System.setOut(saved); else System.setErr(saved);
        }
    }

    @Test
    void buildsAPlanThatRunsAndInspects() throws IOException {
        Path model = tmp.resolve("digits.onnx");
        Files.copy(CliErrorsTest.DIGITS, model);
        String built = capture(true, "build", model.toString(), "--threads", "1", "--tune-level", "1", "--shapes",
                "image:1x1x8x8");
        assertTrue(built.startsWith("0\n"), built);
        Path plan = tmp.resolve("digits.plan");
        assertTrue(PlanFile.isPlan(plan), "the plan goes beside the model, named after it");
        assertTrue(built.contains("wrote " + plan), built);

        String again = capture(false, "build", model.toString());
        assertTrue(again.startsWith("2\n") && again.contains("--overwrite"), again);

        Path images = CliErrorsTest.DIGITS.resolveSibling("test_images.npy");
        Path one = tmp.resolve("one.npy");
        float[] first = java.util.Arrays.copyOf(io.jengine.io.Npy.read(images).toFloatArray(), 64);
        io.jengine.io.Npy.write(one, io.jengine.tensor.Tensor.ofFloats(new long[] {1, 1, 8, 8}, first));
        String ran = capture(true, "run", plan.toString(), "--input", "image=" + one);
        assertTrue(ran.startsWith("0\n"), ran);
        String inspected = capture(true, "inspect", plan.toString(), "--candidates");
        assertTrue(inspected.startsWith("0\n") && inspected.contains("tune level 1") && inspected.contains("tuned on:")
                && inspected.contains("candidates of"), inspected);
        String ort = capture(false, "bench", plan.toString(), "--compare-ort");
        assertTrue(ort.startsWith("2\n") && ort.contains("need the ONNX model"), ort);
    }

    @Test
    void aDamagedPlanIsOneLineAndExitCodeTwo() throws IOException {
        Path plan = tmp.resolve("bad.plan");
        Files.write(plan, "JENGPLAN and then nothing useful".getBytes());
        String out = capture(false, "run", plan.toString());
        assertTrue(out.startsWith("2\n"), out);
        assertEquals(2, out.strip().split("\n").length, "one line of error: " + out);
    }
}
