package io.jengine.tune.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The measured descriptions, one JSON file per fingerprint in one directory. A file that cannot be read, does not
 * parse, describes another device or holds numbers no compiled code gives ({@link DeviceDescription#implausibility})
 * is treated as absent, so the worst a damaged cache costs is one measurement.
 */
final class DeviceCache {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;

    DeviceCache(Path dir) { this.dir = dir; }

    /** {@code $XDG_CACHE_HOME/jengine/device}, or {@code ~/.cache/jengine/device} where that is unset. */
    static DeviceCache standard() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new DeviceCache(base.resolve("jengine").resolve("device"));
    }

    Path file(String fingerprint) { return dir.resolve(fingerprint + ".json"); }

    /** The description cached for {@code fingerprint}, if a sound one is. */
    Optional<DeviceDescription> load(String fingerprint) {
        Path f = file(fingerprint);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            DeviceDescription d = JSON.readValue(f.toFile(), DeviceDescription.class);
            // A hand-edited or renamed file must not pass for this device, nor numbers no compiled code gives.
            boolean sound = d.fingerprint().equals(fingerprint) && Fingerprint.of(d.identity()).equals(fingerprint)
                    && d.implausibility().isEmpty();
            return sound ? Optional.of(d) : Optional.empty();
        } catch (IOException | RuntimeException damaged) {
            return Optional.empty();
        }
    }

    /**
     * Writes {@code d} under its fingerprint. Through a temporary file and a rename, so that a process reading at the
     * same time sees the old file or the new one, never half of one.
     */
    void store(DeviceDescription d) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, d.fingerprint(), ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), d);
            Files.move(tmp, file(d.fingerprint()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
