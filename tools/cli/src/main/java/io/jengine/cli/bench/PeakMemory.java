package io.jengine.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory, as Linux keeps it (VmHWM in /proc/self/status). It counts the Java heap,
 * off-heap tensors and ONNX Runtime's native allocations alike, which is why {@code --ort-only} exists: the figure
 * of one engine alone.
 */
public final class PeakMemory {
    private PeakMemory() {}

    /** Peak resident set size in MiB, or -1 where unavailable (not Linux). */
    public static double residentHighWaterMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).strip().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or a format we do not know: the figure is optional.
        }
        return -1;
    }
}
