package io.jengine.spi;

/**
 * The version of this service-provider interface. A plugin jar states the version it was compiled against in its
 * manifest ({@code Jengine-Spi-Version}); the engine refuses one built for another version before loading any of its
 * classes, since a class compiled against a changed interface fails only later, at its first call, with a linkage
 * error far from its cause. Raised whenever {@link Backend}, {@link Tactic}, {@link Kernel}, {@link KernelContext},
 * {@link NodeContext} or {@link OpDefinition} change incompatibly.
 */
public final class SpiVersion {
    /** The version this engine implements. */
    public static final int CURRENT = 1;

    private SpiVersion() {}
}
