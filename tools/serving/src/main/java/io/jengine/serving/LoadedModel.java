package io.jengine.serving;

import io.jengine.build.EngineBuilder;
import io.jengine.plan.PlanFile;
import io.jengine.runtime.Engine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model file built into an engine, checked for serving and warmed up ({@link ModelWarmup}), before it is given a
 * version and takes requests: a failure here leaves everything already served untouched.
 *
 * @param platform    {@code jengine_plan} for a plan file, {@code jengine_onnx} for an ONNX model
 * @param warmupNanos how long the warm-up took; -1 when none ran
 */
record LoadedModel(Path file, Engine engine, ModelSignature signature, String platform, long loadNanos,
                   long warmupNanos) {
    private static final System.Logger LOG = System.getLogger(LoadedModel.class.getName());

    static LoadedModel load(String name, Path file, ModelConfig config) {
        if (!Files.isRegularFile(file)) throw new ModelLoadException(name, file, "no such file");
        long start = System.nanoTime();
        boolean plan = PlanFile.isPlan(file);
        Engine engine;
        try {
            EngineBuilder builder = plan ? EngineBuilder.forPlan(file) : EngineBuilder.forModel(file);
            if (config.engineThreads() > 0) builder.threads(config.engineThreads());
            if (!config.plugins().isEmpty()) builder.plugins(config.plugins(), java.util.List.of());
            engine = builder.build();
        } catch (RuntimeException e) {
            throw new ModelLoadException(name, file, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        try {
            ModelSignature signature = ModelSignature.of(name, file, engine);
            long loadNanos = System.nanoTime() - start;
            return new LoadedModel(file, engine, signature, plan ? "jengine_plan" : "jengine_onnx", loadNanos,
                    warmUp(name, file, engine, signature, config));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Runs the configured warm-up on a session of its own (plans are the engine's, kept for the served sessions). */
    private static long warmUp(String name, Path file, Engine engine, ModelSignature signature, ModelConfig config) {
        if (config.warmupRuns() == 0) return -1;
        long start = System.nanoTime();
        String skipped;
        try (var session = engine.newSession()) {
            skipped = ModelWarmup.run(signature, config, signature.batchedBy(config), session);
        } catch (RuntimeException e) {
            throw new ModelLoadException(name, file, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        if (skipped != null) {
            LOG.log(System.Logger.Level.WARNING, "model '" + name + "' is not warmed up: " + skipped);
            return -1;
        }
        return System.nanoTime() - start;
    }
}
