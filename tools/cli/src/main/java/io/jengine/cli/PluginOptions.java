package io.jengine.cli;

import io.jengine.plugin.Plugin;
import io.jengine.plugin.PluginLoader;
import io.jengine.runtime.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --plugin} and {@code --plugin-path}: plugin jars whose ops and backends join the engine (every command). */
final class PluginOptions {
    @Option(names = "--plugin", paramLabel = "PATH.jar",
            description = "Load a plugin jar: its ops and backends join the engine (repeatable).")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--plugin-path", paramLabel = "DIR", description = "Load every *.jar in DIR as a plugin (repeatable).")
    List<Path> dirs = new ArrayList<>();

    private List<Plugin> loaded;

    /** The plugins named, loaded once; an error naming the jar when one cannot be. */
    List<Plugin> load() {
        if (loaded == null) loaded = PluginLoader.loadAll(jars, dirs);
        return loaded;
    }

    /** The class path's backends with the plugins'. */
    Backends backends() { return Backends.discover().withPlugins(load()); }

    boolean any() { return !jars.isEmpty() || !dirs.isEmpty(); }
}
