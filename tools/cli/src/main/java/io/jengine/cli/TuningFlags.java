package io.jengine.cli;

import io.jengine.build.EngineBuilder;
import io.jengine.tune.TuneOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The tuner's options, shared by the commands that build an engine to run it. */
final class TuningFlags {
    @Option(names = "--tune-level", paramLabel = "N",
            description = "Tune each layer's tactic first: 0 cost model only, 1 its best timed against the default,"
                    + " 2 its top K timed, 3 every candidate timed (default: no tuning).")
    Integer level;

    @Option(names = "--top-k", paramLabel = "K", description = "Candidates timed per layer at tune level 2 (default 8).")
    int topK = TuneOptions.DEFAULT_TOP_K;

    @Option(names = "--exhaustive-every", paramLabel = "N",
            description = "At tune level 3: time beyond the top K every N-th distinct layer only, the rest at level 2"
                    + " (default 1, every layer).")
    int exhaustiveEvery = 1;

    @Option(names = "--exhaustive-sample", paramLabel = "S",
            description = "At tune level 3: time the top K and S other candidates drawn at random, instead of every"
                    + " candidate (default 0: every one); how the top K compares with the rest, where timing all"
                    + " takes too long.")
    int exhaustiveSample;

    @Option(names = "--timing-cache", paramLabel = "FILE",
            description = "Read layer timings from FILE and add the new ones to it (created if missing).")
    Path timingCache;

    @Option(names = "--retune", description = "For a plan: tune its layers again on this machine (at level 2 unless --tune-level).")
    boolean retune;

    /** Whether tuning was asked for (a level, a timing cache to use, or a plan to re-tune). */
    boolean tuning() { return level != null || timingCache != null || retune; }

    /** The tuning asked for: {@code --tune-level}, else {@code defaultLevel}, and {@code --top-k}. */
    TuneOptions options(int defaultLevel) {
        return new TuneOptions(level == null ? defaultLevel : level, topK, exhaustiveEvery, exhaustiveSample);
    }

    /** {@code builder} with tuning set up, when asked for; at {@code defaultLevel} when only a cache was given. */
    EngineBuilder apply(EngineBuilder builder, int defaultLevel) {
        if (!tuning()) return builder;
        return builder.tune(options(defaultLevel)).timingCache(timingCache);
    }
}
