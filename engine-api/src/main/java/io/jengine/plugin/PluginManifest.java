package io.jengine.plugin;

import io.jengine.spi.SpiVersion;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * What a plugin jar says of itself in {@code META-INF/MANIFEST.MF}, read before any of its classes is loaded:
 * {@code Jengine-Plugin} (its name: letters, digits, '.', '_' and '-'), {@code Jengine-Plugin-Version} and
 * {@code Jengine-Spi-Version} (the {@link SpiVersion} it was compiled against).
 */
public record PluginManifest(String name, String version, int spiVersion) {
    public static final String NAME = "Jengine-Plugin";
    public static final String VERSION = "Jengine-Plugin-Version";
    public static final String SPI_VERSION = "Jengine-Spi-Version";

    private static final Pattern NAME_SYNTAX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Reads and checks the attributes; {@code jar} only names the file in messages. */
    static PluginManifest of(Manifest manifest, String jar) {
        Attributes a = manifest == null ? null : manifest.getMainAttributes();
        String name = a == null ? null : a.getValue(NAME);
        if (name == null) {
            throw new PluginException("plugin " + jar + " is not a jengine plugin: its manifest has no " + NAME
                    + " attribute (plugins/README.md shows the manifest a plugin needs)");
        }
        name = name.strip();
        if (!NAME_SYNTAX.matcher(name).matches()) {
            throw new PluginException("plugin " + jar + ": " + NAME + " '" + name + "' is not a valid name (letters,"
                    + " digits, '.', '_' and '-', at most 64)");
        }
        String version = a.getValue(VERSION);
        if (version == null || version.isBlank()) {
            throw new PluginException("plugin " + jar + " (" + name + "): its manifest has no " + VERSION);
        }
        String spi = a.getValue(SPI_VERSION);
        int spiVersion;
        try {
            spiVersion = Integer.parseInt(spi == null ? "" : spi.strip());
        } catch (NumberFormatException e) {
            throw new PluginException("plugin " + jar + " (" + name + "): " + SPI_VERSION + " must be a number, got "
                    + (spi == null ? "nothing" : "'" + spi + "'"));
        }
        if (spiVersion != SpiVersion.CURRENT) {
            throw new PluginException("plugin " + jar + " (" + name + " " + version.strip() + ") was built for SPI"
                    + " version " + spiVersion + ", this engine implements SPI version " + SpiVersion.CURRENT
                    + ": rebuild the plugin against this engine");
        }
        return new PluginManifest(name, version.strip(), spiVersion);
    }
}
