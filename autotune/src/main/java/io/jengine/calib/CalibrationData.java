package io.jengine.calib;

import io.jengine.io.Npy;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>A model with one input may instead be calibrated on images (PNG or JPEG: {@code .png}, {@code .jpg},
 * {@code .jpeg} in any case), in the folder or its {@code NAME/} sub-folder, made tensors by an
 * {@link ImagePreprocessing} ({@code --preprocess}, which images need). Each image is one example; taken in name order,
 * they are grouped into batches of the input's fixed leading dimension B (B images per batch, the images left over
 * after the last whole batch are not used; fewer than B images is an error), or one image per batch where that
 * dimension is open. A preprocessed image must fit the input as a file must (element type, rank, fixed dimensions
 * after the first). A folder that mixes {@code .npy} files and images is an error.
 *
 * <p>Files are read when a batch is asked for, so a large calibration set is never all in memory.
 */
public final class CalibrationData {
    private final Path dir;
    private final List<ValueInfo> inputs;
    /** Per batch file index: each input's file. */
    private final List<Map<String, Path>> files;
    private final int limit;
    /** With images: how they become tensors, each batch's images, and how many images no batch takes. */
    private final ImagePreprocessing preprocess;
    private final List<List<Path>> imageBatches;
    private final int imagesLeftOver;

    private CalibrationData(Path dir, List<ValueInfo> inputs, List<Map<String, Path>> files, int limit,
                            ImagePreprocessing preprocess, List<List<Path>> imageBatches, int imagesLeftOver) {
        this.dir = dir;
        this.inputs = inputs;
        this.files = files;
        this.limit = limit;
        this.preprocess = preprocess;
        this.imageBatches = imageBatches;
        this.imagesLeftOver = imagesLeftOver;
    }

    /**
     * The batches in {@code dir} for a model whose runtime inputs are {@code inputs}; at most {@code maxBatches} of
     * them (0: all).
     */
    public static CalibrationData open(Path dir, List<ValueInfo> inputs, int maxBatches) {
        return open(dir, inputs, maxBatches, null);
    }

