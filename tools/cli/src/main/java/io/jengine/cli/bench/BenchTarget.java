package io.jengine.cli.bench;

import io.jengine.build.EngineBuilder;
import io.jengine.runtime.Engine;

/**
 * How a benchmark builds the engine it measures: through the {@link EngineBuilder}, as {@code engine run} and every
 * user does, so that {@code engine bench} and the JMH benchmarks measure what users run.
 */
public final class BenchTarget {
    private BenchTarget() {}

    /** Optimizes and plans the builder's model with its options (thread count included). */
    public static Engine engine(EngineBuilder builder) { return builder.build(); }
}
