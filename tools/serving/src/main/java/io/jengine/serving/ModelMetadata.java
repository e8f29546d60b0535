package io.jengine.serving;

import java.util.List;

/**
 * What KServe V2's model metadata endpoint answers: the model's name, the versions loaded under it, the platform
 * ({@code jengine_onnx} for a model built from ONNX, {@code jengine_plan} for a plan file), and its inputs and outputs.
 */
public record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                            List<TensorMetadata> outputs) {
    public ModelMetadata {
        versions = List.copyOf(versions);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
