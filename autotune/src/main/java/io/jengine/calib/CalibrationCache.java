package io.jengine.calib;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A calibration cache in TensorRT's text format: the int8 scale of each calibrated tensor, so that a later build skips
 * calibration, and a cache written by TensorRT serves this engine and the other way round.
 *
 * <pre>
 * TRT-8601-EntropyCalibration2
 * input: 3c010a14
 * conv1/Relu:0: 3d4ccccd
 * </pre>
 *
 * <p>The first line is {@code TRT-<version>-<algorithm>}; this engine writes version {@value #WRITTEN_VERSION}
 * (TensorRT 8.6.1's) and reads any. Each further line is {@code <tensor name>: <hex>}, the hex being the IEEE-754
 * bits of the float32 scale, {@code scale = amax / 127}, in big-endian digit order as {@code printf("%x")} gives them.
 * A tensor name may itself contain {@code ": "} (ONNX names are free-form): the last {@code ": "} on the line is the
 * separator, as the hex never contains one. Lines keep the order the tensors were given in.
 *
 * <p>Immutable.
 */
public final class CalibrationCache {
    /** The TensorRT version written in the header, TensorRT 8.6.1's; readers take any number there. */
    public static final int WRITTEN_VERSION = 8601;

    private static final Pattern HEADER = Pattern.compile("TRT-([0-9]+)-([A-Za-z0-9_]+)");
    private static final Pattern ALGORITHM = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{1,8}");
    private static final String SEPARATOR = ": ";
    /** The longest excerpt of a bad line a message quotes. */
    private static final int QUOTED = 80;

    private final String algorithm;
    private final Map<String, Float> scales;

    /**
     * A cache of {@code scales} by tensor name, in the map's iteration order.
     *
     * @param algorithm the header's algorithm name, {@link Calibrator#cacheAlgorithm()} of the calibrator used
     * @throws IllegalArgumentException if the algorithm is not letters, digits and underscores, a name is empty or
     *     holds a line break, or a scale is not a positive finite float
     */
    public CalibrationCache(String algorithm, Map<String, Float> scales) {
        if (!ALGORITHM.matcher(algorithm).matches()) {
            throw new IllegalArgumentException(
                    "calibration algorithm must be letters, digits and underscores, got '" + algorithm + "'");
        }
        LinkedHashMap<String, Float> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Float> e : scales.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("tensor name must be non-empty and on one line, got '"
                        + quote(name) + "'");
            }
            String problem = scaleProblem(e.getValue());
            if (problem != null) throw new IllegalArgumentException("scale of tensor '" + name + "' " + problem);
            copy.put(name, e.getValue());
        }
        this.algorithm = algorithm;
        this.scales = Collections.unmodifiableMap(copy);
    }

    /**
     * A cache of the thresholds calibration chose, each stored as the scale {@code amax / 127} rounded to float32.
     * A threshold of 0 (a tensor that was all zeros, which any scale represents), or one so small that its scale
     * rounds to 0, is stored as the smallest normal float instead: a zero scale cannot be divided by, and
     * {@link #read} rejects it.
     *
     * @throws IllegalArgumentException if a threshold is negative, NaN or infinite, or as the constructor
     */
    public static CalibrationCache fromThresholds(String algorithm, Map<String, Double> amaxByTensor) {
        LinkedHashMap<String, Float> scales = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : amaxByTensor.entrySet()) {
            double amax = e.getValue();
            if (!(amax >= 0) || Double.isInfinite(amax)) {
                throw new IllegalArgumentException(
                        "threshold of tensor '" + e.getKey() + "' must be finite and >= 0, got " + amax);
            }
            float scale = (float) (amax / Calibrator.LEVELS);
            scales.put(e.getKey(), scale > 0 ? scale : Float.MIN_NORMAL);
        }
        return new CalibrationCache(algorithm, scales);
    }

    /** The algorithm name of the header, e.g. {@code EntropyCalibration2}. */
    public String algorithm() { return algorithm; }

    /** The scale of each tensor, in file order; unmodifiable. */
    public Map<String, Float> scales() { return scales; }

    /**
     * The threshold of {@code tensor}, {@code scale · 127}.
     *
     * @throws IllegalArgumentException if the cache has no such tensor
     */
    public double amax(String tensor) {
        Float scale = scales.get(tensor);
        if (scale == null) throw new IllegalArgumentException("no tensor '" + tensor + "' in the calibration cache");
        return scale * (double) Calibrator.LEVELS;
    }

    /**
     * Reads a cache file.
     *
     * @throws NoSuchFileException if there is no such file
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a valid cache: the message names the file, the line and what was
     *     expected there
     */
    public static CalibrationCache read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "calibration cache not found");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("calibration cache " + file + ": not UTF-8 text");
        }
        return parse(file, text);
    }

    private static CalibrationCache parse(Path file, String text) {
        if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte order mark an editor added
        String[] lines = text.split("\r?\n", -1);
        if (text.isBlank()) throw corrupt(file, 1, "empty file: expected a header TRT-<version>-<algorithm>");
        Matcher header = HEADER.matcher(lines[0].strip());
        if (!header.matches()) {
            throw corrupt(file, 1, "expected a header TRT-<version>-<algorithm>, got '" + quote(lines[0]) + "'");
        }
        LinkedHashMap<String, Float> scales = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            int number = n + 1;
            if (line.isBlank()) continue; // the final newline, or a blank line a hand edit left
            int at = line.lastIndexOf(SEPARATOR);
            if (at < 0) {
                throw corrupt(file, number, "expected '<tensor name>: <hex scale>', got '" + quote(line) + "'");
            }
            String name = line.substring(0, at);
            String hex = line.substring(at + SEPARATOR.length()).strip();
            if (name.isEmpty()) throw corrupt(file, number, "expected a tensor name before ': ', got none");
            if (name.indexOf('\r') >= 0) {
                throw corrupt(file, number, "expected a tensor name on one line, got '" + quote(name) + "'");
            }
            if (!HEX.matcher(hex).matches()) {
                throw corrupt(file, number, "expected the scale of tensor '" + quote(name)
                        + "' as 1 to 8 hex digits (float32 bits), got '" + quote(hex) + "'");
            }
            float scale = Float.intBitsToFloat(Integer.parseUnsignedInt(hex, 16));
            String problem = scaleProblem(scale);
            if (problem != null) throw corrupt(file, number, "scale of tensor '" + quote(name) + "' " + problem);
            Integer first = lineOf.putIfAbsent(name, number);
            if (first != null) {
                throw corrupt(file, number, "expected each tensor once, got '" + quote(name) + "' again (first on line "
                        + first + ")");
            }
            scales.put(name, scale);
        }
        return new CalibrationCache(header.group(2), scales);
    }

    /**
     * Writes the cache to {@code file}, creating its directory if needed. The content goes to a temporary file in
     * the same directory that is then moved over {@code file} in one step, so that a reader, or a build interrupted
     * half way, sees the old cache or the new one and never a part of one.
     */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder("TRT-").append(WRITTEN_VERSION).append('-').append(algorithm)
                .append('\n');
        for (Map.Entry<String, Float> e : scales.entrySet()) {
            text.append(e.getKey()).append(SEPARATOR)
                    .append(HexFormat.of().toHexDigits(Float.floatToRawIntBits(e.getValue()))).append('\n');
        }
        io.jengine.io.AtomicFile.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** What is wrong with a scale, or null if it is a positive finite float. */
    private static String scaleProblem(Float scale) {
        if (scale == null) return "is missing: expected a positive finite float32";
        float s = scale;
        if (s > 0 && s < Float.POSITIVE_INFINITY) return null;
        String got = Float.isNaN(s) ? "NaN" : Float.isInfinite(s) ? s > 0 ? "infinite" : "-infinite"
                : s == 0 ? "zero" : "negative (" + s + ")";
        return "must be a positive finite float32, got " + got + " (bits "
                + HexFormat.of().toHexDigits(Float.floatToRawIntBits(s)) + ")";
    }

    private static IllegalArgumentException corrupt(Path file, int line, String what) {
        return new IllegalArgumentException("calibration cache " + file + " line " + line + ": " + what);
    }

    /** {@code s} as a message quotes it: control characters escaped, cut to {@value #QUOTED} characters. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < s.length() && b.length() < QUOTED; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return i < s.length() ? b + "..." : b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationCache c && algorithm.equals(c.algorithm) && scales.equals(c.scales);
    }

    @Override
    public int hashCode() { return algorithm.hashCode() * 31 + scales.hashCode(); }

    @Override
    public String toString() { return "CalibrationCache[" + algorithm + ", " + scales.size() + " tensors]"; }
}
