package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.io.Npy;
import io.jengine.onnx.OnnxImporter;
import io.jengine.plan.PlanFile;
import io.jengine.plugin.PluginLoader;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin loaded the way a user loads it, with {@code --plugin}: its model runs, builds into a plan and
 * is listed; without the jar the model and its plan are refused with a message saying what to load; bad jars are one
 * clear error each.
 */
class PluginCommandsTest {
    @TempDir
    Path tmp;

    /** [2, 64] seeded inputs, saved as .npy. */
    private Path input() {
        Random r = new Random(5);
        Tensor x = Tensor.allocate(DType.FLOAT32, 2, 64);
        for (long i = 0; i < x.size(); i++) x.setFloat(i, r.nextFloat() * 4 - 2);
        Path f = tmp.resolve("x.npy");
        Npy.write(f, x);
        return f;
    }

    private static String stdout(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = EngineCli.execute(args);
            assertEquals(0, code, "exit code of " + String.join(" ", args) + "; stdout: " + buf);
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(saved);
        }
    }

    /** The model on the engine's and the plugin's reference kernels alone. */
    private static Tensor reference(Tensor x) {
        Backends refs = Backends.discover().withPlugins(List.of(PluginLoader.load(ExamplePlugin.jar())))
                .only(List.of("cpu-reference", Backends.PLUGIN_REFERENCE));
        try (Engine e = Engine.of(OnnxImporter.load(ExamplePlugin.MODEL), refs)) {
            return (Tensor) e.run(Map.of("x", x)).get("y");
        }
    }

    @Test
    void runRunsTheModelOnThePluginsKernels() throws IOException {
        Path x = input();
        Path out = tmp.resolve("out");
        stdout("run", ExamplePlugin.MODEL.toString(), "--plugin", ExamplePlugin.jar().toString(), "-i", "x=" + x,
                "-o", out.toString());
        Tensor got = Npy.read(out.resolve("y.npy"));
        Comparison c = Comparison.of(reference(Npy.read(x)), got, Tolerance.MODEL);
        assertTrue(c.matches(), c.mismatch());
        try (Engine e = EngineBuilder.forModel(ExamplePlugin.MODEL).plugins(ExamplePlugin.jar()).build()) {
            e.run(Map.of("x", Npy.read(x)));
            assertEquals("example:swish.vector", e.tacticsByLayer().get("swish"), e.tacticsByLayer().toString());
        }
    }

    @Test
    void withoutThePluginTheModelIsRefusedNamingTheOpAndHowToLoadIt() throws IOException {
        String err = CliErrorsTest.failWith("run", ExamplePlugin.MODEL.toString(), "-i", "x=" + input());
        assertTrue(err.contains("com.example::Swish") && err.contains("--plugin PATH.jar") && err.contains("'swish'"), err);
    }

    @Test
    void aPlanRecordsThePluginAndLoadsOnlyWithIt() throws IOException {
        Path x = input();
        Path plan = tmp.resolve("swish.plan");
        stdout("build", ExamplePlugin.MODEL.toString(), "--plugin", ExamplePlugin.jar().toString(), "--shapes",
                "x:2x64", "--tune-level", "1", "-o", plan.toString());
        var header = PlanFile.read(plan).header();
        assertEquals(1, header.getPluginsCount(), header.getPluginsList().toString());
        assertEquals("example", header.getPlugins(0).getName());
        assertEquals("1.0.0", header.getPlugins(0).getVersion());
        assertEquals(List.of("com.example::Swish"), header.getPlugins(0).getOpsList());

        String err = CliErrorsTest.failWith("run", plan.toString(), "-i", "x=" + x);
        assertTrue(err.contains("needs plugin 'example' 1.0.0 for op com.example::Swish") && err.contains("--plugin"), err);

        Path other = ExamplePlugin.altered(tmp.resolve("example-2.jar"), Map.of("Jengine-Plugin-Version", "2.0.0"), null);
        err = CliErrorsTest.failWith("run", plan.toString(), "-i", "x=" + x, "--plugin", other.toString());
        assertTrue(err.contains("built with plugin 'example' 1.0.0") && err.contains("version 2.0.0"), err);

        Path out = tmp.resolve("out");
        stdout("run", plan.toString(), "-i", "x=" + x, "--plugin", ExamplePlugin.jar().toString(), "-o", out.toString());
        Comparison c = Comparison.of(reference(Npy.read(x)), Npy.read(out.resolve("y.npy")), Tolerance.MODEL);
        assertTrue(c.matches(), c.mismatch());
    }

    @Test
    void pluginsListsWhatTheJarBrings() {
        String listing = stdout("plugins", "--plugin", ExamplePlugin.jar().toString());
        assertTrue(listing.contains("plugin example 1.0.0"), listing);
        assertTrue(listing.contains("op com.example::Swish since opset 1, foldable"), listing);
        assertTrue(listing.contains("backend example priority 15, runs on cpu"), listing);
        assertTrue(listing.contains("tactic example:matmul.block-sparse  for MatMul"), listing);
        assertTrue(stdout("plugins").contains("no plugins loaded"));
    }

    @Test
    void badJarsAreOneClearErrorEach() throws IOException {
        Path missing = tmp.resolve("missing.jar");
        assertTrue(CliErrorsTest.failWith("plugins", "--plugin", missing.toString()).contains(missing + ": no such file"));

        Path junk = tmp.resolve("junk.jar");
        byte[] bytes = new byte[512];
        new Random(1).nextBytes(bytes);
        Files.write(junk, bytes);
        String err = CliErrorsTest.failWith("plugins", "--plugin", junk.toString());
        assertTrue(err.contains(junk + " is not a jar"), err);

        Path unnamed = ExamplePlugin.altered(tmp.resolve("unnamed.jar"), nulls("Jengine-Plugin"), null);
        err = CliErrorsTest.failWith("plugins", "--plugin", unnamed.toString());
        assertTrue(err.contains(unnamed + " is not a jengine plugin") && err.contains("Jengine-Plugin"), err);

        Path future = ExamplePlugin.altered(tmp.resolve("future.jar"), Map.of("Jengine-Spi-Version", "99"), null);
        err = CliErrorsTest.failWith("plugins", "--plugin", future.toString());
        assertTrue(err.contains(future + " (example 1.0.0) was built for SPI version 99, this engine implements SPI"
                + " version 1"), err);

        Path empty = ExamplePlugin.altered(tmp.resolve("empty.jar"), Map.of(), "META-INF/services/");
        err = CliErrorsTest.failWith("plugins", "--plugin", empty.toString());
        assertTrue(err.contains(empty + " (example 1.0.0) declares no backend module"), err);

        Path twin = ExamplePlugin.altered(tmp.resolve("twin.jar"), Map.of(), null);
        err = CliErrorsTest.failWith("plugins", "--plugin", ExamplePlugin.jar().toString(), "--plugin", twin.toString());
        assertTrue(err.contains("plugin name 'example' is declared by two jars") && err.contains("twin.jar"), err);

        // a jar whose backend takes a name already taken: the engine's own
        Path renamed = ExamplePlugin.altered(tmp.resolve("dir/renamed.jar"), Map.of("Jengine-Plugin", "other"), null);
        err = CliErrorsTest.failWith("plugins", "--plugin", ExamplePlugin.jar().toString(), "--plugin-path",
                renamed.getParent().toString());
        assertTrue(err.contains("declares backend 'example'") && err.contains("renamed.jar"), err);
    }

    @Test
    void serveServesTheModelWithThePluginFromTheFlagOrTheModelsConfig() throws Exception {
        Tensor x = Npy.read(input());
        Tensor want = reference(x);
        Path flagRepo = tmp.resolve("flag");
        Files.createDirectories(flagRepo.resolve("swish/1"));
        Files.copy(ExamplePlugin.MODEL, flagRepo.resolve("swish/1/model.onnx"));
        assertServes(want, x, "serve", "--model-repository", flagRepo.toString(), "--port", "0", "--threads", "1",
                "--plugin", ExamplePlugin.jar().toString());

        Path configRepo = tmp.resolve("config");
        Files.createDirectories(configRepo.resolve("swish/1"));
        Files.copy(ExamplePlugin.MODEL, configRepo.resolve("swish/1/model.onnx"));
        Files.copy(ExamplePlugin.jar(), configRepo.resolve("swish/example-plugin.jar"));
        Files.writeString(configRepo.resolve("swish/config.json"), "{\"plugins\": [\"example-plugin.jar\"]}");
        assertServes(want, x, "serve", "--model-repository", configRepo.toString(), "--port", "0", "--threads", "1");
    }

    private static void assertServes(Tensor want, Tensor x, String... serveArgs) throws Exception {
        ServeCommandTest.Served served = ServeCommandTest.serve(serveArgs);
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            StringBuilder data = new StringBuilder();
            for (long i = 0; i < x.size(); i++) data.append(i == 0 ? "" : ",").append(x.getFloat(i));
            String body = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,64],\"data\":["
                    + data + "]}]}";
            var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(served.address()
                            + "/v2/models/swish/infer")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            var out = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("outputs").get(0);
            assertEquals("[2,10]", out.get("shape").toString());
            float[] got = new float[20];
            for (int i = 0; i < 20; i++) got[i] = (float) out.get("data").get(i).doubleValue();
            Comparison c = Comparison.of(want, Tensor.ofFloats(new long[] {2, 10}, got), Tolerance.MODEL);
            assertTrue(c.matches(), c.mismatch());
        } finally {
            assertEquals(0, served.stop());
        }
    }

    private static Map<String, String> nulls(String key) {
        Map<String, String> m = new HashMap<>();
        m.put(key, null);
        return m;
    }
}
