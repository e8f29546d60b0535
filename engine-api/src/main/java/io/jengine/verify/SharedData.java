package io.jengine.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the data that tests and benchmarks read from outside the repository: the shared folder (conformance suites,
 * model zoo archives) and the unpacked zoo. A user's fresh clone has neither, and tests skip; under {@code CI=true}
 * their absence is an error, so a wrong path can never turn into a silently green run.
 */
public final class SharedData {
    private SharedData() {}

    /** Whether this is a CI run (environment variable CI is "true"). */
    public static boolean isCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    /** $ENGINE_SHARED, else a folder named {@code shared} beside the repository (searched from the working directory up). */
    public static Optional<Path> root() {
        String env = System.getenv("ENGINE_SHARED");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isDirectory(p.resolve("onnx-conformance")) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("onnx-conformance"))) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** The unpacked model zoo: $ENGINE_ZOO when it holds models. */
    public static Optional<Path> zoo() {
        String env = System.getenv("ENGINE_ZOO");
        if (env == null || env.isBlank()) return Optional.empty();
        Path p = Path.of(env);
        return Files.isRegularFile(p.resolve("digits_cnn.onnx")) ? Optional.of(p) : Optional.empty();
    }

    /** The message tests use when data is missing: where it was looked for and how to provide it. */
    public static String missingMessage(String what) {
        return what + " not found: set ENGINE_SHARED to the shared data folder and ENGINE_ZOO to a folder where "
                + "shared/models/unpack.sh unpacked the zoo (./run-tests does both when ../shared exists)";
    }
}
