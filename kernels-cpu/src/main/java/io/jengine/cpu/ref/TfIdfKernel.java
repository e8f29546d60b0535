package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TfIdfVectorizer: counts the pool's n-grams (lengths min_gram_length..max_gram_length, items taken with up to
 * max_skip_count skipped between them) in each row, then reports term frequency, IDF weight, or their product.
 */
final class TfIdfKernel {
    private TfIdfKernel() {}

    static void register(KernelRegistry r) {
        r.add("TfIdfVectorizer", 9, n -> {
            Node node = n.node();
            String mode = node.attrString("mode", "TF");
            int minN = (int) node.attrInt("min_gram_length", 1), maxN = (int) node.attrInt("max_gram_length", 1);
            int maxSkip = (int) node.attrInt("max_skip_count", 0);
            long[] counts = node.attrInts("ngram_counts", new long[0]), indexes = node.attrInts("ngram_indexes", new long[0]);
            float[] weights = node.attrFloats("weights", null);
            long[] poolInts = node.attrInts("pool_int64s", null);
            List<String> poolStrings = node.attrStrings("pool_strings", null);
            int poolSize = poolInts != null ? poolInts.length : poolStrings == null ? 0 : poolStrings.size();
            validate(mode, minN, maxN, maxSkip, counts, indexes, poolInts != null || poolStrings != null, poolSize);
            // Pool n-grams (as lists of items) -> output column.
            Map<List<Object>, Long> grams = new HashMap<>();
            int k = 0;
            for (int g = 0; g < counts.length; g++) {
                int len = g + 1;
                int end = g + 1 < counts.length ? (int) counts[g + 1] : poolSize;
                for (int start = (int) counts[g]; start + len <= end; start += len) {
                    List<Object> key = new ArrayList<>();
                    for (int t = 0; t < len; t++) key.add(poolInts != null ? (Object) poolInts[start + t] : poolStrings.get(start + t));
                    grams.put(key, indexes[k++]);
                }
            }
            long width = 0;
            for (long i : indexes) width = Math.max(width, i + 1);
            long cols = width;
            if (weights != null && weights.length < cols) {
                throw new IllegalArgumentException("attribute weights has " + weights.length + " entries, the output "
                        + "has " + cols + " columns");
            }
            boolean stringPool = poolStrings != null;
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                if (x.rank() > 2) {
                    throw new IllegalArgumentException("input 0 must be 1-D or 2-D, got shape " + Shapes.format(x.shape()));
                }
                if ((x.dtype() == DType.STRING) != stringPool
                        || (x.dtype() != DType.STRING && x.dtype() != DType.INT32 && x.dtype() != DType.INT64)) {
                    throw new IllegalArgumentException("input 0 has element type " + x.dtype() + ", expected "
                            + (stringPool ? "string (the pool is pool_strings)" : "int32 or int64 (the pool is pool_int64s)"));
                }
                long rows = x.rank() == 2 ? x.dim(0) : 1, len = x.rank() == 2 ? x.dim(1) : x.size();
                Tensor out = Tensor.allocate(DType.FLOAT32, x.rank() == 2 ? new long[] {rows, cols} : new long[] {cols});
                for (long row = 0; row < rows; row++) {
                    double[] tf = new double[(int) cols];
                    for (int gl = Math.max(1, minN); gl <= maxN; gl++) {
                        for (int skip = 0; skip <= (gl == 1 ? 0 : maxSkip); skip++) {
                            for (long s = 0; s + (long) (gl - 1) * (skip + 1) < len; s++) {
                                List<Object> key = new ArrayList<>();
                                for (int t = 0; t < gl; t++) {
                                    long e = row * len + s + (long) t * (skip + 1);
                                    key.add(x.dtype() == DType.STRING ? (Object) x.getString(e) : (Object) x.getLong(e));
                                }
                                Long col = grams.get(key);
                                if (col != null) tf[col.intValue()]++;
                            }
                        }
                    }
                    for (int c = 0; c < cols; c++) {
                        double w = weights == null ? 1 : weights[c];
                        double v = switch (mode) {
                            case "TF" -> tf[c];
                            case "IDF" -> tf[c] > 0 ? w : 0;
                            case "TFIDF" -> tf[c] * w;
                            default -> throw new IllegalStateException("mode was validated");
                        };
                        out.setDouble(row * cols + c, v);
                    }
                }
                return new Value[] {out};
            };
        });
    }

    /** Rejects attribute combinations that would otherwise index outside the pool or the output. */
    private static void validate(String mode, int minN, int maxN, int maxSkip, long[] counts, long[] indexes,
                                 boolean hasPool, int poolSize) {
        if (!mode.equals("TF") && !mode.equals("IDF") && !mode.equals("TFIDF")) {
            throw new IllegalArgumentException("attribute mode must be TF, IDF or TFIDF, got '" + mode + "'");
        }
        if (minN < 1 || maxN < minN) {
            throw new IllegalArgumentException("attributes min_gram_length and max_gram_length must satisfy 1 <= min "
                    + "<= max, got " + minN + " and " + maxN);
        }
        if (maxSkip < 0) throw new IllegalArgumentException("attribute max_skip_count must be >= 0, got " + maxSkip);
        if (!hasPool) throw new IllegalArgumentException("one of the attributes pool_int64s, pool_strings is required");
        long grams = 0;
        for (int g = 0; g < counts.length; g++) {
            long end = g + 1 < counts.length ? counts[g + 1] : poolSize;
            if (counts[g] < 0 || counts[g] > end || end > poolSize) {
                throw new IllegalArgumentException("attribute ngram_counts " + Arrays.toString(counts)
                        + " must be non-decreasing start offsets within the pool of " + poolSize);
            }
            grams += (end - counts[g]) / (g + 1);
        }
        if (indexes.length != grams) {
            throw new IllegalArgumentException("attribute ngram_indexes has " + indexes.length + " entries, the pool "
                    + "holds " + grams + " n-grams");
        }
        for (long i : indexes) {
            if (i < 0) throw new IllegalArgumentException("attribute ngram_indexes has a negative index " + i);
        }
    }
}
