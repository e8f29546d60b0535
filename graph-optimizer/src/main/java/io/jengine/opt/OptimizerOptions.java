package io.jengine.opt;

import io.jengine.infer.InferenceRegistry;
import io.jengine.runtime.Backends;
import io.jengine.spi.IntegerConvolution;
import java.util.Set;

/**
 * What to run: passes up to {@code level} (0 none, 1 generic clean-up, 2 fusion, 3 layout/backend-specific), minus
 * the passes named in {@code disabled}; {@code verify} checks the graph's consistency after every pass (tests, debugging).
 * {@code channelBlock} is the channel block of the blocked activation layout level 3 moves convolutions to (the
 * backends' choice: 8 or 16), 0 where no backend runs blocked convolutions; {@code channelsLast}, whether they also
 * run channels-last and when level 3 picks that layout ({@link ChannelsLast}); {@code integerConvolution},
 * the integer convolutions a backend computes exactly, into which level 2 fuses a quantized graph's convolutions
 * (null: none, quantized graphs run in float); {@code backends}, those the graph will run on, whose kernels fold
 * constants and whose plugins' ops have inference rules (null: the class path's).
 */
public record OptimizerOptions(int level, Set<String> disabled, boolean verify, int channelBlock, ChannelsLast channelsLast,
                               IntegerConvolution integerConvolution, Backends backends) {
    public static final int DEFAULT_LEVEL = 3;

    public OptimizerOptions {
        if (level < 0 || level > 3) throw new IllegalArgumentException("optimization level must be 0 to 3, got " + level);
        if (channelBlock < 0 || channelBlock == 1) {
            throw new IllegalArgumentException("channel block must be 0 (none) or at least 2, got " + channelBlock);
        }
        disabled = Set.copyOf(disabled);
        java.util.Objects.requireNonNull(channelsLast, "channelsLast");
    }

    public OptimizerOptions(int level, Set<String> disabled, boolean verify, int channelBlock, boolean channelsLast) {
        this(level, disabled, verify, channelBlock, ChannelsLast.allowed(channelsLast), null, null);
    }

    public OptimizerOptions(int level, Set<String> disabled, boolean verify) { this(level, disabled, verify, 0, false); }

    public static OptimizerOptions level(int level) { return new OptimizerOptions(level, Set.of(), false); }

    public OptimizerOptions verifying() {
        return new OptimizerOptions(level, disabled, true, channelBlock, channelsLast, integerConvolution, backends);
    }

    /** The same passes up to level {@code max} at most. */
    public OptimizerOptions atMost(int max) {
        return new OptimizerOptions(Math.min(level, max), disabled, verify, channelBlock, channelsLast,
                integerConvolution, backends);
    }

    public OptimizerOptions withChannelBlock(int block, boolean channelsLastToo) {
        return new OptimizerOptions(level, disabled, verify, block, ChannelsLast.allowed(channelsLastToo),
                integerConvolution, backends);
    }

    public OptimizerOptions withIntegerConvolution(IntegerConvolution target) {
        return new OptimizerOptions(level, disabled, verify, channelBlock, channelsLast, target, backends);
    }

    /** Folding with these backends' kernels, inference with their plugins' rules. */
    public OptimizerOptions withBackends(Backends b) {
        return new OptimizerOptions(level, disabled, verify, channelBlock, channelsLast, integerConvolution, b);
    }

    /** The inference rules passes see: the backends' (with their plugins' ops), else the standard ones. */
    public InferenceRegistry inference() { return backends == null ? InferenceRegistry.onnx() : backends.inference(); }
}
