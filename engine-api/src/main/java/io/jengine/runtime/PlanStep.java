package io.jengine.runtime;

import io.jengine.ir.Node;
import io.jengine.spi.Device;
import io.jengine.spi.Kernel;
import io.jengine.spi.Tactic;

/**
 * One step of a plan: the node, the tactic chosen for it and its prepared kernel, the frame slots of its inputs (-1
 * for an omitted optional input) and outputs (-1 for an unnamed output), and the slots whose last reader it is,
 * cleared after the step. {@code elided}: a view whose bytes the session prepared once, so the kernel never runs.
 * {@code device}: where the kernel runs (null: the host); {@code before}: the copies between host and device that
 * must precede it, because an input's current bytes are on the other side.
 */
record PlanStep(Node node, Tactic tactic, Kernel kernel, int[] inputs, int[] outputs, int[] lastUses,
                boolean elided, Device device, Transfer[] before) {}
