package io.jengine.ir;

import java.util.Map;

/**
 * An imported model: the main graph (model-local functions already inlined into it) and the model's metadata.
 */
public record Model(long irVersion, String producerName, String producerVersion, Graph graph,
                    Map<String, String> metadata) {
    public Model {
        metadata = Map.copyOf(metadata);
    }

    public Map<String, Integer> opsets() { return graph.opsets(); }
}
