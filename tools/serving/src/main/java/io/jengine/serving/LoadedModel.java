package io.jengine.serving;

import io.jengine.build.EngineBuilder;
import io.jengine.plan.PlanFile;
import io.jengine.runtime.Engine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model file built into an engine and checked for serving, before it is given a version and takes requests: a
 * failure here leaves everything already served untouched.
 *
 * @param platform {@code jengine_plan} for a plan file, {@code jengine_onnx} for an ONNX model
 */
record LoadedModel(Path file, Engine engine, ModelSignature signature, String platform, long loadNanos) {
    static LoadedModel load(String name, Path file, ModelConfig config) {
        if (!Files.isRegularFile(file)) throw new ModelLoadException(name, file, "no such file");
        long start = System.nanoTime();
        boolean plan = PlanFile.isPlan(file);
        Engine engine;
        try {
            EngineBuilder builder = plan ? EngineBuilder.forPlan(file) : EngineBuilder.forModel(file);
            if (config.engineThreads() > 0) builder.threads(config.engineThreads());
            engine = builder.build();
        } catch (RuntimeException e) {
            throw new ModelLoadException(name, file, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        try {
            return new LoadedModel(file, engine, ModelSignature.of(name, file, engine),
                    plan ? "jengine_plan" : "jengine_onnx", System.nanoTime() - start);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }
}
