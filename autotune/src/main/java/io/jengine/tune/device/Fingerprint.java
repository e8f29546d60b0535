package io.jengine.tune.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of a device (everything that changes how fast a tactic runs) and its short hash, which names the cached
 * description and keys the timing caches. Nothing measured goes in: measurements vary run to run, the key must not.
 */
final class Fingerprint {
    private Fingerprint() {}

    /**
     * One readable line. Libraries count as a set (sorted, each once): which are loaded matters, not the order or
     * how often a caller happened to list them, one backend after another.
     */
    static String identity(CpuIdentity cpu, int cores, int floatLanes, List<String> libraries, int javaFeature) {
        List<String> libs = libraries.stream().distinct().sorted().toList();
        return cpu.model()
                + "; simd: " + (cpu.simdFlags().isEmpty() ? "none" : String.join(" ", cpu.simdFlags()))
                + "; " + cores + " cores"
                + "; " + floatLanes + " float lanes"
                + "; libraries: " + (libs.isEmpty() ? "none" : String.join(", ", libs))
                + "; java " + javaFeature;
    }

    /** The first 16 hex digits of the identity's SHA-256. */
    static String of(String identity) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
