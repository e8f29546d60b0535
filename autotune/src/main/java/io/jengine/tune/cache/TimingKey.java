package io.jengine.tune.cache;

import java.util.Comparator;
import java.util.Objects;

/**
 * What a timing is stored under: the device fingerprint and engine version it was measured with, the layer's op
 * signature and the tactic. Ordered field by field in that order, which is the order of the entries in the file.
 */
record TimingKey(String device, String engine, String signature, String tactic) implements Comparable<TimingKey> {
    private static final Comparator<TimingKey> ORDER = Comparator.comparing(TimingKey::device)
            .thenComparing(TimingKey::engine)
            .thenComparing(TimingKey::signature)
            .thenComparing(TimingKey::tactic);

    TimingKey {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(tactic, "tactic");
    }

    /** Whether this key was measured on the given device with the given engine version. */
    boolean belongsTo(String device, String engine) { return this.device.equals(device) && this.engine.equals(engine); }

    @Override
    public int compareTo(TimingKey other) { return ORDER.compare(this, other); }
}
