package io.jengine.serving.http;

import io.jengine.serving.InferenceServer;
import io.jengine.serving.InvalidRequestException;
import io.jengine.serving.ModelConfig;
import io.jengine.serving.ModelLoadException;
import io.jengine.serving.ModelNotFoundException;
import io.jengine.serving.ServingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A folder of models laid out as Triton's model repository, served through an {@link InferenceServer}:
 *
 * <pre>
 * DIR/NAME/config.pbtxt          optional: Triton's model configuration ({@link TritonConfigFile}), or
 * DIR/NAME/config.json           ours ({@link ModelConfigFile})
 * DIR/NAME/VERSION/model.plan    a plan (preferred: built and tuned ahead), or
 * DIR/NAME/VERSION/model.onnx    an ONNX model; VERSION is a number from 1, every version is served
 * </pre>
 *
 * A version that fails to load is logged and left out, and the rest serve; {@link #index} shows why it is
 * unavailable. A name is checked before it touches the file system: only a valid model name
 * ({@link InferenceServer#isValidModelName}) that resolves to a folder directly inside DIR is ever read. Loads and
 * unloads are serialized (rare, and each reads the folder as a whole).
 */
public final class ModelRepository {
    private static final System.Logger LOG = System.getLogger(ModelRepository.class.getName());
    private static final List<String> MODEL_FILES = List.of("model.plan", "model.onnx");

    private final Path dir;
    private final InferenceServer server;
    private final ModelConfig defaults;
    /** Why each model folder is not (fully) served, by name: its last load's errors, or "unloaded". */
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();

    /** One model version's state, as Triton's repository index lists it. */
    public record Entry(String name, String version, String state, String reason) {}

    /** @param defaults the config of a model folder without config.json, and the base of one with it */
    public ModelRepository(Path dir, InferenceServer server, ModelConfig defaults) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model repository " + dir + " is not a folder");
        this.dir = dir.toAbsolutePath().normalize();
        this.server = server;
        this.defaults = defaults;
    }

    /** Loads every model folder; one that fails is logged and skipped. Answers how many versions serve. */
    public synchronized int loadAll() {
        for (String name : folderNames()) {
            try {
                load(name);
            } catch (ServingException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "skipped: " + e.getMessage());
            }
        }
        return server.models().size();
    }

    /**
     * Loads (or loads again) every version in the model's folder, and unloads the loaded versions whose folder is
     * gone. Throws {@link ModelLoadException} naming every version that failed (the others serve), or
     * {@link ModelNotFoundException} when DIR has no such folder.
     */
    public synchronized void load(String name) {
        Path folder = folder(name);
        Map<Integer, Path> files;
        try {
            files = versions(name, folder);
        } catch (ModelLoadException e) {
            throw failed(name, e);
        }
        ModelConfig config;
        Path json = folder.resolve(ModelConfigFile.NAME), pbtxt = folder.resolve(TritonConfigFile.NAME);
        Path configFile = Files.isRegularFile(pbtxt) ? pbtxt : json;
        try {
            if (Files.isRegularFile(pbtxt) && Files.isRegularFile(json)) {
                throw new IllegalArgumentException("the folder holds both " + TritonConfigFile.NAME + " and "
                        + ModelConfigFile.NAME + ": keep one");
            }
            config = configFile == pbtxt ? TritonConfigFile.read(pbtxt, defaults) : ModelConfigFile.read(json, defaults);
        } catch (IOException | IllegalArgumentException e) {
            throw failed(name, new ModelLoadException(name, configFile, e.getMessage(), e));
        }
        Set<Integer> loaded = Set.copyOf(server.versions(name));
        for (int v : loaded) if (!files.containsKey(v)) server.unload(name, v);
        List<ModelLoadException> errors = new ArrayList<>();
        files.forEach((v, file) -> {
            try {
                if (loaded.contains(v)) server.reload(name, v, file, config);
                else server.load(name, v, file, config);
            } catch (ModelLoadException e) {
                errors.add(e);
            }
        });
        if (errors.isEmpty()) {
            unavailable.remove(name);
            return;
        }
        if (errors.size() == 1) throw failed(name, errors.getFirst());
        throw failed(name, new ModelLoadException(name, folder, errors.size() + " versions failed: "
                + String.join("; ", errors.stream().map(ModelLoadException::getMessage).toList())));
    }

    /** Takes every version of the model out of service (each answers what it accepted first). */
    public synchronized void unload(String name) {
        check(name);
        server.unload(name);
        unavailable.put(name, "unloaded");
    }

    /** Every model folder, with a READY entry per version served, else one UNAVAILABLE entry saying why. */
    public List<Entry> index() {
        List<Entry> entries = new ArrayList<>();
        for (String name : folderNames()) {
            List<Integer> versions = server.versions(name);
            for (int v : versions) entries.add(new Entry(name, Integer.toString(v), "READY", ""));
            String reason = unavailable.get(name);
            if (versions.isEmpty() || reason != null) {
                entries.add(new Entry(name, "", "UNAVAILABLE", reason == null ? "unloaded" : reason));
            }
        }
        return entries;
    }

    private ModelLoadException failed(String name, ModelLoadException e) {
        unavailable.put(name, e.getMessage());
        return e;
    }

    /** The model's folder, directly inside DIR. */
    private Path folder(String name) {
        check(name);
        Path folder = dir.resolve(name).normalize();
        // The name check already rules out separators and "..": this states the guarantee where it matters.
        if (!dir.equals(folder.getParent())) throw new InvalidRequestException("model name '" + name + "' is a path");
        if (!Files.isDirectory(folder)) {
            throw new ModelNotFoundException("the model repository has no folder '" + name + "'; it has "
                    + folderNames());
        }
        return folder;
    }

    /** Each numeric version folder holding a model file, by version. */
    private static Map<Integer, Path> versions(String name, Path folder) {
        Map<Integer, Path> versions = new TreeMap<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.toList()) {
                String v = child.getFileName().toString();
                if (!Files.isDirectory(child) || !v.matches("[1-9][0-9]{0,8}")) continue;
                MODEL_FILES.stream().map(child::resolve).filter(Files::isRegularFile).findFirst()
                        .ifPresent(file -> versions.put(Integer.parseInt(v), file));
            }
        } catch (IOException e) {
            throw new ModelLoadException(name, folder, "cannot list the folder: " + e.getMessage(), e);
        }
        if (versions.isEmpty()) {
            throw new ModelLoadException(name, folder, "no version folder (1, 2, ...) holds " + MODEL_FILES.get(0)
                    + " or " + MODEL_FILES.get(1));
        }
        return versions;
    }

    private List<String> folderNames() {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(InferenceServer::isValidModelName).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the model repository " + dir, e);
        }
    }

    /** A 400 for a name that cannot be a model's, before it reaches a lookup or the file system. */
    static void check(String name) {
        if (!InferenceServer.isValidModelName(name)) {
            throw new InvalidRequestException("model name '" + name + "' must be letters, digits, '_', '.' or '-', "
                    + "starting with a letter or digit");
        }
    }
}
