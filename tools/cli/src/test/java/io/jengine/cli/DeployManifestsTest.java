package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deploy/ manifests cannot be run here (no registry, no cluster): what they ask of the server is checked against
 * the server itself. The serving runtime's arguments start a real `engine serve` (on loopback and a free port, with a
 * repository of the test's own) that answers the probe and metrics paths the manifests name; the Dockerfile's
 * entrypoint parses as a serve command on the port it exposes; the InferenceService names that runtime and format.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("../../deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    @Test
    void theServingRuntimesServeCommandAnswersItsProbesAndMetrics() throws Exception {
        JsonNode runtime = YAML.readTree(DEPLOY.resolve("kserve/serving-runtime.yaml").toFile());
        assertEquals("ServingRuntime", runtime.path("kind").asText());
        assertTrue(strings(runtime.path("spec").path("protocolVersions")).contains("v2"));
        JsonNode c = runtime.path("spec").path("containers").get(0);
        List<String> command = strings(c.path("command")), args = strings(c.path("args"));
        assertEquals(EngineCli.class.getName(), command.getLast());
        assertEquals("serve", args.getFirst());
        int port = c.path("ports").get(0).path("containerPort").asInt();
        assertEquals(String.valueOf(port), valueAfter(args, "--port"));
        assertEquals(port, c.path("readinessProbe").path("httpGet").path("port").asInt());
        assertEquals(port, c.path("livenessProbe").path("httpGet").path("port").asInt());
        JsonNode annotations = runtime.path("metadata").path("annotations");
        assertEquals(String.valueOf(port), annotations.path("prometheus.kserve.io/port").asText());

        // the same arguments, but on loopback, a free port and a repository holding the digits model
        List<String> local = new ArrayList<>(args);
        local.set(local.indexOf("--model-repository") + 1, tmp.toString());
        local.set(local.indexOf("--host") + 1, "127.0.0.1");
        local.set(local.indexOf("--port") + 1, "0");
        ServeCommandTest.digitsRepository(tmp);
        ServeCommandTest.Served served = ServeCommandTest.serve(local.toArray(String[]::new));
        String address = served.address();
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (String path : List.of(c.path("readinessProbe").path("httpGet").path("path").asText(),
                    c.path("livenessProbe").path("httpGet").path("path").asText(),
                    annotations.path("prometheus.kserve.io/path").asText(), "/v2/models/digits")) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(address + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), path + ": " + r.body());
            }
        }
        assertEquals(0, served.stop());
    }

    @Test
    void theInferenceServiceAsksForThatRuntimeAndAFormatItServes() throws Exception {
        JsonNode runtime = YAML.readTree(DEPLOY.resolve("kserve/serving-runtime.yaml").toFile());
        JsonNode service = YAML.readTree(DEPLOY.resolve("kserve/inference-service.yaml").toFile());
        assertEquals("InferenceService", service.path("kind").asText());
        JsonNode model = service.path("spec").path("predictor").path("model");
        assertEquals(runtime.path("metadata").path("name").asText(), model.path("runtime").asText());
        assertEquals("v2", model.path("protocolVersion").asText());
        List<String> formats = new ArrayList<>();
        runtime.path("spec").path("supportedModelFormats").forEach(f -> formats.add(f.path("name").asText()));
        assertTrue(formats.contains(model.path("modelFormat").path("name").asText()), formats.toString());
        assertTrue(model.path("storageUri").asText().contains("://"));
    }

    @Test
    void theDockerfilesEntrypointIsAServeCommandOnTheExposedPort() throws Exception {
        List<String> lines = Files.readAllLines(DEPLOY.resolve("Dockerfile"));
        String exposed = lines.stream().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow().substring(7).strip();
        String entry = lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow().substring(11);
        List<String> argv = strings(new ObjectMapper().readTree(entry));
        List<String> cli = argv.subList(argv.indexOf(EngineCli.class.getName()) + 1, argv.size());
        // picocli refuses an option serve does not have, or a value it cannot convert
        CommandLine.ParseResult parsed = EngineCli.commandLine().parseArgs(cli.toArray(String[]::new));
        assertEquals("serve", parsed.subcommand().commandSpec().name());
        assertEquals(exposed, valueAfter(cli, "--port"));
        assertEquals("0.0.0.0", valueAfter(cli, "--host"), "a container listens on its own interface");
    }

    private static List<String> strings(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }

    private static String valueAfter(List<String> args, String option) {
        int i = args.indexOf(option);
        assertTrue(i >= 0 && i + 1 < args.size(), option + " in " + args);
        return args.get(i + 1);
    }
}
