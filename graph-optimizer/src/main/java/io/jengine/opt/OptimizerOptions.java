package io.jengine.opt;

import java.util.Set;

/**
 * What to run: passes up to {@code level} (0 none, 1 generic clean-up, 2 fusion, 3 layout/backend-specific), minus
 * the passes named in {@code disabled}; {@code verify} checks the graph's consistency after every pass (tests, debugging).
 */
public record OptimizerOptions(int level, Set<String> disabled, boolean verify) {
    public static final int DEFAULT_LEVEL = 2;

    public OptimizerOptions {
        if (level < 0 || level > 3) throw new IllegalArgumentException("optimization level must be 0 to 3, got " + level);
        disabled = Set.copyOf(disabled);
    }

    public static OptimizerOptions level(int level) { return new OptimizerOptions(level, Set.of(), false); }

    public OptimizerOptions verifying() { return new OptimizerOptions(level, disabled, true); }
}
