package io.jengine.serving;

import io.jengine.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One inference request, as KServe V2 carries it: named input tensors, the outputs wanted (empty: every output of
 * the model), a timeout (null: the model's default) and an id echoed in the response (may be null).
 *
 * <p>The server reads the input tensors when the request runs, without copying them first: they must stay open and
 * unchanged until the response arrives.
 */
public record InferenceRequest(String id, Map<String, Tensor> inputs, List<String> outputs, Duration timeout) {
    public InferenceRequest {
        Objects.requireNonNull(inputs, "inputs");
        inputs.forEach((name, t) -> {
            Objects.requireNonNull(name, "input name");
            Objects.requireNonNull(t, () -> "tensor of input '" + name + "'");
        });
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = List.copyOf(outputs == null ? List.of() : outputs);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("request timeout must be positive (null: the model's default), got "
                    + timeout);
        }
    }

    /** A request for every output, without id or timeout of its own. */
    public static InferenceRequest of(Map<String, Tensor> inputs) { return new InferenceRequest(null, inputs, null, null); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private String id;
        private final Map<String, Tensor> inputs = new LinkedHashMap<>();
        private final List<String> outputs = new ArrayList<>();
        private Duration timeout;

        private Builder() {}

        public Builder id(String id) { this.id = id; return this; }

        public Builder input(String name, Tensor tensor) { inputs.put(name, tensor); return this; }

        /** Asks for this output; with none asked for, the response holds every output. */
        public Builder output(String name) { outputs.add(name); return this; }

        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }

        public InferenceRequest build() { return new InferenceRequest(id, inputs, outputs, timeout); }
    }
}
