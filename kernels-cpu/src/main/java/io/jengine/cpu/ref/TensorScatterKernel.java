package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * TensorScatter (opset 24): the functional KV-cache update. The output is {@code past_cache} with, for every batch
 * entry {@code b}, the rows of {@code update} written along {@code axis} starting at {@code write_indices[b]} (0 when
 * omitted); in "circular" mode the row index wraps modulo the cache length, in "linear" mode it must stay inside.
 */
final class TensorScatterKernel {
    private TensorScatterKernel() {}

    /** Reads {@code axis} (default -2) and {@code mode} (linear or circular) once. */
    static ValueKernel create(Node node) {
        long axisAttr = node.attrInt("axis", -2);
        String mode = node.attrString("mode", "linear");
        if (!mode.equals("linear") && !mode.equals("circular")) {
            throw new IllegalArgumentException("attribute 'mode' must be linear or circular, got '" + mode + "'");
        }
        boolean circular = mode.equals("circular");
        return (ctx, in) -> new Value[] {
            scatter(tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), axisAttr, circular)};
    }

    static Tensor scatter(Tensor past, Tensor update, Tensor writeIndices, long axisAttr, boolean circular) {
        int rank = past.rank();
        if (rank < 2) throw new IllegalArgumentException("past_cache must have rank >= 2, got " + past.describe());
        int axis = Shapes.normalizeAxis(axisAttr, rank);
        if (axis == 0) throw new IllegalArgumentException("attribute 'axis' cannot be the batch axis 0");
        if (update.dtype() != past.dtype()) {
            throw new IllegalArgumentException("update is " + update.dtype() + ", expected " + past.dtype());
        }
        long[] ps = past.shape(), us = update.shape();
        boolean shapesAgree = us.length == rank;
        for (int d = 0; shapesAgree && d < rank; d++) shapesAgree = d == axis ? us[d] <= ps[d] : us[d] == ps[d];
        if (!shapesAgree) {
            throw new IllegalArgumentException("update shape " + Shapes.format(us) + " must equal past_cache shape "
                    + Shapes.format(ps) + " except for a no larger axis " + axis);
        }
        long batch = ps[0];
        if (writeIndices != null && writeIndices.size() != batch) {
            throw new IllegalArgumentException("write_indices must have " + batch + " entries, got "
                    + writeIndices.describe());
        }
        long maxLen = ps[axis], seqLen = us[axis];
        long prefix = Shapes.size(Arrays.copyOfRange(ps, 0, axis));
        long inner = Shapes.size(Arrays.copyOfRange(ps, axis + 1, rank));
        long perBatch = prefix / Math.max(batch, 1);
        Tensor out = past.copy();
        for (long p = 0; p < prefix; p++) {
            long b = p / Math.max(perBatch, 1);
            long start = writeIndices == null ? 0 : writeIndices.getLong(b);
            for (long s = 0; s < seqLen; s++) {
                long row = start + s;
                if (circular) row = Math.floorMod(row, maxLen);
                if (row < 0 || row >= maxLen) {
                    throw new IllegalArgumentException("write_indices[" + b + "] = " + start + " writes row " + row
                            + " outside a cache of " + maxLen + " (mode linear)");
                }
                Elements.copyRange(update, (p * seqLen + s) * inner, out, (p * maxLen + row) * inner, inner);
            }
        }
        return out;
    }
}
