package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.errors.KernelException;
import io.jengine.errors.ResourceLimitException;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import io.jengine.tensor.Value;
import java.util.List;
import java.util.Map;

/**
 * The {@link KernelContext} of one frame, moved from step to step so that the run loop allocates nothing of its own:
 * inputs are read from the frame's slots, outputs go to the session's arena tensors where the memory plan placed
 * them (or to the caller's buffers, or to new tensors), and every named output is checked to have been produced.
 */
final class StepContext implements KernelContext {
    private final Frame frame;
    private final Map<Graph, GraphPlan> subplans;
    private PlanStep step;

    StepContext(Frame frame, Map<Graph, GraphPlan> subplans) {
        this.frame = frame;
        this.subplans = subplans;
    }

    void run(PlanStep s) {
        step = s;
        Node node = s.node();
        for (int i = 0; i < s.inputs().length; i++) {
            if (s.inputs()[i] >= 0 && input(i) == null) {
                throw new EngineException("node " + node.label() + ": input '" + node.inputs().get(i)
                        + "' has no value (an optional graph input that was not fed?)");
            }
        }
        transfer(s.before());
        RunObserver observer = frame.observer;
        long t0 = observer == null ? 0 : System.nanoTime();
        for (int o : s.outputs()) {
            if (o >= 0) {
                frame.bounds[o] = Float.NaN;
                frame.unmeasured[o] = false;
            }
        }
        if (s.elided()) {
            frame.values[s.outputs()[0]] = frame.planned[s.outputs()[0]];
        } else {
            invoke(s);
            if (CHECK_BOUNDS) checkDeclaredBounds(s);
        }
        if (observer != null) {
            // a device queues its work: the layer's time is until it has finished
            if (s.device() != null) frame.devices.memory(s.device()).finish();
            observer.nodeFinished(node, s.tactic().key(), System.nanoTime() - t0);
            if (observer.wantsValues()) {
                Value[] produced = outputsOf(s);
                if (s.device() != null) {
                    for (Value v : produced) if (v instanceof Tensor t) frame.devices.memory(s.device()).toHost(t);
                }
                observer.valuesProduced(node, produced);
            }
        }
        for (int i = 0; i < s.outputs().length; i++) {
            if (s.outputs()[i] >= 0 && frame.values[s.outputs()[i]] == null) {
                throw new KernelException("node " + node.label() + " produced no value for output '"
                        + node.outputs().get(i) + "'", null);
            }
        }
        for (int d : s.lastUses()) frame.values[d] = null;
    }

    /**
     * With assertions on (as in the tests), every bound a kernel declares is checked against what it wrote: a wrong
     * bound would let a later kernel drop a NaN the reference keeps, silently.
     */
    private static final boolean CHECK_BOUNDS = StepContext.class.desiredAssertionStatus();

    private void checkDeclaredBounds(PlanStep s) {
        for (int i = 0; i < s.outputs().length; i++) {
            int o = s.outputs()[i];
            if (o < 0 || Float.isNaN(frame.bounds[o])) continue;
            if (!ValueBounds.holds(frame.values[o], frame.bounds[o])) {
                throw new KernelException("node " + s.node().label() + " declared a bound of " + frame.bounds[o]
                        + " on output " + i + " that its values exceed (or a value is not finite)", null);
            }
        }
    }

    /** Makes the copies between host and devices the plan put here. */
    void transfer(Transfer[] copies) {
        for (Transfer c : copies) {
            Value v = frame.values[c.slot()];
            if (v == null && frame.parent != null) v = frame.parent.lookup(frame.plan.nameOf(c.slot()));
            if (!(v instanceof Tensor t)) continue; // an omitted optional value, or not a tensor: nothing to move
            if (c.constant()) frame.devices.memory(c.device()).constantToDevice(t);
            else if (c.toDevice()) frame.devices.memory(c.device()).toDevice(t);
            else frame.devices.memory(c.device()).toHost(t);
        }
    }

    @Override
    public io.jengine.spi.DeviceMemory deviceMemory() {
        return step.device() == null ? null : frame.devices.memory(step.device());
    }

