package io.jengine.cli;

import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an engine on input files that may hold more examples than one run takes, for {@code eval} and {@code compare}.
 * An input whose file has the rank the model declares for it is split along its first axis: a fixed leading dimension
 * B runs the examples B at a time (their count must be a multiple of B), an open one runs them all at once, or
 * {@code --batch} at a time (the last run takes what is left). Every split input must hold the same number of
 * examples; an input of another rank goes whole to every run. The runs' outputs are joined along their first axis.
 */
final class BatchedRun {
    private BatchedRun() {}

    /**
     * The inputs read and how they split: {@code batched} names the inputs split along their first axis, each holding
     * {@code examples} (-1 when none is split), run {@code batch} at a time; {@code countedBy} is the input the count
     * was read from (null when none is split), for error messages.
     */
    record Split(Map<String, Value> values, List<String> batched, long examples, long batch, String countedBy,
                 Path countedFile) {
        int runs() { return batched.isEmpty() ? 1 : Math.toIntExact((examples + batch - 1) / batch); }
    }

    /** The joined outputs, in the model's order, and how they were computed. */
    record Result(Map<String, Value> outputs, Split split, double millis) {
        /** "1 run of 500" / "500 runs of 1", for the commands' summaries. */
        String describeRuns() {
            int runs = split.runs();
            return runs + (runs == 1 ? " run" : " runs") + (split.batched.isEmpty() ? "" : " of " + split.batch);
        }
    }

