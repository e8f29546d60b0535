package io.jengine.runtime;

import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.Arrays;

/**
 * The values of one run of one graph, by slot (the plan numbers every value name once). A sub-graph's frame reads
 * names it does not define from its parent's. {@code planned} holds the session's arena tensors by slot (null for
 * sub-graphs and for slots the memory plan does not place); {@code callerOutputs} the buffers a caller passed for
 * graph outputs.
 */
final class Frame {
    final GraphPlan plan;
    final Frame parent;
    RunObserver observer;
    final Value[] values;
    /** Per slot, {@link io.jengine.spi.KernelContext#inputBound}'s figure: NaN where unknown. */
    final float[] bounds;
    /** Slots holding a graph input whose bound is measured on first request. */
    final boolean[] unmeasured;
    final Tensor[] planned;
    Tensor[] callerOutputs;
    final int threads;
    /** The session's memory on devices; shared with sub-graph frames. */
    final SessionDevices devices;

    Frame(GraphPlan plan, Frame parent, RunObserver observer, Tensor[] planned, int threads, SessionDevices devices) {
        this.devices = devices;
        this.plan = plan;
        this.parent = parent;
        this.observer = observer;
        this.values = new Value[plan.slotCount()];
        this.bounds = new float[values.length];
        this.unmeasured = new boolean[values.length];
        Arrays.fill(bounds, Float.NaN);
        this.planned = planned;
        this.threads = threads;
    }

    /** The value of {@code name} here or in an enclosing frame, or null. */
    Value lookup(String name) {
        for (Frame f = this; f != null; f = f.parent) {
            Integer slot = f.plan.slotOf(name);
            if (slot != null && f.values[slot] != null) return f.values[slot];
        }
        return null;
    }

    /** Clears every value, so that a reused frame holds nothing of the previous run. */
    void clear() {
        Arrays.fill(values, null);
        Arrays.fill(bounds, Float.NaN);
        Arrays.fill(unmeasured, false);
    }
}
