package io.jengine.serving;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's memory for stacking its batches' inputs, kept from batch to batch: a block per input, grown to the
 * largest batch seen. A fresh tensor per batch took pages the C allocator had to fault in and zero (a ResNet batch of 8
 * is 4.8 MB, about 5 ms of each run's 110 on a 2-core machine, on the critical path); a kept block stays warm. An
 * output that is a view of an input (a model that passes an input through) would see the next batch overwrite it, so
 * a batch whose outputs overlap a block gives that block up to them and the next batch takes a new one.
 */
final class BatchStaging {
    private final Map<String, MemorySegment> blocks = new HashMap<>();

    /** {@code parts} stacked along axis 0 into this worker's block for {@code input}; strings get a tensor of their own. */
    Tensor stack(String input, List<Tensor> parts) {
        if (parts.getFirst().dtype() == DType.STRING) return TensorBatching.concat(parts);
        long bytes = 0;
        for (Tensor t : parts) bytes += t.byteSize();
        MemorySegment block = blocks.get(input);
        if (block == null || block.byteSize() < bytes) {
            block = Tensor.allocateUninitialized(DType.UINT8, Math.max(bytes, 1)).data();
            blocks.put(input, block);
        }
        return TensorBatching.stackInto(parts, block.asSlice(0, bytes));
    }

    /** Gives up every block that one of {@code outputs} overlaps: that output keeps it, and the next batch takes a new one. */
    void release(Map<String, Value> outputs) {
        if (outputs == null) return;
        blocks.values().removeIf(block -> outputs.values().stream().anyMatch(v -> v instanceof Tensor t
                && !t.isClosed() && t.dtype() != DType.STRING && t.data().asOverlappingSlice(block).isPresent()));
    }
}
