package io.jengine.runtime;

/**
 * The engine's version, as plan files and timing caches record it: what was measured or packed by one version is not
 * trusted by another, since kernels and their packed layouts change between versions.
 */
public final class EngineVersion {
    /** Kept equal to the Maven project version. */
    public static final String VERSION = "0.1.0";

    private EngineVersion() {}
}
