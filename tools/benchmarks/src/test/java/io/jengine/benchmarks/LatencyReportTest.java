package io.jengine.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JMH's JSON (as 1.37 writes it) paired into report rows, and the Markdown and chart made of them. */
class LatencyReportTest {
    static final String RESULTS = """
            [ %s, %s, %s, %s ]
            """.formatted(
            result("engine", "digits_cnn", "1", "12.5", "0.5", "ms/op"),
            result("served", "digits_cnn", "1", "13.0", "0.3", "ms/op"),
            result("onnxRuntime", "digits_cnn", "1", "250.0", "10.0", "us/op"),
            result("onnxRuntime", "resnet18", "2", "30.0", "\"NaN\"", "ms/op"));

    static String result(String method, String model, String threads, String score, String error, String unit) {
        return """
                {"jmhVersion":"1.37","benchmark":"io.jengine.benchmarks.ZooModelBenchmark.%s","mode":"avgt","threads":1,
                 "forks":1,"jvm":"/usr/bin/java","jdkVersion":"25.0.1","vmName":"OpenJDK 64-Bit Server VM",
                 "warmupIterations":3,"warmupTime":"2 s","measurementIterations":5,"measurementTime":"2 s",
                 "params":{"model":"%s","threads":"%s"},
                 "primaryMetric":{"score":%s,"scoreError":%s,"scoreUnit":"%s","rawData":[[1.0]]},"secondaryMetrics":{}}
                """.formatted(method, model, threads, score, error, unit);
    }

    @Test
    void resultsArePairedPerModelAndThreads() throws IOException {
        List<JmhResults.Row> rows = JmhResults.rows(new ObjectMapper().readTree(RESULTS));
        assertEquals(2, rows.size());
        JmhResults.Row digits = rows.get(0);
        assertEquals("digits_cnn", digits.model());
        assertEquals(1, digits.threads());
        assertEquals(12.5, digits.engine().ms());
        assertEquals(0.25, digits.onnxRuntime().ms(), 1e-12); // 250 us
        assertEquals(0.01, digits.onnxRuntime().error(), 1e-12);
        assertEquals(50, digits.ratio().ms(), 1e-9);
        assertEquals(50 * Math.hypot(0.04, 0.04), digits.ratio().error(), 1e-9);
        assertEquals(13.0, digits.served().ms());
        assertEquals(0.5, digits.servedOverhead().ms(), 1e-12);
        assertEquals(Math.hypot(0.3, 0.5), digits.servedOverhead().error(), 1e-12);
        JmhResults.Row resnet = rows.get(1);
        assertNull(resnet.engine());
        assertNull(resnet.ratio());
        assertNull(resnet.served());
        assertNull(resnet.servedOverhead());
        assertTrue(Double.isNaN(resnet.onnxRuntime().error()));
    }

    @Test
    void markdownHasOneRowPerPair() throws IOException {
        JsonNode json = new ObjectMapper().readTree(RESULTS);
        String md = LatencyReport.markdown("T", JmhResults.setup(json), JmhResults.rows(json));
        assertTrue(md.contains("| model | precision | threads | engine ms | ORT ms | engine / ORT | served ms | served - engine ms |"), md);
        assertTrue(md.contains("| digits_cnn | fp32 | 1 | 12.5 ± 0.500 | 0.250 ± 0.0100 | 50.0 ± 2.83 | 13.0 ± 0.300 | 0.500 ± 0.583 |"), md);
        assertTrue(md.contains("| resnet18 | fp32 | 2 | – | 30.0 | – | – | – |"), md);
        assertTrue(md.contains("3 warm-up x 2 s, 5 measured x 2 s, 1 fork(s)") && md.contains("25.0.1"), md);
    }

    @Test
    void reportFilesAreWritten(@TempDir Path tmp) throws IOException {
        Path results = Files.writeString(tmp.resolve("r.json"), RESULTS);
        LatencyReport.main(new String[] {results.toString(), tmp.resolve("out").toString()});
        assertTrue(Files.readString(tmp.resolve("out/latency.md")).contains("digits_cnn"));
        byte[] png = Files.readAllBytes(tmp.resolve("out/latency.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    /** INT8 results (the precision parameter) are rows of their own, and several result files make one report. */
    @Test
    void int8ResultsFromAnotherFileAreRowsOfTheirOwn(@TempDir Path tmp) throws IOException {
        Path fp32 = Files.writeString(tmp.resolve("fp32.json"), RESULTS);
        String int8 = "[" + result("engine", "resnet18", "2", "20.0", "1.0", "ms/op")
                .replace("\"threads\":\"2\"}", "\"threads\":\"2\",\"precision\":\"int8\"}") + "]";
        Path q = Files.writeString(tmp.resolve("int8.json"), int8);
        LatencyReport.main(new String[] {fp32 + "," + q, tmp.resolve("out").toString()});
        String md = Files.readString(tmp.resolve("out/latency.md"));
        assertTrue(md.contains("| resnet18 | fp32 | 2 | – | 30.0 | – |"), md);
        assertTrue(md.contains("| resnet18 | int8 | 2 | 20.0 ± 1.00 | – | – |"), md);
    }

    /** A BF16 row is compared with ONNX Runtime's float time of the same model and threads. */
    @Test
    void bf16RowsTakeOnnxRuntimesFloatTime() throws IOException {
        String json = "[" + String.join(",", result("engine", "resnet18", "2", "20.0", "1.0", "ms/op")
                .replace("\"threads\":\"2\"}", "\"threads\":\"2\",\"precision\":\"bf16\"}"),
                result("onnxRuntime", "resnet18", "2", "30.0", "\"NaN\"", "ms/op"),
                result("engine", "digits_cnn", "1", "1.0", "0.1", "ms/op")
                        .replace("\"threads\":\"1\"}", "\"threads\":\"1\",\"precision\":\"bf16\"}")) + "]";
        List<JmhResults.Row> rows = JmhResults.rows(new ObjectMapper().readTree(json));
        JmhResults.Row bf16 = rows.stream().filter(r -> r.model().equals("resnet18") && r.precision().equals("bf16"))
                .findFirst().orElseThrow();
        assertEquals(30.0, bf16.onnxRuntime().ms());
        assertEquals(20.0 / 30.0, bf16.ratio().ms(), 1e-12);
        JmhResults.Row digits = rows.stream().filter(r -> r.model().equals("digits_cnn")).findFirst().orElseThrow();
        assertNull(digits.onnxRuntime(), "no float ONNX Runtime time for digits_cnn at 1 thread");
    }

    @Test
    void numbersKeepThreeSignificantDigits() {
        assertEquals("12.5", LatencyReport.format(12.5));
        assertEquals("0.250", LatencyReport.format(0.25));
        assertEquals("1235", LatencyReport.format(1234.6));
        assertEquals("0.00123", LatencyReport.format(0.001234));
    }
}
