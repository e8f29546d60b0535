package io.jengine.runtime;

import io.jengine.errors.InvalidInputException;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.errors.DeviceException;
import io.jengine.limits.ResourceLimits;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * A caller's handle for running an {@link Engine}, holding the memory runs reuse: the arena the plan places
 * intermediates in, allocated on the first run for a set of input shapes and kept until the shapes change or the
 * session closes. A session is for one thread at a time (hold one per thread); the engine itself is shared. What
 * {@link #run} returns belongs to the caller: a later run never writes into it.
 */
public final class Session implements AutoCloseable {
    private final Engine engine;
    private GraphPlan plan;
    private Arena arena;
    /** All of {@link #arena}'s memory: the current plan uses its first {@code arenaBytes}. */
    private MemorySegment arenaMemory;
    /** The engine's plan generation this session's plan belongs to. */
    private long generation;
    private Frame frame;
    private long[][] shapes;
    private boolean closed;
    private final SessionDevices devices = new SessionDevices();

    Session(Engine engine) { this.engine = engine; }

    public Engine engine() { return engine; }

    /** Runs the model; see {@link Engine#run(Map)}. */
    public Map<String, Value> run(Map<String, ? extends Value> inputs) { return run(inputs, null, null); }

    /** Runs the model, reporting to {@code observer} (may be null). */
    public Map<String, Value> run(Map<String, ? extends Value> inputs, RunObserver observer) {
        return run(inputs, null, observer);
    }

    /**
     * Runs the model, writing outputs into the caller's {@code outputs} buffers where given (by output name; each must
     * have the output's element type and shape, else it is an error), so that a steady loop allocates nothing.
     */
    public Map<String, Value> run(Map<String, ? extends Value> inputs, Map<String, Tensor> outputs,
                                  RunObserver observer) {
        if (closed) throw new IllegalStateException("session is closed");
        engine.enter();
        try {
            return runEntered(inputs, outputs, observer);
        } catch (DeviceException e) {
            // Planning (weights uploaded, device memory made) or running may meet the device gone.
            if (e.lost() && engine.deviceLost(e)) {
                throw new DeviceException(e.device(), e.getMessage() + " (the engine runs on the host from its next run)",
                        true, e);
            }
            throw e;
        } finally {
            engine.leave();
        }
    }

    private Map<String, Value> runEntered(Map<String, ? extends Value> inputs, Map<String, Tensor> outputs,
                                          RunObserver observer) {
        Value[] bound = engine.binder().bind(inputs);
        if (plan == null || generation != engine.generation() || !sameShapes(bound)) replan(bound);
        frame.clear();
        plan.bindConstants(frame);
        for (int i = 0; i < bound.length; i++) if (bound[i] != null) plan.bindInput(frame, i, bound[i]);
        frame.observer = observer;
        frame.callerOutputs = outputs == null || outputs.isEmpty() ? null : callerBuffers(outputs);
        try {
            plan.execute(frame);
            Map<String, Value> result = engine.binder().collectOutputs(plan, frame);
            if (frame.callerOutputs != null) checkCallerBuffersUsed(outputs, result);
            return result;
        } finally {
            frame.clear();
            frame.observer = null;
            frame.callerOutputs = null;
            devices.endRun();
        }
    }

    private Tensor[] callerBuffers(Map<String, Tensor> outputs) {
        Tensor[] bySlot = new Tensor[plan.slotCount()];
        var declared = plan.graph().outputs();
        for (var e : outputs.entrySet()) {
            int index = -1;
            for (int i = 0; i < declared.size(); i++) if (declared.get(i).name().equals(e.getKey())) index = i;
            if (index < 0) {
                throw new InvalidInputException("output buffer given for '" + e.getKey() + "', which is not an output; "
                        + "the outputs are " + declared.stream().map(v -> v.name()).toList());
            }
            bySlot[plan.outputSlot(index)] = e.getValue();
        }
        return bySlot;
    }

    private static void checkCallerBuffersUsed(Map<String, Tensor> given, Map<String, Value> result) {
        for (var e : given.entrySet()) {
            if (result.get(e.getKey()) != e.getValue()) {
                Value got = result.get(e.getKey());
                throw new InvalidInputException("output buffer for '" + e.getKey() + "' is " + e.getValue().describe()
                        + " but the output is " + (got == null ? "missing" : got.describe()));
            }
        }
    }

    private boolean sameShapes(Value[] bound) {
        for (int i = 0; i < bound.length; i++) {
            long[] s = shapes[i];
            if (bound[i] instanceof Tensor t ? s == null || !t.hasShape(s) : s != null) return false;
        }
        return true;
    }

    /** Takes the engine's plan for these input shapes and makes this session's memory for it. */
    private void replan(Value[] bound) {
        long gen = engine.generation();
        GraphPlan next = engine.planFor(bound);
        if (next != plan && next.layout() != null) {
            // Checked before this session gives up its current memory, so a refused shape leaves it as it was.
            ResourceLimits.checkAllocation("the activation memory planned for inputs " + describe(bound, next),
                    next.layout().arenaBytes());
        }
        generation = gen;
        shapes = new long[bound.length][];
        for (int i = 0; i < bound.length; i++) shapes[i] = bound[i] instanceof Tensor t ? t.shape() : null;
        if (next == plan) return;
        try {
            adopt(next);
        } catch (RuntimeException | Error e) {
            // Half-made memory for a plan is no plan: the next run starts over.
            plan = null;
            throw e;
        }
    }

    private void adopt(GraphPlan next) {
        MemoryLayout nextLayout = next.layout();
        long need = nextLayout == null ? 0 : nextLayout.arenaBytes();
        // A plan for other shapes (the next batch size a server sends) is placed in the memory this session holds
        // where it fits: new memory is faulted in page by page on its first run, which cost a served ResNet-18 a
        // seventh of its time while batch sizes alternated. No kernel reads what it did not write in a run, so what
        // an earlier plan left there is as good as zeros.
        if (need == 0 || arenaMemory == null || arenaMemory.byteSize() < need) releaseArena();
        if (engine.deviceFault() != null) {
            // The engine left its device: what this session held there is given up (the device may be gone, so a
            // failure to free it is nothing to report), and no new memory is made there.
            try {
                devices.close();
            } catch (RuntimeException ignored) {
                // freed with the device
            }
        }
        plan = next;
        MemoryLayout layout = plan.layout();
        Tensor[] planned = null;
        MemorySegment memory = null;
        if (need > 0) {
            if (arena == null) {
                arena = Arena.ofShared();
                arenaMemory = arena.allocate(need, MemoryPlan.ALIGNMENT);
            }
            memory = arenaMemory.asSlice(0, need);
            planned = layout.materialize(memory);
        }
        devices.attachArena(memory);
        frame = plan.newFrame(null, planned, engine.options().effectiveThreads(), devices);
    }

    private static String describe(Value[] bound, GraphPlan plan) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bound.length; i++) {
            if (bound[i] == null) continue;
            if (b.length() > 0) b.append(", ");
            b.append(plan.graph().inputs().get(i).name()).append(' ').append(bound[i].describe());
        }
        return b.toString();
    }

    /** Planned bytes of the arena this session holds now (0 before the first run). */
    public long arenaBytes() { return memoryReport().arenaBytes(); }

    /** The memory plan of the plan this session last ran (for the shapes of its last run; empty before the first). */
    public Engine.MemoryReport memoryReport() {
        MemoryLayout l = plan == null ? null : plan.layout();
        return l == null ? new Engine.MemoryReport(0, 0, 0) : new Engine.MemoryReport(l.arenaBytes(), l.peakLiveBytes(), l.placedCount());
    }

    private void releaseArena() {
        if (arena != null) arena.close();
        arena = null;
        arenaMemory = null;
    }

    /** Frees the session's arena; the engine and other sessions are not affected. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        devices.close();
        releaseArena();
        frame = null;
        plan = null;
    }
}
