package io.jengine.serving;

import io.jengine.runtime.Session;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A model's warm-up before it takes requests, as Triton's {@code model_warmup}: {@link ModelConfig#warmupRuns} runs on
 * generated inputs at each batch size the server may send, so that the JIT compiler and the engine's per-shape plans
 * are ready before the first client, who would otherwise pay for them. Inputs are drawn from a fixed seed, floats in
 * [-1, 1) and integers 0..1, as {@code engine bench} draws them; a model with an open dimension other than the batch
 * cannot be given inputs here and is not warmed (the reason is returned for the log).
 */
final class ModelWarmup {
    private static final long SEED = 42;

    private ModelWarmup() {}

    /** The batch sizes warmed: 1, the preferred sizes and the maximum when batching, else the model's own. */
    static List<Integer> batchSizes(ModelConfig config, boolean batching) {
        if (!batching) return List.of(1);
        TreeSet<Integer> sizes = new TreeSet<>(config.preferredBatchSizes());
        sizes.add(1);
        sizes.add(config.maxBatchSize());
        return List.copyOf(sizes);
    }

    /**
     * Runs {@link ModelConfig#warmupRuns} runs per batch size on {@code session}; returns null when done, else why
     * the model could not be warmed. A run that fails fails the load, as a request would.
     */
    static String run(ModelSignature signature, ModelConfig config, boolean batching, Session session) {
        for (TensorMetadata in : signature.inputs) {
            if (in.dtype() == DType.STRING) return "input '" + in.name() + "' holds strings, which are not generated";
            // the leading dimension, open, is the batch; any other open one has no size to generate
            for (int axis = 1; axis < in.shape().size(); axis++) {
                if (!in.fixed(axis)) {
                    return "input '" + in.name() + "' leaves dimension " + axis + " open " + in.shape();
                }
            }
        }
        Random random = new Random(SEED);
        for (int batch : batchSizes(config, batching)) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (TensorMetadata in : signature.inputs) inputs.put(in.name(), generate(in, batch, random));
            for (int r = 0; r < config.warmupRuns(); r++) {
                try {
                    session.run(inputs);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("warm-up run at batch " + batch + " failed: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    /** The input's declared shape, an open leading dimension set to {@code batch}, filled from {@code random}. */
    private static Tensor generate(TensorMetadata in, int batch, Random random) {
        List<Long> dims = new ArrayList<>(in.shape());
        if (!dims.isEmpty() && dims.get(0) < 0) dims.set(0, (long) batch);
        Tensor t = Tensor.allocate(in.dtype(), dims.stream().mapToLong(Long::longValue).toArray());
        for (long i = 0; i < t.size(); i++) {
            switch (in.dtype()) {
                case FLOAT16, FLOAT32, FLOAT64, BFLOAT16 -> t.setDouble(i, random.nextFloat() * 2 - 1);
                default -> t.setLong(i, random.nextInt(2));
            }
        }
        return t;
    }
}
