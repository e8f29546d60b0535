package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** StringNormalizer, StringSplit, StringConcat, RegexFullMatch; TfIdfVectorizer is in {@link TfIdfKernel}. */
final class StringKernels {
    private StringKernels() {}

    static void register(KernelRegistry r) {
        r.add("StringNormalizer", 10, n -> {
            String action = n.node().attrString("case_change_action", "NONE");
            if (!List.of("NONE", "LOWER", "UPPER").contains(action)) {
                throw new IllegalArgumentException("attribute case_change_action must be NONE, LOWER or UPPER, got '"
                        + action + "'");
            }
            boolean caseSensitive = n.node().attrInt("is_case_sensitive", 0) != 0;
            List<String> stop = n.node().attrStrings("stopwords", List.of());
            Locale locale = Locale.forLanguageTag(n.node().attrString("locale", "en-US").replace('_', '-'));
            Set<String> stopSet = new HashSet<>();
            for (String s : stop) stopSet.add(caseSensitive ? s : s.toLowerCase(locale));
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                if (x.dtype() != DType.STRING || !(x.rank() == 1 || (x.rank() == 2 && x.dim(0) == 1))) {
                    throw new IllegalArgumentException("input 0 must be a string tensor of shape [C] or [1, C], got "
                            + x.describe());
                }
                List<String> kept = new ArrayList<>();
                for (String s : x.toStringArray()) {
                    if (stopSet.contains(caseSensitive ? s : s.toLowerCase(locale))) continue;
                    kept.add(switch (action) {
                        case "LOWER" -> s.toLowerCase(locale);
                        case "UPPER" -> s.toUpperCase(locale);
                        default -> s;
                    });
                }
                if (kept.isEmpty()) kept.add("");
                long[] shape = x.rank() == 2 ? new long[] {1, kept.size()} : new long[] {kept.size()};
                return new Value[] {Tensor.ofStrings(shape, kept.toArray(String[]::new))};
            };
        });
        r.add("StringConcat", 20, n -> (ctx, in) -> {
            Tensor a = stringTensor(in, 0), b = stringTensor(in, 1);
            return new Value[] {Broadcasting.map(DType.STRING, (o, e, i) ->
                    o.setString(e, a.getString(i[0]) + b.getString(i[1])), a, b)};
        });
        r.add("RegexFullMatch", 20, n -> {
            String pattern = n.node().attrString("pattern", "");
            Pattern p;
            try {
                p = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern '" + pattern + "' is not a valid regular expression: "
                        + e.getDescription());
            }
            return (ctx, in) -> {
                Tensor x = stringTensor(in, 0);
                Tensor out = Tensor.allocate(DType.BOOL, x.shape());
                for (long e = 0; e < x.size(); e++) out.setLong(e, p.matcher(x.getString(e)).matches() ? 1 : 0);
                return new Value[] {out};
            };
        });
        r.add("StringSplit", 20, n -> {
            String delim = n.node().attrString("delimiter", "");
            long maxSplit = n.node().attrInt("maxsplit", -1);
            return (ctx, in) -> {
                Tensor x = stringTensor(in, 0);
                List<List<String>> parts = new ArrayList<>();
                int width = 0;
                for (long e = 0; e < x.size(); e++) {
                    List<String> p = split(x.getString(e), delim, maxSplit);
                    parts.add(p);
                    width = Math.max(width, p.size());
                }
                long[] shape = Arrays.copyOf(x.shape(), x.rank() + 1);
                shape[x.rank()] = width;
                Tensor y = Tensor.allocate(DType.STRING, shape);
                Tensor z = Tensor.allocate(DType.INT64, x.shape());
                for (int e = 0; e < parts.size(); e++) {
                    List<String> p = parts.get(e);
                    z.setLong(e, p.size());
                    for (int j = 0; j < p.size(); j++) y.setString((long) e * width + j, p.get(j));
                }
                return new Value[] {y, z};
            };
        });
        TfIdfKernel.register(r);
    }

    private static Tensor stringTensor(Value[] in, int i) {
        Tensor t = tensor(in, i);
        if (t.dtype() != DType.STRING) {
            throw new IllegalArgumentException("input " + i + " must be a string tensor, got " + t.describe());
        }
        return t;
    }

    /** Python's str.isspace for one character: Java's whitespace plus the no-break spaces and NEL. */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Python's str.split: on whitespace runs when the delimiter is empty, else on every delimiter occurrence. */
    static List<String> split(String s, String delim, long maxSplit) {
        List<String> out = new ArrayList<>();
        long limit = maxSplit < 0 ? Long.MAX_VALUE : maxSplit;
        if (delim.isEmpty()) {
            int i = 0, len = s.length();
            while (i < len) {
                while (i < len && isSpace(s.charAt(i))) i++;
                if (i >= len) break;
                if (out.size() == limit) {
                    out.add(s.substring(i)); // as Python: the rest keeps its trailing whitespace
                    break;
                }
                int j = i;
                while (j < len && !isSpace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        int start = 0;
        while (out.size() < limit) {
            int at = s.indexOf(delim, start);
            if (at < 0) break;
            out.add(s.substring(start, at));
            start = at + delim.length();
        }
        out.add(s.substring(start));
        return out;
    }
}
