package io.jengine.serving;

import io.jengine.runtime.Session;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one batch on a worker's session: stacks the requests' inputs along axis 0 (a lone request runs on its own
 * tensors), runs the engine once, cuts every output wanted back into each request's rows and answers each request.
 * Whatever goes wrong fails this batch's requests alone, with the engine's message.
 */
final class BatchRunner {
    private final String model;
    private final int version;
    private final ModelSignature signature;
    private final ModelMetrics metrics;
    /** Each worker's blocks for stacked inputs (a caller running its own request never stacks). */
    private final ThreadLocal<BatchStaging> staging = ThreadLocal.withInitial(BatchStaging::new);

    BatchRunner(String model, int version, ModelSignature signature, ModelMetrics metrics) {
        this.model = model;
        this.version = version;
        this.signature = signature;
        this.metrics = metrics;
    }

    void run(Session session, List<PendingRequest> batch) {
        long start = System.nanoTime();
        long rows = 0;
        for (PendingRequest p : batch) {
            metrics.queued(start - p.acceptedNanos);
            rows += p.shape.rows();
        }
        List<Map<String, Tensor>> answers;
        try {
            Map<String, Value> outputs = session.run(inputs(batch));
            if (batch.size() > 1) staging.get().release(outputs);
            metrics.ran(rows, System.nanoTime() - start);
            answers = batch.size() == 1 ? List.of(pick(outputs, batch.getFirst().shape.outputs())) : split(outputs, batch);
        } catch (Throwable t) {
            // Errors too (native memory exhausted by one large batch): a worker that died would leave its queue
            // unserved, and every accepted request is owed an answer.
            fail(batch, t);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            PendingRequest p = batch.get(i);
            p.future.complete(new InferenceResponse(model, version, p.request.id(), answers.get(i)));
        }
    }

    private Map<String, Tensor> inputs(List<PendingRequest> batch) {
        if (batch.size() == 1) return batch.getFirst().request.inputs();
        Map<String, Tensor> stacked = new HashMap<>();
        BatchStaging blocks = staging.get();
        for (String name : signature.inputNames()) {
            List<Tensor> parts = new ArrayList<>(batch.size());
            for (PendingRequest p : batch) parts.add(p.request.inputs().get(name));
            stacked.put(name, blocks.stack(name, parts));
        }
        return stacked;
    }

    private static Map<String, Tensor> pick(Map<String, Value> outputs, List<String> wanted) {
        Map<String, Tensor> picked = new LinkedHashMap<>();
        for (String name : wanted) picked.put(name, (Tensor) outputs.get(name));
        return picked;
    }

    private List<Map<String, Tensor>> split(Map<String, Value> outputs, List<PendingRequest> batch) {
        long[] rows = batch.stream().mapToLong(p -> p.shape.rows()).toArray();
        Set<String> wanted = new LinkedHashSet<>();
        for (PendingRequest p : batch) wanted.addAll(p.shape.outputs());
        Map<String, List<Tensor>> pieces = new HashMap<>();
        for (String name : wanted) {
            try {
                pieces.put(name, TensorBatching.split((Tensor) outputs.get(name), rows));
            } catch (IllegalArgumentException e) {
                throw new InferenceFailedException("model " + label() + ": output '" + name + "' " + e.getMessage()
                        + "; serve it with maxBatchSize 0");
            }
        }
        List<Map<String, Tensor>> answers = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Map<String, Tensor> answer = new LinkedHashMap<>();
            for (String name : batch.get(i).shape.outputs()) answer.put(name, pieces.get(name).get(i));
            answers.add(answer);
        }
        return answers;
    }

    void fail(List<PendingRequest> batch, Throwable t) {
        ServingException error = t instanceof InferenceFailedException f ? f
                : new InferenceFailedException("model " + label() + " failed on a batch of " + batch.size()
                        + " request(s): " + (t.getMessage() == null ? t.toString() : t.getMessage()), t);
        for (PendingRequest p : batch) p.future.completeExceptionally(error);
    }

    private String label() { return ServedModel.label(model, version); }
}
