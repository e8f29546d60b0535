package io.jengine.serving;

import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a request against the model before it is queued, so that what fails here is the caller's error (400), never
 * a batch's: a request that reached a batch is one the engine accepts, and cannot make its batch-mates fail.
 */
final class RequestValidator {
    private final String model;
    private final ModelSignature signature;
    private final boolean batching;
    private final int maxBatchSize;
    private final long maxElements;

    RequestValidator(String model, ModelSignature signature, boolean batching, ModelConfig config) {
        this.model = model;
        this.signature = signature;
        this.batching = batching;
        this.maxBatchSize = config.maxBatchSize();
        this.maxElements = config.maxElementsPerTensor();
    }

    RequestShape check(InferenceRequest request) {
        for (String name : request.inputs().keySet()) {
            if (signature.input(name) == null) {
                throw invalid("model " + model + " has no input '" + name + "'; its inputs are " + signature.inputNames());
            }
        }
        SymbolSizes symbols = new SymbolSizes();
        long rows = -1;
        String rowsOwner = null;
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < signature.inputs.size(); i++) {
            TensorMetadata want = signature.inputs.get(i);
            Tensor got = request.inputs().get(want.name());
            if (got == null) {
                throw invalid("input '" + want.name() + "' is missing; model " + model + " takes "
                        + signature.inputNames());
            }
            long[] shape = checkTensor(want, got);
            symbols.check(want.name(), shape, signature.inputSymbols.get(i));
            if (batching) {
                // The batch limit before the element limit: it is the model's, and says more.
                if (rows >= 0 && shape[0] != rows) {
                    throw invalid("inputs disagree on the batch size: '" + rowsOwner + "' has " + rows + ", '"
                            + want.name() + "' has " + shape[0]);
                }
                rows = shape[0];
                rowsOwner = want.name();
                checkRows(rows, rowsOwner);
                key.append(got.dtype()).append(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length))).append(';');
            }
            if (got.size() > maxElements) {
                throw invalid("input '" + want.name() + "' has " + got.size() + " elements, above the limit of "
                        + maxElements + " per tensor (maxElementsPerTensor)");
            }
        }
        return new RequestShape(batching ? rows : 1, outputs(request), key.toString());
    }

    /** Datatype, rank and fixed dimensions of one input; answers its shape. */
    private long[] checkTensor(TensorMetadata want, Tensor got) {
        if (got.isClosed()) throw invalid("input '" + want.name() + "' was closed before the request ran");
        if (got.dtype() != want.dtype()) {
            throw invalid("input '" + want.name() + "' must be " + V2Datatype.describe(want.dtype()) + ", got "
                    + V2Datatype.describe(got.dtype()));
        }
        long[] shape = got.shape();
        if (shape.length != want.shape().size()) {
            throw invalid("input '" + want.name() + "' must have shape " + want.shape() + " (rank "
                    + want.shape().size() + "), got " + Arrays.toString(shape));
        }
        for (int axis = 0; axis < shape.length; axis++) {
            if (want.fixed(axis) && shape[axis] != want.shape().get(axis)) {
                throw invalid("input '" + want.name() + "' must have shape " + want.shape() + ", got "
                        + Arrays.toString(shape) + ": dimension " + axis + " is " + shape[axis] + ", not "
                        + want.shape().get(axis));
            }
        }
        return shape;
    }

    private void checkRows(long rows, String owner) {
        if (rows == 0) throw invalid("input '" + owner + "' holds an empty batch (dimension 0 is 0)");
        if (rows > maxBatchSize) {
            throw invalid("input '" + owner + "' holds a batch of " + rows + ", above the maxBatchSize of "
                    + maxBatchSize + " of model " + model);
        }
    }

    private List<String> outputs(InferenceRequest request) {
        if (request.outputs().isEmpty()) return signature.outputNames();
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : request.outputs()) {
            if (!signature.outputNames().contains(name)) {
                throw invalid("model " + model + " has no output '" + name + "'; its outputs are "
                        + signature.outputNames());
            }
            wanted.add(name);
        }
        return List.copyOf(wanted);
    }

    /**
     * The sizes a request gives the model's named dimensions ({@code seq}, {@code N}), which must agree across inputs
     * as the engine requires; the batch dimension is left to the batch check.
     */
    private final class SymbolSizes {
        private final Map<String, Long> sizes = new HashMap<>();
        private final Map<String, String> owners = new HashMap<>();

        void check(String input, long[] shape, List<String> symbols) {
            for (int axis = batching ? 1 : 0; axis < shape.length; axis++) {
                String symbol = symbols.get(axis);
                if (symbol == null) continue;
                Long seen = sizes.putIfAbsent(symbol, shape[axis]);
                owners.putIfAbsent(symbol, input);
                if (seen != null && seen != shape[axis]) {
                    throw invalid("input '" + input + "' has " + shape[axis] + " in dimension " + axis + " ('" + symbol
                            + "'), input '" + owners.get(symbol) + "' has " + seen + " there");
                }
            }
        }
    }

    private static InvalidRequestException invalid(String message) { return new InvalidRequestException(message); }
}
