package io.jengine.calib;

import io.jengine.io.Npy;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Calibration batches from a folder, as {@code --calib DIR} names it: one {@code .npy} file per batch. A model with
 * one input takes every {@code .npy} in the folder; with several, each input {@code NAME} takes the files of the
 * sub-folder {@code NAME/}, or else the folder's {@code NAME_*.npy} files; each input's files are read in name order
 * and the i-th of every input make batch i. A file must fit its input: the same element type and rank, and the
 * input's fixed dimensions, except that a fixed leading (batch) dimension B accepts any multiple of B, the file then
 * making several batches (TensorRT's calibrator feeds the engine's batch size; calibration sets are often stored in
 * larger files). Anything else is an error naming the file, the input, what was expected and what was found.
 *
 * <p>Files are read when a batch is asked for, so a large calibration set is never all in memory.
 */
public final class CalibrationData {
    private final Path dir;
    private final List<ValueInfo> inputs;
    /** Per batch file index: each input's file. */
    private final List<Map<String, Path>> files;
    private final int limit;

    private CalibrationData(Path dir, List<ValueInfo> inputs, List<Map<String, Path>> files, int limit) {
        this.dir = dir;
        this.inputs = inputs;
        this.files = files;
        this.limit = limit;
    }

    /**
     * The batches in {@code dir} for a model whose runtime inputs are {@code inputs}; at most {@code maxBatches} of
     * them (0: all).
     */
    public static CalibrationData open(Path dir, List<ValueInfo> inputs, int maxBatches) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("calibration folder " + dir + " does not exist");
        if (inputs.isEmpty()) throw new IllegalArgumentException("the model has no runtime inputs to calibrate");
        if (maxBatches < 0) throw new IllegalArgumentException("--calib-batches must be at least 1, got " + maxBatches);
        Map<String, List<Path>> byInput = new LinkedHashMap<>();
        for (ValueInfo in : inputs) byInput.put(in.name(), filesOf(dir, in.name(), inputs.size() == 1, inputs));
        int count = -1;
        for (var e : byInput.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("no calibration batches for input '" + e.getKey() + "' in " + dir
                        + (inputs.size() == 1 ? " (expected .npy files)"
                        : " (expected " + e.getKey() + "/*.npy or " + e.getKey() + "_*.npy)"));
            }
            if (count >= 0 && e.getValue().size() != count) {
                throw new IllegalArgumentException("calibration inputs in " + dir + " have different batch counts: "
                        + byInput.entrySet().stream().map(x -> x.getKey() + " " + x.getValue().size()).toList());
            }
            count = e.getValue().size();
        }
        List<Map<String, Path>> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Path> batch = new LinkedHashMap<>();
            for (var e : byInput.entrySet()) batch.put(e.getKey(), e.getValue().get(i));
            files.add(batch);
        }
        return new CalibrationData(dir, List.copyOf(inputs), files, maxBatches);
    }

    /** The folder read. */
    public Path folder() { return dir; }

    /** How many batch files there are (each may make several batches). */
    public int fileCount() { return files.size(); }

    /**
     * Batch file {@code i}'s contents, as one or more feeds (input name to tensor) of the model's batch size; at
     * most {@code room} of them.
     */
    public List<Map<String, Tensor>> read(int i, int room) {
        Map<String, List<Tensor>> split = new LinkedHashMap<>();
        int pieces = -1;
        for (ValueInfo in : inputs) {
            Path file = files.get(i).get(in.name());
            List<Tensor> parts = fit(file, in, read(file));
            if (pieces >= 0 && parts.size() != pieces) {
                throw new IllegalArgumentException("calibration batch " + file + " makes " + parts.size()
                        + " batches of input '" + in.name() + "', but the other inputs' files make " + pieces);
            }
            pieces = parts.size();
            split.put(in.name(), parts);
        }
        List<Map<String, Tensor>> feeds = new ArrayList<>();
        for (int p = 0; p < Math.min(pieces, room); p++) {
            Map<String, Tensor> feed = new LinkedHashMap<>();
            for (var e : split.entrySet()) feed.put(e.getKey(), e.getValue().get(p));
            feeds.add(feed);
        }
        return feeds;
    }

    /** The most batches to calibrate on (0: all). */
    public int limit() { return limit; }

    private static Tensor read(Path file) {
        try {
            return Npy.read(file);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("calibration batch " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code t} checked against {@code in}, split along a fixed batch dimension when it holds a multiple of it. */
    static List<Tensor> fit(Path file, ValueInfo in, Tensor t) {
        if (!(in.type() instanceof ValueType.TensorType type)) return List.of(t);
        String what = "calibration batch " + file + " for input '" + in.name() + "'";
        if (type.elementType() != null && type.elementType() != t.dtype()) {
            throw new IllegalArgumentException(what + ": expected " + type.elementType() + ", got " + t.dtype());
        }
        if (type.shape() == null) return List.of(t);
        long[] want = new long[type.shape().rank()];
        for (int d = 0; d < want.length; d++) want[d] = type.shape().dim(d).isKnown() ? type.shape().dim(d).value() : -1;
        long[] got = t.shape();
        if (want.length != got.length) {
            throw new IllegalArgumentException(what + ": expected rank " + want.length + " " + type
                    + ", got shape " + java.util.Arrays.toString(got));
        }
        for (int d = 1; d < want.length; d++) {
            if (want[d] >= 0 && want[d] != got[d]) {
                throw new IllegalArgumentException(what + ": expected " + type + ", got shape "
                        + java.util.Arrays.toString(got) + " (dimension " + d + ")");
            }
        }
        long b = want.length == 0 ? -1 : want[0];
        if (b < 0 || got.length == 0 || got[0] == b) return List.of(t);
        if (b == 0 || got[0] % b != 0) {
            throw new IllegalArgumentException(what + ": expected " + type + ", got shape "
                    + java.util.Arrays.toString(got) + " (a batch of " + got[0] + " is not a multiple of " + b + ")");
        }
        List<Tensor> parts = new ArrayList<>();
        long[] shape = got.clone();
        shape[0] = b;
        long bytes = t.byteSize() / (got[0] / b);
        for (long p = 0; p < got[0] / b; p++) {
            parts.add(Tensor.fromBytes(t.dtype(), shape, t.data().asSlice(p * bytes, bytes)));
        }
        return parts;
    }

    private static List<Path> filesOf(Path dir, String input, boolean only, List<ValueInfo> all) {
        Path sub = dir.resolve(input);
        if (Files.isDirectory(sub)) return npyFiles(sub, p -> true);
        if (only) {
            List<Path> named = npyFiles(dir, p -> p.getFileName().toString().startsWith(input + "_"));
            return named.isEmpty() ? npyFiles(dir, p -> true) : named;
        }
        // NAME_*.npy, unless a longer input name claims the file (inputs "x" and "x_mask")
        return npyFiles(dir, p -> {
            String f = p.getFileName().toString();
            if (!f.startsWith(input + "_")) return false;
            return all.stream().noneMatch(o -> o.name().length() > input.length() && f.startsWith(o.name() + "_"));
        });
    }

    private static List<Path> npyFiles(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".npy"))
                    .filter(keep).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list calibration folder " + dir, e);
        }
    }
}
