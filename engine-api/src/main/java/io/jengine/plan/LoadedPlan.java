package io.jengine.plan;

import io.jengine.ir.Model;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import java.nio.file.Path;

/**
 * A plan file read back: its header (versions, the device it was tuned on, the tactic of every layer, what tuning
 * measured, the memory plan, the input and output signatures), the optimized model it runs, and the kernels' packed
 * parts it stored.
 */
public record LoadedPlan(Path file, PlanHeader header, Model model, io.jengine.spi.PackedStore packed) {
    public LoadedPlan {
        if (packed == null) packed = io.jengine.spi.PackedStore.NONE;
    }

    public LoadedPlan(Path file, PlanHeader header, Model model) {
        this(file, header, model, io.jengine.spi.PackedStore.NONE);
    }
}
