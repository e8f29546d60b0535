package io.jengine.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory since a mark, from Linux's {@code /proc/self/status} ({@code VmHWM}, reset to
 * the current resident size by writing 5 to {@code /proc/self/clear_refs}): how the memory-bomb tests show that a
 * refused file never made the process resident in more than a bound. {@link #supported()} is false elsewhere.
 */
public final class PeakResidentMemory {
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final long markKib;

    private PeakResidentMemory(long markKib) { this.markKib = markKib; }

    /** Whether this system reports and resets the peak (Linux 4.0 and later). */
    public static boolean supported() {
        return ProcessStatus.available() && Files.isWritable(CLEAR_REFS);
    }

    /** Resets the peak to the resident size now and remembers it. */
    public static PeakResidentMemory mark() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return new PeakResidentMemory(ProcessStatus.kib("VmRSS"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot reset the peak resident size: " + e.getMessage(), e);
        }
    }

    /** Bytes the peak resident size has risen above the resident size at the mark. */
    public long grownBytes() { return Math.max(0, ProcessStatus.kib("VmHWM") - markKib) * 1024; }
}