    /**
     * The batches in {@code dir} for a model whose runtime inputs are {@code inputs}; at most {@code maxBatches} of
     * them (0: all). Images in the folder are read through {@code preprocess}, which they need; {@code .npy} batches
     * take none.
     */
    public static CalibrationData open(Path dir, List<ValueInfo> inputs, int maxBatches, ImagePreprocessing preprocess) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("calibration folder " + dir + " does not exist");
        if (inputs.isEmpty()) throw new IllegalArgumentException("the model has no runtime inputs to calibrate");
        if (maxBatches < 0) throw new IllegalArgumentException("--calib-batches must be at least 1, got " + maxBatches);
        if (inputs.size() == 1) {
            ValueInfo in = inputs.getFirst();
            Path where = Files.isDirectory(dir.resolve(in.name())) ? dir.resolve(in.name()) : dir;
            List<Path> images = list(where, ImagePreprocessing::isImage);
            List<Path> npy = npyFiles(where, p -> true);
            if (!images.isEmpty() && !npy.isEmpty()) {
                throw new IllegalArgumentException("calibration folder " + where + " mixes .npy batches (" + npy.size()
                        + ") and images (" + images.size() + "): keep one kind");
            }
            if (!images.isEmpty()) return openImages(where, in, images, maxBatches, preprocess);
        } else if (preprocess != null) {
            throw new IllegalArgumentException("--preprocess calibrates a model with one input on images; this one has "
                    + inputs.size() + " (" + String.join(", ", inputs.stream().map(ValueInfo::name).toList())
                    + "): give .npy batches");
        }
        if (preprocess != null) {
            throw new IllegalArgumentException("--preprocess applies to a folder of images (.png, .jpg, .jpeg); " + dir
                    + " holds none");
        }
        Map<String, List<Path>> byInput = new LinkedHashMap<>();
        for (ValueInfo in : inputs) byInput.put(in.name(), filesOf(dir, in.name(), inputs.size() == 1, inputs));
        int count = -1;
        for (var e : byInput.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("no calibration batches for input '" + e.getKey() + "' in " + dir
                        + (inputs.size() == 1 ? " (expected .npy files, or images with --preprocess)"
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
        return new CalibrationData(dir, List.copyOf(inputs), files, maxBatches, null, null, 0);
    }

    private static CalibrationData openImages(Path dir, ValueInfo in, List<Path> images, int maxBatches,
                                              ImagePreprocessing preprocess) {
        if (preprocess == null) {
            throw new IllegalArgumentException("calibration folder " + dir + " holds images (" + images.size()
                    + "); images need --preprocess SPEC to become input '" + in.name() + "', e.g. --preprocess"
                    + " \"resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=NCHW;channels=RGB\"; keys: "
                    + ImagePreprocessing.KEYS);
        }
        int b = 1;
        if (in.type() instanceof ValueType.TensorType type && type.shape() != null && type.shape().rank() > 0
                && type.shape().dim(0).isKnown() && type.shape().dim(0).value() > 0) {
            b = Math.toIntExact(type.shape().dim(0).value());
        }
        if (images.size() < b) {
            throw new IllegalArgumentException("calibration folder " + dir + " holds " + images.size()
                    + (images.size() == 1 ? " image" : " images") + ", fewer than input '" + in.name()
                    + "' takes in one batch (" + b + ")");
        }
        List<List<Path>> batches = new ArrayList<>();
        for (int i = 0; i + b <= images.size(); i += b) batches.add(List.copyOf(images.subList(i, i + b)));
        return new CalibrationData(dir, List.of(in), List.of(), maxBatches, preprocess, List.copyOf(batches),
                images.size() % b);
    }

    /** The folder read. */
    public Path folder() { return dir; }

    /** How many batch files there are (each may make several batches); with images, how many batches. */
    public int fileCount() { return imageBatches != null ? imageBatches.size() : files.size(); }

    /** Whether the batches are made of images. */
    public boolean images() { return imageBatches != null; }

    /**
     * What the folder holds, for a progress line: {@code N .npy files in DIR}, or with images how many, how they
     * are preprocessed and batched and how many are left over.
     */
    public String describe() {
        if (imageBatches == null) {
            return files.size() + " .npy " + (files.size() == 1 ? "file" : "files")
                    + (inputs.size() == 1 ? "" : " per input") + " in " + dir;
        }
        int b = imageBatches.getFirst().size(), count = imageBatches.size() * b + imagesLeftOver;
        return count + (count == 1 ? " image" : " images") + " in " + dir + " (" + preprocess.spec() + "), "
                + imageBatches.size() + (imageBatches.size() == 1 ? " batch" : " batches") + " of " + b
                + (imagesLeftOver == 0 ? "" : ", " + imagesLeftOver + " left over");
    }

    /** Progress after the first {@code done} of {@link #fileCount()}: {@code 3 of 8 files} or {@code 6 of 17 images}. */
    public String progress(int done) {
        if (imageBatches == null) return done + " of " + files.size() + " files";
        int b = imageBatches.getFirst().size();
        return done * b + " of " + (imageBatches.size() * b + imagesLeftOver) + " images";
    }

    /**
     * Batch file {@code i}'s contents, as one or more feeds (input name to tensor) of the model's batch size; at
     * most {@code room} of them.
     */
    public List<Map<String, Tensor>> read(int i, int room) {
        if (imageBatches != null) return room <= 0 ? List.of() : List.of(Map.of(inputs.getFirst().name(), stack(i)));
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

    /** Batch {@code i}'s images, preprocessed, each checked against the input, and stacked along the first axis. */
    private Tensor stack(int i) {
        ValueInfo in = inputs.getFirst();
        List<Path> batch = imageBatches.get(i);
        Tensor out = null;
        long[] first = null;
        for (int k = 0; k < batch.size(); k++) {
            Path file = batch.get(k);
            Tensor t = preprocess.toTensor(file);
            try {
                expected("calibration image " + file + " for input '" + in.name() + "'", in, t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (after --preprocess " + preprocess.spec() + ")", e);
            }
            if (batch.size() == 1) return t;
            if (out == null) {
                first = t.shape();
                long[] shape = first.clone();
                shape[0] = batch.size();
                out = Tensor.allocate(t.dtype(), shape);
            } else if (!t.hasShape(first)) {
                throw new IllegalArgumentException("calibration image " + file + " is " + Arrays.toString(t.shape())
                        + " after --preprocess, but " + batch.getFirst().getFileName() + " in the same batch is "
                        + Arrays.toString(first) + ": give resize=HxW so that every image has the same size");
            }
            MemorySegment.copy(t.data(), 0, out.data(), k * t.byteSize(), t.byteSize());
        }
        return out;
    }

    /** {@code t} checked against {@code in}, split along a fixed batch dimension when it holds a multiple of it. */
    static List<Tensor> fit(Path file, ValueInfo in, Tensor t) {
        String what = "calibration batch " + file + " for input '" + in.name() + "'";
        long[] want = expected(what, in, t);
        if (want == null) return List.of(t);
        long[] got = t.shape();
        long b = want.length == 0 ? -1 : want[0];
        if (b < 0 || got.length == 0 || got[0] == b) return List.of(t);
        if (b == 0 || got[0] % b != 0) {
            throw new IllegalArgumentException(what + ": expected " + in.type() + ", got shape "
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

    /**
     * {@code t} checked against {@code in} (element type, rank, fixed dimensions after the first), {@code what}
     * naming it in errors; the input's dimensions (-1 where open), or null when its type gives no shape.
     */
    private static long[] expected(String what, ValueInfo in, Tensor t) {
        if (!(in.type() instanceof ValueType.TensorType type)) return null;
        if (type.elementType() != null && type.elementType() != t.dtype()) {
            throw new IllegalArgumentException(what + ": expected " + type.elementType() + ", got " + t.dtype());
        }
        if (type.shape() == null) return null;
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
        return want;
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
        return list(dir, p -> p.getFileName().toString().endsWith(".npy") && keep.test(p));
    }

    /** The regular files in {@code dir} that {@code keep} keeps, in name order. */
    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(keep)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list calibration folder " + dir, e);
        }
    }
}
