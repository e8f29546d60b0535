package io.jengine.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jengine.serving.InferenceResponse;
import io.jengine.serving.InferenceServer;
import io.jengine.serving.ModelHandle;
import io.jengine.serving.ModelMetadata;
import io.jengine.serving.ModelUnavailableException;
import io.jengine.serving.TensorMetadata;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.server.Request;

/**
 * KServe V2's REST endpoints (and Triton's repository extension), from a request's method and decoded path to a
 * {@link Reply}. Errors are thrown and mapped by {@link V2Handler}.
 *
 * <pre>
 * GET  /v2/health/live | /v2/health/ready              GET /v2                        server metadata
 * GET  /v2/models/NAME[/versions/V]                    model metadata
 * GET  /v2/models/NAME[/versions/V]/ready              POST /v2/models/NAME[/versions/V]/infer
 * POST /v2/repository/index                            POST /v2/repository/models/NAME/load | /unload
 * GET  /metrics                                        Prometheus text format
 * </pre>
 */
final class V2Routes {
    static final String SERVER_NAME = "jengine";
    static final String SERVER_VERSION = "0.1.0";
    static final List<String> EXTENSIONS = List.of("model_repository", "binary_tensor_data");
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final InferenceServer server;
    private final ModelRepository repository;
    private final PrometheusMetrics metrics;
    private final InferRequestDecoder decoder;
    private final long maxRequestBytes;

    V2Routes(InferenceServer server, ModelRepository repository, PrometheusMetrics metrics, HttpOptions options) {
        this.server = server;
        this.repository = repository;
        this.metrics = metrics;
        this.decoder = new InferRequestDecoder(options.maxTensorElements());
        this.maxRequestBytes = options.maxRequestBytes();
    }

    Reply route(Request request) {
        String method = request.getMethod();
        List<String> path = Arrays.stream(Request.getPathInContext(request).split("/")).filter(s -> !s.isEmpty())
                .toList();
        String first = path.isEmpty() ? "" : path.get(0);
        if (first.equals("metrics") && path.size() == 1) {
            expect("GET", method);
            return Reply.text(PrometheusMetrics.CONTENT_TYPE, metrics.scrape());
        }
        if (!first.equals("v2")) throw notFound();
        List<String> rest = path.subList(1, path.size());
        if (rest.isEmpty()) {
            expect("GET", method);
            return Reply.ok(serverMetadata());
        }
        return switch (rest.get(0)) {
            case "health" -> health(method, rest);
            case "models" -> model(method, request, rest);
            case "repository" -> repository(method, request, rest);
            default -> throw notFound();
        };
    }

    private Reply health(String method, List<String> rest) {
        expect("GET", method);
        if (rest.equals(List.of("health", "live"))) return probe("live", server.isLive());
        if (rest.equals(List.of("health", "ready"))) return probe("ready", server.isReady());
        throw notFound();
    }

    /** A probe's answer: 200 when true, 503 when false (V2: the status is the answer). */
    private static Reply probe(String what, boolean value) {
        return Reply.json(value ? 200 : 503, Json.object().put(what, value));
    }

    private ObjectNode serverMetadata() {
        ObjectNode o = Json.object().put("name", SERVER_NAME).put("version", SERVER_VERSION);
        EXTENSIONS.forEach(o.putArray("extensions")::add);
        return o;
    }

    /** /v2/models/NAME[/versions/V][/ready | /infer] */
    private Reply model(String method, Request request, List<String> rest) {
        if (rest.size() < 2) throw notFound();
        String name = rest.get(1);
        ModelRepository.check(name);
        List<String> tail = rest.subList(2, rest.size());
        int version = 0;
        if (!tail.isEmpty() && tail.get(0).equals("versions")) {
            if (tail.size() < 2) throw notFound();
            version = version(tail.get(1));
            tail = tail.subList(2, tail.size());
        }
        ModelHandle model = version == 0 ? server.model(name) : server.model(name, version);
        String action = tail.isEmpty() ? "" : tail.get(0);
        if (tail.size() > 1) throw notFound();
        return switch (action) {
            case "" -> {
                expect("GET", method);
                yield Reply.ok(modelMetadata(model.metadata()));
            }
            case "ready" -> {
                expect("GET", method);
                if (!model.isReady()) throw new ModelUnavailableException("model " + model + " is not ready");
                yield probe("ready", true);
            }
            case "infer" -> {
                expect("POST", method);
                yield infer(model, request);
            }
            default -> throw notFound();
        };
    }

    private Reply infer(ModelHandle model, Request request) {
        byte[] body = RequestBody.read(request, maxRequestBytes);
        InferRequestDecoder.Decoded decoded = decoder.decode(body, headerLength(request));
        InferenceResponse response = model.infer(decoded.request());
        InferResponseEncoder.Encoded encoded = InferResponseEncoder.encode(response, decoded);
        return new Reply(200, encoded.jsonLength() < 0 ? Reply.JSON : "application/octet-stream", encoded.body(),
                encoded.jsonLength());
    }

    /** /v2/repository/index, /v2/repository/models/NAME/load | unload */
    private Reply repository(String method, Request request, List<String> rest) {
        expect("POST", method);
        if (rest.equals(List.of("repository", "index"))) {
            byte[] body = RequestBody.read(request, maxRequestBytes);
            boolean readyOnly = body.length > 0 && Json.object(body, 0, body.length).path("ready").asBoolean(false);
            ArrayNode index = Json.MAPPER.createArrayNode();
            for (ModelRepository.Entry e : repository.index()) {
                if (readyOnly && !e.state().equals("READY")) continue;
                ObjectNode o = index.addObject().put("name", e.name());
                if (!e.version().isEmpty()) o.put("version", e.version());
                o.put("state", e.state());
                if (!e.reason().isEmpty()) o.put("reason", e.reason());
            }
            return Reply.ok(index);
        }
        if (rest.size() == 4 && rest.get(1).equals("models")) {
            // Triton's load takes an optional body of parameters; none of them applies to a folder of ONNX or plans.
            RequestBody.read(request, maxRequestBytes);
            switch (rest.get(3)) {
                case "load" -> repository.load(rest.get(2));
                case "unload" -> repository.unload(rest.get(2));
                default -> throw notFound();
            }
            return Reply.ok(Json.object());
        }
        throw notFound();
    }

    private static JsonNode modelMetadata(ModelMetadata m) {
        ObjectNode o = Json.object().put("name", m.name());
        m.versions().forEach(o.putArray("versions")::add);
        o.put("platform", m.platform());
        tensors(o.putArray("inputs"), m.inputs());
        tensors(o.putArray("outputs"), m.outputs());
        return o;
    }

    private static void tensors(ArrayNode into, List<TensorMetadata> tensors) {
        for (TensorMetadata t : tensors) {
            ObjectNode o = into.addObject().put("name", t.name()).put("datatype", t.datatype());
            t.shape().forEach(o.putArray("shape")::add);
        }
    }

    private static int version(String segment) {
        if (!segment.matches("[1-9][0-9]{0,8}")) {
            throw HttpError.badRequest("model version '" + segment + "' must be a positive integer");
        }
        return Integer.parseInt(segment);
    }

    private static int headerLength(Request request) {
        String v = request.getHeaders().get(HEADER_LENGTH);
        if (v == null) return -1;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest(HEADER_LENGTH + " must be a byte count, got '" + v + "'");
    }

    private static void expect(String wanted, String method) {
        if (!wanted.equals(method)) throw new HttpError(405, "use " + wanted + " here, not " + method);
    }

    private static HttpError notFound() {
        return new HttpError(404, "no such endpoint in KServe's V2 protocol");
    }
}
