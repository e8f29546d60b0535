package io.jengine.tune.cache;

import java.util.Map;

/** What a timing cache file holds when it is read: nothing yet, entries, or content that cannot serve as a cache. */
sealed interface CacheContents {
    /** The file does not exist: a first build, nothing to warn about. */
    record Missing() implements CacheContents {}

    /**
     * A well-formed cache of any device and engine version.
     *
     * @param entries every valid entry, whichever device and engine version measured it
     * @param skipped how many entries were dropped for missing fields or values no measurement can have
     * @param firstSkipReason why the first of those was dropped, {@code null} when none was
     */
    record Entries(Map<TimingKey, Timing> entries, int skipped, String firstSkipReason) implements CacheContents {
        public Entries {
            entries = Map.copyOf(entries);
        }
    }

    /**
     * Content that is not a cache this engine can read: not JSON, truncated, someone else's JSON, or a newer format.
     *
     * @param reason one line saying why, worded to follow the file name
     */
    record Unusable(String reason) implements CacheContents {}
}
