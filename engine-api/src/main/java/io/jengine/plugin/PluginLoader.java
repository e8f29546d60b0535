package io.jengine.plugin;

import io.jengine.spi.BackendModule;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.zip.ZipException;

/**
 * Loads plugin jars, each in a class loader of its own whose parent is the engine's (so a plugin sees the engine's API
 * and its own classes, and two plugins never see each other's). A jar is checked before any class of it loads: it must
 * be a jar whose manifest names the plugin and the SPI version it was built for ({@link PluginManifest}), and list at
 * least one {@link BackendModule} in {@code META-INF/services}. A jar is loaded once per process: asking again for
 * the same unchanged file gives the same {@link Plugin}, so that every engine and served model using it shares its
 * classes.
 */
public final class PluginLoader {
    private static final Map<String, Plugin> LOADED = new ConcurrentHashMap<>();

    private PluginLoader() {}

    /** The plugin in {@code jar}; an error naming the file when it is missing, not a plugin or cannot load. */
    public static Plugin load(Path jar) {
        Path real;
        BasicFileAttributes attrs;
        try {
            real = jar.toRealPath();
            attrs = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new PluginException("plugin " + jar + ": no such file");
        }
        if (!attrs.isRegularFile()) throw new PluginException("plugin " + jar + " is not a file");
        // The same path with other contents (a rebuilt jar) is another plugin: a new class loader.
        String key = real + "|" + attrs.size() + "|" + attrs.lastModifiedTime().toMillis();
        Plugin cached = LOADED.get(key);
        if (cached != null) return cached;
        synchronized (LOADED) {
            cached = LOADED.get(key);
            if (cached != null) return cached;
            Plugin p = open(jar, real);
            LOADED.put(key, p);
            return p;
        }
    }

    /**
     * The plugins of {@code jars} and of every {@code *.jar} directly in each of {@code dirs} (in name order), each
     * once; two different jars declaring the same plugin name are an error naming both.
     */
    public static List<Plugin> loadAll(List<Path> jars, List<Path> dirs) {
        List<Path> files = new ArrayList<>(jars);
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) throw new PluginException("plugin path " + dir + " is not a directory");
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
                s.forEach(found::add);
            } catch (IOException e) {
                throw new PluginException("plugin path " + dir + " cannot be listed: " + e.getMessage(), e);
            }
            found.sort(null);
            files.addAll(found);
        }
        Map<String, Plugin> byName = new LinkedHashMap<>();
        for (Path f : files) {
            Plugin p = load(f);
            Plugin other = byName.putIfAbsent(p.name(), p);
            if (other != null && other != p) {
                throw new PluginException("plugin name '" + p.name() + "' is declared by two jars: " + other.jar()
                        + " (" + other.version() + ") and " + p.jar() + " (" + p.version() + "); load one of them");
            }
        }
        return List.copyOf(byName.values());
    }

    private static Plugin open(Path asGiven, Path real) {
        PluginManifest manifest;
        try (JarFile jf = new JarFile(real.toFile())) {
            manifest = PluginManifest.of(jf.getManifest(), asGiven.toString());
        } catch (ZipException e) {
            throw new PluginException("plugin " + asGiven + " is not a jar (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginException("plugin " + asGiven + " cannot be read: " + e.getMessage(), e);
        }
        URL url;
        try {
            url = real.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("plugin " + asGiven + ": " + e.getMessage(), e);
        }
        URLClassLoader loader = new URLClassLoader("jengine-plugin-" + manifest.name(), new URL[] {url},
                PluginLoader.class.getClassLoader());
        List<BackendModule> modules = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<BackendModule> p : ServiceLoader.load(BackendModule.class, loader).stream().toList()) {
                // The parent's providers (the engine's own backends) are listed too: keep the jar's.
                if (p.type().getClassLoader() == loader) modules.add(p.get());
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            closeQuietly(loader);
            throw new PluginException("plugin " + asGiven + " (" + manifest.name() + " " + manifest.version()
                    + ") failed to load its modules: " + e.getMessage(), e);
        }
        if (modules.isEmpty()) {
            closeQuietly(loader);
            throw new PluginException("plugin " + asGiven + " (" + manifest.name() + " " + manifest.version()
                    + ") declares no backend module: list its " + BackendModule.class.getSimpleName()
                    + " classes in META-INF/services/" + BackendModule.class.getName());
        }
        return new Plugin(manifest, real, loader, modules);
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing of it is in use
        }
    }
}
