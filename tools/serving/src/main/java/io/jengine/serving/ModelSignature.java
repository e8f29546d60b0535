package io.jengine.serving;

import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.ValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded model's inputs and outputs as serving sees them: tensors with a V2 datatype, each input of known rank,
 * with the symbol of every open dimension kept so that requests can be checked for consistent sizes before they
 * reach a batch. A model with other inputs or outputs (sequences, optionals, types V2 cannot name) is refused at load.
 */
final class ModelSignature {
    final List<TensorMetadata> inputs;
    final List<TensorMetadata> outputs;
    /** Per input, per axis: the dimension's symbol ({@code N}, {@code seq}), or null when fixed or unnamed. */
    final List<List<String>> inputSymbols;

    private ModelSignature(List<TensorMetadata> inputs, List<TensorMetadata> outputs, List<List<String>> symbols) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.inputSymbols = symbols;
    }

    static ModelSignature of(String model, Path file, Engine engine) {
        List<TensorMetadata> inputs = new ArrayList<>();
        List<List<String>> symbols = new ArrayList<>();
        for (ValueInfo in : engine.inputs()) {
            ValueType.TensorType t = tensorType(model, file, "input", in);
            if (t.shape() == null) {
                throw new ModelLoadException(model, file, "input '" + in.name() + "' has no known rank; serving checks "
                        + "requests against each input's shape");
            }
            inputs.add(metadata(in.name(), t));
            symbols.add(t.shape().dims().stream().map(d -> d.isKnown() ? null : d.symbol()).toList());
        }
        List<TensorMetadata> outputs = new ArrayList<>();
        for (ValueInfo out : engine.outputs()) outputs.add(metadata(out.name(), tensorType(model, file, "output", out)));
        return new ModelSignature(List.copyOf(inputs), List.copyOf(outputs), List.copyOf(symbols));
    }

    /**
     * Whether requests can be stacked along axis 0: every input and output has an open leading dimension, which is
     * then the batch. An output whose rank the model does not state could be anything, so it rules batching out.
     */
    boolean batchable() {
        return !inputs.isEmpty() && inputs.stream().allMatch(ModelSignature::openLeadingDim)
                && outputs.stream().allMatch(ModelSignature::openLeadingDim);
    }

    /** Whether requests are stacked into batches: asked for by {@code config}, and possible for the model. */
    boolean batchedBy(ModelConfig config) { return config.maxBatchSize() > 0 && batchable(); }

    private static boolean openLeadingDim(TensorMetadata t) { return !t.shape().isEmpty() && !t.fixed(0); }

    TensorMetadata input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    List<String> inputNames() { return inputs.stream().map(TensorMetadata::name).toList(); }

    List<String> outputNames() { return outputs.stream().map(TensorMetadata::name).toList(); }

    private static ValueType.TensorType tensorType(String model, Path file, String role, ValueInfo v) {
        if (!(v.type() instanceof ValueType.TensorType t)) {
            throw new ModelLoadException(model, file, role + " '" + v.name() + "' is " + v.type()
                    + "; serving carries tensors only");
        }
        if (V2Datatype.of(t.elementType()).isEmpty()) {
            throw new ModelLoadException(model, file, role + " '" + v.name() + "' has element type "
                    + t.elementType() + ", which KServe V2 has no datatype for");
        }
        return t;
    }

    /** Unknown rank (an output no shape rule reached) shows as an empty shape. */
    private static TensorMetadata metadata(String name, ValueType.TensorType t) {
        List<Long> shape = t.shape() == null ? List.of()
                : t.shape().dims().stream().map(d -> d.isKnown() ? d.value() : -1L).toList();
        return new TensorMetadata(name, t.elementType(), shape);
    }
}
