package io.jengine.serving;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Stacking requests' tensors along axis 0 into one batch, and cutting a batch's outputs back into rows. */
final class TensorBatching {
    private TensorBatching() {}

    /** One tensor holding {@code parts} one after another along axis 0; they share element type and later dims. */
    static Tensor concat(List<Tensor> parts) {
        Tensor first = parts.getFirst();
        if (first.dtype() == DType.STRING) {
            List<String> all = new ArrayList<>();
            for (Tensor t : parts) all.addAll(Arrays.asList(t.toStringArray()));
            return Tensor.ofStrings(stackedShape(parts), all.toArray(String[]::new));
        }
        // one batch's: recycled memory
        return stackInto(parts, Tensor.allocateTransient(first.dtype(), stackedShape(parts)).data());
    }

    /** {@code parts}, numeric, stacked along axis 0 in {@code memory}, which holds exactly their bytes. */
    static Tensor stackInto(List<Tensor> parts, MemorySegment memory) {
        long offset = 0;
        for (Tensor t : parts) {
            MemorySegment.copy(t.data(), 0, memory, offset, t.byteSize());
            offset += t.byteSize();
        }
        return Tensor.wrap(parts.getFirst().dtype(), stackedShape(parts), memory);
    }

    private static long[] stackedShape(List<Tensor> parts) {
        long[] shape = parts.getFirst().shape();
        long rows = 0;
        for (Tensor t : parts) rows += t.dim(0);
        shape[0] = rows;
        return shape;
    }

    /**
     * {@code whole} cut along axis 0 into pieces of {@code rows[i]} rows. Numeric pieces are views of its memory, no
     * copy: the batch's output is nobody else's, and a view keeps that memory alive as long as it is reachable.
     */
    static List<Tensor> split(Tensor whole, long[] rows) {
        long total = Arrays.stream(rows).sum();
        if (whole.rank() == 0 || whole.dim(0) != total) {
            throw new IllegalArgumentException("has shape " + Arrays.toString(whole.shape()) + ", which does not "
                    + "keep the batch's " + total + " rows along axis 0");
        }
        long rowElements = total == 0 ? 0 : whole.size() / total;
        String[] strings = whole.dtype() == DType.STRING ? whole.toStringArray() : null;
        long rowBytes = rowElements * whole.dtype().byteSize();
        List<Tensor> pieces = new ArrayList<>(rows.length);
        long start = 0;
        for (long n : rows) {
            long[] shape = whole.shape();
            shape[0] = n;
            pieces.add(strings != null
                    ? Tensor.ofStrings(shape, Arrays.copyOfRange(strings, Math.toIntExact(start * rowElements),
                            Math.toIntExact((start + n) * rowElements)))
                    : Tensor.wrap(whole.dtype(), shape, whole.data().asSlice(start * rowBytes, n * rowBytes)));
            start += n;
        }
        return pieces;
    }
}
