package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests that do not fit the model are refused before queuing, each with a message naming what is wrong. */
class RequestValidationTest {
    static InferenceServer server;
    static ModelHandle model;

    @BeforeAll
    static void serve() {
        server = new InferenceServer();
        model = server.load("digits", Digits.MODEL, ModelConfig.builder().maxBatchSize(8)
                .maxElementsPerTensor(6 * 64).build());
    }

    @AfterAll
    static void stop() { server.close(); }

    static Tensor floats(long... shape) { return Tensor.allocate(DType.FLOAT32, shape); }

    static InferenceRequest image(Tensor t) { return InferenceRequest.of(Map.of("image", t)); }

    /** The future fails with InvalidRequestException, whose message holds every fragment; infer throws it as is. */
    static void refused(InferenceRequest request, String... fragments) {
        CompletableFuture<InferenceResponse> f = model.inferAsync(request);
        assertTrue(f.isDone(), "refused before queuing");
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        InvalidRequestException invalid = assertThrows(InvalidRequestException.class, () -> {
            throw e.getCause();
        });
        for (String fragment : fragments) {
            assertTrue(invalid.getMessage().contains(fragment), invalid.getMessage() + " should say " + fragment);
        }
        assertThrows(InvalidRequestException.class, () -> model.infer(request));
    }

    @Test
    void unknownInput() {
        refused(InferenceRequest.of(Map.of("image", floats(1, 1, 8, 8), "img", floats(1, 1, 8, 8))),
                "model 'digits' (version 1) has no input 'img'", "its inputs are [image]");
    }

    @Test
    void missingInput() { refused(InferenceRequest.of(Map.of()), "input 'image' is missing", "takes [image]"); }

    @Test
    void wrongDatatype() {
        refused(image(Tensor.allocate(DType.INT64, 1, 1, 8, 8)), "input 'image' must be FP32 (float32), got INT64 (int64)");
    }

    @Test
    void wrongRank() { refused(image(floats(1, 8, 8)), "must have shape [-1, 1, 8, 8] (rank 4), got [1, 8, 8]"); }

    @Test
    void wrongFixedDimension() { refused(image(floats(1, 1, 9, 8)), "dimension 2 is 9, not 8"); }

    @Test
    void batchAboveTheMaximum() {
        refused(image(floats(9, 1, 8, 8)), "input 'image' holds a batch of 9, above the maxBatchSize of 8");
    }

    @Test
    void emptyBatch() { refused(image(floats(0, 1, 8, 8)), "empty batch"); }

    @Test
    void tooManyElements() {
        refused(image(floats(7, 1, 8, 8)), "input 'image' has 448 elements, above the limit of 384 per tensor");
    }

    @Test
    void unknownRequestedOutput() {
        refused(InferenceRequest.builder().input("image", floats(1, 1, 8, 8)).output("probs").build(),
                "has no output 'probs'", "its outputs are [logits]");
    }

    @Test
    void closedTensor() {
        Tensor t = floats(1, 1, 8, 8);
        t.close();
        refused(image(t), "input 'image' was closed");
    }

    @Test
    void aValidRequestAfterRefusalsStillRuns() {
        InferenceResponse r = model.infer(InferenceRequest.builder().id("ok").input("image", floats(2, 1, 8, 8))
                .output("logits").output("logits").build());
        assertEquals("ok", r.id());
        assertEquals("digits", r.modelName());
        assertEquals(1, r.modelVersion());
        assertEquals(List.of("logits"), List.copyOf(r.outputs().keySet()));
    }

    @Test
    void unknownModelAndVersion() {
        ModelNotFoundException noName = assertThrows(ModelNotFoundException.class, () -> server.model("mnist"));
        assertEquals("no model 'mnist' is loaded; the models loaded are [digits]", noName.getMessage());
        ModelNotFoundException noVersion = assertThrows(ModelNotFoundException.class, () -> server.model("digits", 3));
        assertEquals("model 'digits' has no version 3; its versions are [1]", noVersion.getMessage());
    }

    @Test
    void metadataIsKServeShaped() {
        ModelMetadata m = model.metadata();
        assertEquals("digits", m.name());
        assertEquals(List.of("1"), m.versions());
        assertEquals("jengine_onnx", m.platform());
        assertEquals(1, m.inputs().size());
        assertEquals("image", m.inputs().getFirst().name());
        assertEquals("FP32", m.inputs().getFirst().datatype());
        assertEquals(List.of(-1L, 1L, 8L, 8L), m.inputs().getFirst().shape());
        assertEquals("logits: FP32 [-1, 10]", m.outputs().getFirst().toString());
    }

    @Test
    void refusalsCountAsFailures() {
        double before = server.meterRegistry().get(ModelMetrics.REQUESTS).tag("outcome", "failure").counter().count();
        model.inferAsync(image(floats(1, 1, 8, 7)));
        assertEquals(before + 1,
                server.meterRegistry().get(ModelMetrics.REQUESTS).tag("outcome", "failure").counter().count());
    }
}