    private Value[] outputsOf(PlanStep s) {
        Value[] out = new Value[s.outputs().length];
        for (int i = 0; i < out.length; i++) out[i] = s.outputs()[i] < 0 ? null : frame.values[s.outputs()[i]];
        return out;
    }

    private void invoke(PlanStep s) {
        Node node = s.node();
        try {
            s.kernel().run(this);
        } catch (ResourceLimitException e) {
            if (e.getMessage().startsWith("node ")) throw e;
            throw new ResourceLimitException("node " + node.label() + ": " + e.getMessage(), e);
        } catch (EngineException | UnsupportedDTypeException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            // A kernel's one large heap or native block could not be had; what it allocated is garbage now, so the
            // engine stays usable and the caller learns which node asked.
            throw new ResourceLimitException("node " + node.label() + ": out of memory (" + e.getMessage() + ")", e);
        } catch (StackOverflowError e) {
            throw new KernelException("node " + node.label() + ": stack overflow", e);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new KernelException("node " + node.label() + ": " + msg, e);
        }
    }

    @Override
    public Node node() { return step.node(); }

    @Override
    public int inputCount() { return step.inputs().length; }

    @Override
    public int outputCount() { return step.outputs().length; }

    @Override
    public Value input(int i) {
        int slot = step.inputs()[i];
        if (slot < 0) return null;
        Value v = frame.values[slot];
        // Sub-graphs read names of enclosing scopes through their parent frames.
        if (v == null && frame.parent != null) v = frame.parent.lookup(step.node().inputs().get(i));
        return v;
    }

    @Override
    public Tensor output(int i, DType dtype, long... shape) {
        int slot = slotOfOutput(i);
        if (slot < 0) return Tensor.allocate(dtype, shape);
        Tensor t = frame.planned == null ? null : frame.planned[slot];
        if (t != null && (t.dtype() != dtype || !t.hasShape(shape))) {
            // Views of this buffer were made from the plan's shape: writing elsewhere would leave them stale.
            throw new KernelException("node " + step.node().label() + ": output " + i + " is " + dtype + " "
                    + io.jengine.tensor.Shapes.format(shape) + " but shape inference planned " + t.describe(), null);
        }
        if (t == null) t = callerBuffer(slot, dtype, shape);
        if (t == null) t = Tensor.allocate(dtype, shape);
        frame.values[slot] = t;
        return t;
    }

    private Tensor callerBuffer(int slot, DType dtype, long[] shape) {
        Tensor[] given = frame.callerOutputs;
        if (given == null) return null;
        Tensor t = given[slot];
        return t != null && t.dtype() == dtype && t.hasShape(shape) ? t : null;
    }

    @Override
    public void setOutput(int i, Value value) {
        int slot = slotOfOutput(i);
        if (slot >= 0) frame.values[slot] = value;
    }

    private int slotOfOutput(int i) {
        if (i < 0 || i >= step.outputs().length) {
            throw new IllegalArgumentException("output " + i + " does not exist: " + step.node().label() + " has "
                    + step.outputs().length + " outputs");
        }
        return step.outputs()[i];
    }

    @Override
    public int threads() { return frame.threads; }

    @Override
    public float inputBound(int i) {
        int slot = step.inputs()[i];
        if (slot < 0 || frame.values[slot] == null) return Float.NaN; // omitted, or an enclosing frame's value
        if (frame.unmeasured[slot]) {
            frame.unmeasured[slot] = false;
            frame.bounds[slot] = ValueBounds.measure(frame.values[slot]);
        }
        return frame.bounds[slot];
    }

    @Override
    public void outputBound(int i, float bound) {
        int slot = slotOfOutput(i);
        if (slot >= 0) frame.bounds[slot] = ValueBounds.declared(bound);
    }

    @Override
    public List<Value> runSubgraph(Graph body, List<Value> inputs) {
        GraphPlan plan = subplans.get(body);
        if (plan == null) {
            throw new IllegalArgumentException("graph '" + body.name() + "' is not a sub-graph of " + step.node().label());
        }
        return plan.runNested(frame, inputs);
    }
}
