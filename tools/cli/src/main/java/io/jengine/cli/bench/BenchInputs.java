package io.jengine.cli.bench;

import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The inputs a benchmark feeds when the user gives no file for them: concrete shapes from the model's declared ones
 * ({@code --batch} for a dynamic leading dimension; every other dynamic dimension must come from {@code --shapes}),
 * and seeded random values, so that two runs of the same command measure the same work.
 */
public final class BenchInputs {
    /** Fixed so that a benchmark is repeatable; the values only need to be non-degenerate. */
    public static final long SEED = 20240917L;

    private BenchInputs() {}

    /**
     * The shapes {@code --batch} fixes: for each input (other than those in {@code skip}) whose leading dimension is
     * dynamic, its declared shape with that dimension set to {@code batch}. Empty when {@code batch} is null. An input
     * whose leading dimension is fixed to another value is an error, as is a batch that changes no input.
     */
    public static Map<String, long[]> batchShapes(List<ValueInfo> inputs, Integer batch, java.util.Set<String> skip) {
        Map<String, long[]> out = new LinkedHashMap<>();
        if (batch == null) return out;
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        boolean anyLeading = false;
        for (ValueInfo in : inputs) {
            if (!(in.type() instanceof ValueType.TensorType t) || t.shape() == null || t.shape().rank() == 0) continue;
            Dim lead = t.shape().dim(0);
            if (lead.isKnown()) {
                if (lead.value() != batch && !skip.contains(in.name())) {
                    throw new IllegalArgumentException("--batch " + batch + ": input '" + in.name() + "' has a fixed "
                            + "leading dimension " + lead.value() + " " + t.shape() + "; only a dynamic one can be replaced");
                }
                anyLeading |= lead.value() == batch;
                continue;
            }
            anyLeading = true;
            if (!skip.contains(in.name())) out.put(in.name(), concreteShape(in, batch));
        }
        if (!anyLeading) throw new IllegalArgumentException("--batch " + batch + ": no input has a leading dimension to set");
        return out;
    }

    /**
     * An input read from a file, brought to {@code --batch} rows where the model's leading dimension is dynamic:
     * the file's rows taken cyclically along axis 0 (as {@code engine loadgen} takes them), so that the batch timed
     * is the batch reported. A file for a fixed leading dimension is used as it is (the model decides its batch).
     */
    public static Tensor batched(ValueInfo in, Tensor fromFile, Integer batch) {
        if (batch == null || !(in.type() instanceof ValueType.TensorType t) || t.shape() == null
                || t.shape().rank() == 0 || t.shape().dim(0).isKnown()) {
            return fromFile;
        }
        return fromFile.rank() > 0 && fromFile.dim(0) == batch ? fromFile : rows(in.name(), fromFile, batch);
    }

    /** {@code batch} rows of {@code t} along axis 0, taken cyclically. */
    public static Tensor rows(String name, Tensor t, int batch) {
        if (t.rank() == 0 || t.dim(0) == 0) {
            throw new IllegalArgumentException("input '" + name + "': --batch needs a leading dimension to take rows "
                    + "from, the file's shape is " + java.util.Arrays.toString(t.shape()));
        }
        long[] shape = t.shape();
        long have = shape[0];
        long rowBytes = t.byteSize() / have;
        shape[0] = batch;
        Tensor out = Tensor.allocate(t.dtype(), shape);
        for (int r = 0; r < batch; r++) {
            out.data().asSlice(r * rowBytes, rowBytes).copyFrom(t.data().asSlice((r % have) * rowBytes, rowBytes));
        }
        return out;
    }

    /** The declared shape of {@code in} with every dimension known; {@code batch} (may be null) fills a dynamic first one. */
    public static long[] concreteShape(ValueInfo in, Integer batch) {
        if (!(in.type() instanceof ValueType.TensorType t)) {
            throw new IllegalArgumentException("input '" + in.name() + "' is " + (in.type() == null ? "of unknown type" : in.type())
                    + ", not a tensor: give it with --input " + in.name() + "=FILE");
        }
        if (t.shape() == null) {
            throw new IllegalArgumentException("input '" + in.name() + "' has no declared shape: give it with --shapes "
                    + in.name() + ":AxBx... or --input " + in.name() + "=FILE");
        }
        long[] dims = new long[t.shape().rank()];
        for (int i = 0; i < dims.length; i++) {
            Dim d = t.shape().dim(i);
            if (d.isKnown()) {
                dims[i] = d.value();
            } else if (i == 0 && batch != null) {
                dims[i] = batch;
            } else {
                throw new IllegalArgumentException("input '" + in.name() + "' " + t.shape() + ": dimension " + i
                        + (d.isSymbolic() ? " ('" + d.symbol() + "')" : "") + " is dynamic; give it a size with --shapes "
                        + in.name() + ":" + template(t.shape(), batch) + " (a number for each ?)"
                        + (i == 0 ? " or --batch N" : "") + ", or give the input with --input " + in.name() + "=FILE");
            }
        }
        return dims;
    }

    /** A random tensor of {@code type} and {@code shape}; {@code range} null means the type's default range. */
    public static Tensor random(String name, DType type, long[] shape, InputRange range, Random rnd) {
        Tensor t = Tensor.allocate(type, shape);
        long n = t.size();
        if (type.isFloatingPoint()) {
            InputRange r = range == null ? InputRange.FLOAT_DEFAULT : range;
            for (long i = 0; i < n; i++) t.setDouble(i, r.lo() + (r.hi() - r.lo()) * rnd.nextDouble());
        } else if (type == DType.BOOL) {
            for (long i = 0; i < n; i++) t.setLong(i, rnd.nextBoolean() ? 1 : 0);
        } else if (type.isInteger()) {
            long[] b = (range == null ? InputRange.INTEGER_DEFAULT : range).integerBounds();
            for (long i = 0; i < n; i++) t.setLong(i, b[0] + rnd.nextLong(b[1] - b[0] + 1));
        } else {
            throw new IllegalArgumentException("input '" + name + "' is " + type + ", which cannot be generated: give it with --input "
                    + name + "=FILE");
        }
        return t;
    }

    /** The --shapes value to fill in: known sizes as numbers, dynamic ones as "?" (their names can hold dots and x's). */
    private static String template(Shape shape, Integer batch) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < shape.rank(); i++) {
            Dim d = shape.dim(i);
            parts.add(d.isKnown() ? Long.toString(d.value()) : i == 0 && batch != null ? Long.toString(batch) : "?");
        }
        return String.join("x", parts);
    }
}
