package io.jengine.cli.bench;

import io.jengine.ir.Model;
import io.jengine.opt.GraphOptimizer;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import io.jengine.runtime.Engine;

/**
 * How a benchmark builds the engine it measures: the one place to change when engine construction changes, so that
 * {@code engine bench} and the JMH benchmarks always measure what {@code engine run} runs (optimize at the given level,
 * then plan with every backend on the class path).
 */
public final class BenchTarget {
    private BenchTarget() {}

    /**
     * Optimizes {@code imported} with {@code options} and plans it. {@code threads} is the intra-op thread count the
     * benchmark was asked for; the engine has no such option yet and runs on its default (every core, through the
     * shared IntraOpPool), so today only ONNX Runtime receives it.
     */
    public static Engine engine(Model imported, OptimizerOptions options, int threads) {
        Model optimized = GraphOptimizer.optimize(imported, options, new OptimizationReport());
        // Once EngineBuilder has a thread-count option, pass `threads` here: EngineBuilder.of(optimized).threads(threads).build().
        return Engine.of(optimized);
    }

    /** Whether {@link #engine} honours its thread count; reports say so when it does not. */
    public static boolean honoursThreads() { return false; }
}