    /**
     * Reads the input files (as the model declares them; images through {@code images}, which may be null) and decides
     * how they split; {@code batch} may be null.
     */
    static Split split(Engine engine, Map<String, Path> files, Integer batch,
                       io.jengine.calib.ImagePreprocessing images) {
        if (batch != null && batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        Map<String, Value> values = new LinkedHashMap<>();
        List<String> batched = new ArrayList<>();
        long examples = -1, fixed = -1;
        String countedBy = null, fixedBy = null;
        for (var e : files.entrySet()) {
            String name = e.getKey();
            ValueInfo declared = engine.graph().inputs().stream().filter(v -> v.name().equals(name)).findFirst()
                    .orElse(null);
            Value v = ValueFileReader.read(e.getValue(), declared == null ? null : declared.type(), images);
            values.put(name, v);
            // An unknown name or a value of another rank is passed whole: the engine's input check names the problem.
            if (declared == null || !(declared.type() instanceof ValueType.TensorType tt) || tt.shape() == null
                    || tt.shape().rank() == 0 || !(v instanceof Tensor t) || t.rank() != tt.shape().rank()) {
                continue;
            }
            long n = t.dim(0);
            Dim lead = tt.shape().dim(0);
            if (lead.isKnown() && lead.value() > 0) {
                long b = lead.value();
                if (n % b != 0 || n == 0) {
                    throw new IllegalArgumentException("input '" + name + "': " + e.getValue() + " holds " + n
                            + " examples " + Shapes.format(t.shape()) + ", expected a multiple of the model's batch "
                            + b + " (the model declares " + tt + ")");
                }
                if (fixed >= 0 && b != fixed) {
                    throw new IllegalArgumentException("inputs '" + fixedBy + "' and '" + name
                            + "' declare different batch sizes, " + fixed + " and " + b + ": cannot split them alike");
                }
                fixed = b;
                fixedBy = name;
            } else if (n == 0) {
                throw new IllegalArgumentException("input '" + name + "': " + e.getValue() + " holds no examples "
                        + Shapes.format(t.shape()));
            }
            if (examples >= 0 && n != examples) {
                throw new IllegalArgumentException("input '" + countedBy + "' (" + files.get(countedBy) + ") holds "
                        + examples + " examples but input '" + name + "' (" + e.getValue() + ") holds " + n);
            }
            if (countedBy == null) countedBy = name;
            examples = n;
            batched.add(name);
        }
        long size;
        if (fixed >= 0) {
            if (batch != null && batch != fixed) {
                throw new IllegalArgumentException("--batch " + batch + " contradicts the model's fixed batch " + fixed
                        + " of input '" + fixedBy + "'");
            }
            size = fixed;
        } else {
            size = batched.isEmpty() ? -1 : batch != null ? Math.min(batch, examples) : examples;
        }
        return new Split(values, List.copyOf(batched), examples, size, countedBy,
                countedBy == null ? null : files.get(countedBy));
    }

    /** Runs every batch of {@code split} and joins the outputs. */
    static Result run(Engine engine, Split split) {
        int runs = split.runs();
        List<Map<String, Value>> parts = new ArrayList<>(runs);
        long t0 = System.nanoTime();
        for (int r = 0; r < runs; r++) {
            Map<String, Value> feeds = new LinkedHashMap<>(split.values());
            if (runs > 1) {
                long from = r * split.batch(), to = Math.min(split.examples(), from + split.batch());
                for (String name : split.batched()) feeds.put(name, rows((Tensor) split.values().get(name), from, to));
            }
            parts.add(engine.run(feeds));
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (runs == 1) return new Result(parts.get(0), split, ms);
        Map<String, Value> joined = new LinkedHashMap<>();
        for (String name : parts.get(0).keySet()) {
            List<Value> chunks = new ArrayList<>(runs);
            for (Map<String, Value> p : parts) chunks.add(p.get(name));
            joined.put(name, join(name, chunks));
        }
        return new Result(joined, split, ms);
    }

    /** Rows {@code from} to {@code to} (exclusive) of {@code t}'s first axis, as a new tensor. */
    static Tensor rows(Tensor t, long from, long to) {
        long[] shape = t.shape();
        long rowSize = t.size() / shape[0];
        shape[0] = to - from;
        if (t.dtype() == DType.STRING) {
            return Tensor.ofStrings(shape, Arrays.copyOfRange(t.toStringArray(), Math.toIntExact(from * rowSize),
                    Math.toIntExact(to * rowSize)));
        }
        long rowBytes = rowSize * t.dtype().byteSize();
        return Tensor.fromBytes(t.dtype(), shape, t.data().asSlice(from * rowBytes, (to - from) * rowBytes));
    }

    /** The runs' values of one output joined along the first axis. */
    private static Tensor join(String name, List<Value> chunks) {
        Tensor first = batchedOutput(name, chunks.get(0), 0);
        long[] rest = Arrays.copyOfRange(first.shape(), 1, first.rank());
        long total = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Tensor c = batchedOutput(name, chunks.get(i), i);
            if (c.dtype() != first.dtype() || !Arrays.equals(Arrays.copyOfRange(c.shape(), 1, c.rank()), rest)) {
                throw new IllegalArgumentException("output '" + name + "' is " + c.describe() + " in run " + (i + 1)
                        + " but " + first.describe() + " in run 1: cannot join the runs along the first axis");
            }
            total += c.dim(0);
        }
        long[] shape = first.shape();
        shape[0] = total;
        Tensor out = Tensor.allocateUninitialized(first.dtype(), shape);
        long at = 0;
        for (Value v : chunks) {
            Tensor c = (Tensor) v;
            if (c.dtype() == DType.STRING) {
                for (long i = 0; i < c.size(); i++) out.setString(at + i, c.getString(i));
                at += c.size();
            } else {
                java.lang.foreign.MemorySegment.copy(c.data(), 0, out.data(), at, c.byteSize());
                at += c.byteSize();
            }
        }
        return out;
    }

    private static Tensor batchedOutput(String name, Value v, int run) {
        if (!(v instanceof Tensor t) || t.rank() == 0) {
            throw new IllegalArgumentException("output '" + name + "' of run " + (run + 1) + " is " + v.describe()
                    + ": only tensors with a first (batch) axis can be joined across runs");
        }
        return t;
    }
}
