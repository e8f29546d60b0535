package io.jengine.tune;

/**
 * How hard the tuner works, as {@code --tune-level} and {@code --top-k} say.
 *
 * @param level 0: the cost model alone picks, nothing is timed; 1: the model's best is timed against the default
 *              tactic; 2 (the default): the model's top K and the default are timed; 3: every constructed candidate
 *              is timed (to measure how good the model is)
 * @param topK  how many of the model's best are timed at level 2
 * @param exhaustiveEvery at level 3, only every n-th distinct layer is timed beyond its top K, the others at level 2
 *                        (1: every layer)
 * @param exhaustiveSample at level 3, the candidates timed beyond the top K (and the default): that many drawn at
 *                         random from the rest, or every one (0). A layer's candidates run to the hundreds on a GPU
 *                         (ResNet-50's: 472-894 on an H100's terms), each a program to compile: timing all of them
 *                         for a model takes hours, while a random sample of the rest tells whether the model's top K
 *                         missed much better ones (none of 32 drawn beating it puts those at under a tenth of the
 *                         rest, at 95%)
 */
public record TuneOptions(int level, int topK, int exhaustiveEvery, int exhaustiveSample) {
    public static final int DEFAULT_LEVEL = 2, DEFAULT_TOP_K = 8;

    public TuneOptions {
        if (level < 0 || level > 3) throw new IllegalArgumentException("tune level must be 0 to 3, got " + level);
        if (topK < 1) throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        if (exhaustiveEvery < 1) {
            throw new IllegalArgumentException("the exhaustive sample takes every n-th layer, n at least 1; got "
                    + exhaustiveEvery);
        }
        if (exhaustiveSample < 0) {
            throw new IllegalArgumentException("the exhaustive sample takes 0 (every candidate) or more, got "
                    + exhaustiveSample);
        }
    }

    public TuneOptions(int level, int topK) { this(level, topK, 1, 0); }

    public static TuneOptions defaults() { return new TuneOptions(DEFAULT_LEVEL, DEFAULT_TOP_K); }

    /** How many of the model's ranking are timed for a layer with {@code candidates} candidates. */
    int timed(int candidates) {
        return switch (level) {
            case 0 -> 0;
            case 1 -> Math.min(1, candidates);
            case 2 -> Math.min(topK, candidates);
            default -> candidates;
        };
    }
}
