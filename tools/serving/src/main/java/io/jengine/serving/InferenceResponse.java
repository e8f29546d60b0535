package io.jengine.serving;

import io.jengine.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one request: the model and version that ran it, the request's id (null when it had none), and the
 * outputs asked for, in the order asked (else the model's order). The tensors are the caller's; a batched request's
 * outputs are views of its rows in the batch's outputs, which nothing else reads or writes.
 */
public record InferenceResponse(String modelName, int modelVersion, String id, Map<String, Tensor> outputs) {
    public InferenceResponse {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** The output of that name. */
    public Tensor output(String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("response of model '" + modelName + "' has no output '" + name
                    + "'; it has " + outputs.keySet());
        }
        return t;
    }
}
