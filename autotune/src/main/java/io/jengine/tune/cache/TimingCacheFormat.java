package io.jengine.tune.cache;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a timing cache, with no file access: decoding bytes into {@link CacheContents} and encoding entries
 * back. The written form has a header and then one entry per line, sorted by device, engine, signature and tactic,
 * so that a cache kept under version control diffs line by line:
 *
 * <pre>{@code
 * {
 *   "format": "jengine-timing-cache",
 *   "version": 1,
 *   "entries": [
 *     {"device": "...", "engine": "0.1.0", "signature": "...", "tactic": "...", "median_ms": 0.42, ...}
 *   ]
 * }
 * }</pre>
 */
final class TimingCacheFormat {
    /** The value of the {@code "format"} field, which tells our files from any other JSON. */
    static final String FORMAT = "jengine-timing-cache";
    /** The format version written; files of a higher one come from a newer engine and are not read. */
    static final int VERSION = 1;

    // Trailing content after the top-level object means the file is not what we wrote (e.g. two writes interleaved).
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TimingCacheFormat() {}

    /** Decodes a file's bytes; never throws for bad content, which becomes {@link CacheContents.Unusable}. */
    static CacheContents decode(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            return new CacheContents.Unusable(
                    "it is not valid JSON" + where(e.getLocation()) + " (" + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            // Reading from a byte array does no I/O; whatever this is, the content is at fault.
            return new CacheContents.Unusable("it is not valid JSON (" + oneLine(e.getMessage()) + ")");
        }
        if (root == null || root.isMissingNode()) return new CacheContents.Unusable("it is empty");
        if (!root.isObject() || !FORMAT.equals(root.path("format").textValue())) {
            return new CacheContents.Unusable("it is not a jengine timing cache (no \"format\": \"" + FORMAT + "\")");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            return new CacheContents.Unusable("its format version is missing or not an integer");
        }
        if (version.intValue() > VERSION) {
            return new CacheContents.Unusable("it has format version " + version.intValue()
                    + ", written by a newer engine (this one reads version " + VERSION + ")");
        }
        if (version.intValue() < VERSION) {
            return new CacheContents.Unusable("it has format version " + version.intValue() + ", which never existed");
        }
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isArray()) return new CacheContents.Unusable("it has no \"entries\" array");

        Map<TimingKey, Timing> valid = new HashMap<>();
        int skipped = 0;
        String firstSkipReason = null;
        for (int i = 0; i < entries.size(); i++) {
            String problem = decodeEntry(entries.get(i), valid);
            if (problem != null) {
                if (skipped++ == 0) firstSkipReason = "entry " + (i + 1) + ": " + problem;
            }
        }
        return new CacheContents.Entries(valid, skipped, firstSkipReason);
    }

    /** Adds one entry to {@code into}, or says why it cannot be used. Fields we do not know are ignored. */
    private static String decodeEntry(JsonNode entry, Map<TimingKey, Timing> into) {
        if (!entry.isObject()) return "not an object";
        String device = text(entry, "device"), engine = text(entry, "engine");
        String signature = text(entry, "signature"), tactic = text(entry, "tactic");
        if (device == null) return missing("device", "a string");
        if (engine == null) return missing("engine", "a string");
        if (signature == null) return missing("signature", "a string");
        if (tactic == null) return missing("tactic", "a string");
        JsonNode median = entry.get("median_ms"), spread = entry.get("spread_percent"), runs = entry.get("runs");
        if (median == null || !median.isNumber()) return missing("median_ms", "a number");
        if (spread == null || !spread.isNumber()) return missing("spread_percent", "a number");
        if (runs == null || !runs.isIntegralNumber() || !runs.canConvertToInt()) return missing("runs", "an integer");
        Timing timing;
        try {
            timing = new Timing(median.doubleValue(), spread.doubleValue(), runs.intValue());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        // A key twice in a hand-edited file: the later one wins, as a repeated field does in a JSON object.
        into.put(new TimingKey(device, engine, signature, tactic), timing);
        return null;
    }

    /** Encodes entries in the stable order: same entries, same bytes. */
    static byte[] encode(Map<TimingKey, Timing> entries) {
        StringBuilder out = new StringBuilder(128 + 160 * entries.size());
        out.append("{\n  \"format\": ").append(quote(FORMAT))
                .append(",\n  \"version\": ").append(VERSION)
                .append(",\n  \"entries\": [");
        String separator = "\n    ";
        for (Map.Entry<TimingKey, Timing> e : new TreeMap<>(entries).entrySet()) {
            TimingKey k = e.getKey();
            Timing t = e.getValue();
            // Double.toString gives the shortest text that reads back to the same double, and is valid JSON for
            // every finite value, which is all a Timing can hold.
            out.append(separator)
                    .append("{\"device\": ").append(quote(k.device()))
                    .append(", \"engine\": ").append(quote(k.engine()))
                    .append(", \"signature\": ").append(quote(k.signature()))
                    .append(", \"tactic\": ").append(quote(k.tactic()))
                    .append(", \"median_ms\": ").append(t.medianMs())
                    .append(", \"spread_percent\": ").append(t.spreadPercent())
                    .append(", \"runs\": ").append(t.runs())
                    .append('}');
            separator = ",\n    ";
        }
        out.append(entries.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static String missing(String field, String what) { return "\"" + field + "\" is missing or not " + what; }

    private static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Warnings are single lines; parser messages may span several, and name the source, which is only ever "REDACTED"
     * for bytes, before the position they refer to.
     */
    private static String oneLine(String message) {
        if (message == null) return "no detail";
        return message.replaceAll("\\[Source: [^\\]]*?; (line: \\d+, column: \\d+)]", "$1")
                .replaceAll("\\s*\\R\\s*", " ");
    }
}
