package io.jengine.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.jengine.serving.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model folder's {@code config.json}: {@link ModelConfig}'s fields under Triton's names where Triton has one, e.g.
 *
 * <pre>{@code
 * {"max_batch_size": 32, "preferred_batch_size": [8, 16], "max_queue_delay_microseconds": 500,
 *  "max_queue_size": 1024, "instance_count": 2, "default_timeout_microseconds": 5000000,
 *  "engine_threads": 1, "max_elements_per_tensor": 1048576, "warmup_runs": 20,
 *  "plugins": ["swish-plugin.jar"]}
 * }</pre>
 *
 * {@code plugins} lists plugin jars the model needs (its custom ops, extra tactics), relative to the model's folder
 * or absolute; they add to the server's {@code --plugin} jars. The repository is the operator's: a jar named here runs
 * as code in the server, as a Triton backend in a model repository does.
 *
 * Fields left out keep the server's defaults; an unknown field is an error, so that a misspelt setting is not
 * silently ignored.
 */
final class ModelConfigFile {
    static final String NAME = "config.json";

    private ModelConfigFile() {}

    /** The settings of {@code file} over {@code defaults}; the defaults alone when there is no file. */
    static ModelConfig read(Path file, ModelConfig defaults) throws IOException {
        if (!Files.isRegularFile(file)) return defaults;
        JsonNode root = Json.MAPPER.readTree(file.toFile());
        if (root == null || !root.isObject()) throw new IllegalArgumentException(file + " must hold a JSON object");
        ModelConfig.Builder b = defaults.toBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            switch (field.getKey()) {
                case "max_batch_size" -> b.maxBatchSize(integer(field));
                case "preferred_batch_size" -> b.preferredBatchSizes(integers(field));
                case "max_queue_delay_microseconds" -> b.maxQueueDelayMicros(number(field));
                case "max_queue_size" -> b.maxQueueSize(integer(field));
                case "instance_count" -> b.instanceCount(integer(field));
                case "default_timeout_microseconds" -> b.defaultTimeout(Duration.ofNanos(
                        Math.multiplyExact(number(field), 1000L)));
                case "engine_threads" -> b.engineThreads(integer(field));
                case "max_elements_per_tensor" -> b.maxElementsPerTensor(number(field));
                case "warmup_runs" -> b.warmupRuns(integer(field));
                case "plugins" -> b.plugins(plugins(field, file.getParent(), defaults.plugins()));
                default -> throw new IllegalArgumentException(file + ": unknown field '" + field.getKey() + "'; "
                        + "the fields are max_batch_size, preferred_batch_size, max_queue_delay_microseconds, "
                        + "max_queue_size, instance_count, default_timeout_microseconds, engine_threads, "
                        + "max_elements_per_tensor, warmup_runs, plugins");
            }
        }
        return b.build();
    }

    private static List<Path> plugins(Map.Entry<String, JsonNode> field, Path folder, List<Path> server) {
        if (!field.getValue().isArray()) throw new IllegalArgumentException("'plugins' must be an array of jar paths");
        List<Path> out = new ArrayList<>(server);
        for (JsonNode v : field.getValue()) {
            if (!v.isTextual() || v.textValue().isBlank()) {
                throw new IllegalArgumentException("'plugins' must hold jar paths as strings, got " + v);
            }
            out.add(folder.resolve(v.textValue()).normalize());
        }
        return out;
    }

    private static long number(Map.Entry<String, JsonNode> field) {
        JsonNode v = field.getValue();
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field.getKey() + "' must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static int integer(Map.Entry<String, JsonNode> field) {
        long v = number(field);
        if (v != (int) v) throw new IllegalArgumentException("'" + field.getKey() + "' is out of range: " + v);
        return (int) v;
    }

    private static List<Integer> integers(Map.Entry<String, JsonNode> field) {
        if (!field.getValue().isArray()) {
            throw new IllegalArgumentException("'" + field.getKey() + "' must be an array of integers");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : field.getValue()) out.add(integer(Map.entry(field.getKey(), v)));
        return out;
    }
}
