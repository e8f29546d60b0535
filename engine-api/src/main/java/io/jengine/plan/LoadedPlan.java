package io.jengine.plan;

import io.jengine.ir.Model;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import java.nio.file.Path;

/**
 * A plan file read back: its header (versions, the device it was tuned on, the tactic of every layer, what tuning
 * measured, the memory plan, the input and output signatures) and the optimized model it runs.
 */
public record LoadedPlan(Path file, PlanHeader header, Model model) {}
