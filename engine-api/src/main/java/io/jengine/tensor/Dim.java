package io.jengine.tensor;

/**
 * One dimension of a static shape: a known size, a named symbolic size ({@code "batch"}), or unknown.
 */
public record Dim(long value, String symbol) {
    private static final Dim UNKNOWN = new Dim(-1, null);

    public static Dim of(long value) {
        if (value < 0) throw new IllegalArgumentException("negative dimension " + value);
        return new Dim(value, null);
    }

    public static Dim symbol(String name) { return new Dim(-1, name); }

    public static Dim unknown() { return UNKNOWN; }

    public boolean isKnown() { return value >= 0; }

    public boolean isSymbolic() { return symbol != null; }

    @Override
    public String toString() { return isKnown() ? Long.toString(value) : symbol != null ? symbol : "?"; }
}
