package io.jengine.onnx;

/**
 * Limits on what a model file may make the importer allocate beyond the bytes it holds. Every tensor stored in a
 * model (raw, typed or external data) is checked against the bytes actually present before it is allocated, so its
 * size is bounded by the files; a sparse tensor is the one value whose dense form may be far larger than its bytes,
 * and it is bounded here.
 */
public final class ImportLimits {
    /** The system property that sets {@link #maxDenseBytes()}. */
    public static final String MAX_DENSE_BYTES = "jengine.import.maxDenseBytes";
    /** 4 GiB by default: above any weight a real model holds as a sparse initializer. */
    static final long DEFAULT_MAX_DENSE_BYTES = 4L << 30;

    private ImportLimits() {}

    /** The most bytes a sparse tensor may take once made dense. */
    public static long maxDenseBytes() {
        String v = System.getProperty(MAX_DENSE_BYTES);
        if (v == null) return DEFAULT_MAX_DENSE_BYTES;
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + MAX_DENSE_BYTES + " must be a byte count, got '" + v + "'");
        }
    }
}
