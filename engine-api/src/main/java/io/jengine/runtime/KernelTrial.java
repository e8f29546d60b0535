package io.jengine.runtime;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.DeviceMemory;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.List;

/**
 * Runs prepared kernels of one node outside any plan, on the same inputs: once for constant folding and single-kernel
 * tests ({@link NodeExecutor}), again and again as the tuner times its candidates. The output buffers are allocated on
 * the first run and handed out again to every later run and every other kernel of the node, so that a timed run
 * allocates nothing and every candidate writes to the same memory. Its inputs' bounds ({@link #inputBound}) are
 * measured, as a graph input's are. Not for concurrent use; sub-graphs cannot be run.
 */
public final class KernelTrial implements KernelContext {
    private final Node node;
    private final Value[] inputs;
    private final int threads;
    private final Value[] outputs;
    /** Measured on first request (NaN: not finite, not float32, or not asked yet where {@code measured} is false). */
    private final float[] inputBounds;
    private final boolean[] measured;
    private final float[] outputBounds;
    /** The memory of the device the kernels run on, holding copies of the inputs; null for host kernels. */
    private final DeviceMemory device;
    /** The device's own time of the last run's kernels, in ms; NaN on the host or where the device does not time. */
    private double lastKernelMillis = Double.NaN;

    /** {@code inputs}: one value per node input (null where an optional one is omitted). */
    public KernelTrial(Node node, Value[] inputs, int threads) {
        this(node, inputs, threads, null);
    }

    /**
     * A trial of kernels that run on a device: {@code memory} (the trial's own, closed with it by the caller) gets
     * the inputs once, as constants; each run waits for the device and is timed by its clock where it can.
     */
    public KernelTrial(Node node, Value[] inputs, int threads, DeviceMemory memory) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (inputs.length != node.inputs().size()) {
            throw new IllegalArgumentException("node " + node.label() + " has " + node.inputs().size() + " inputs, got "
                    + inputs.length + " values");
        }
        this.node = node;
        this.inputs = inputs.clone();
        this.threads = threads;
        this.outputs = new Value[node.outputs().size()];
        this.inputBounds = new float[inputs.length];
        this.measured = new boolean[inputs.length];
        this.outputBounds = new float[outputs.length];
        this.device = memory;
        if (memory != null) {
            for (Value v : inputs) if (v instanceof Tensor t) memory.constantToDevice(t);
            memory.timeKernels(true);
        }
    }

    /** Runs {@code kernel} once on the inputs. */
    public void run(Kernel kernel) {
        java.util.Arrays.fill(outputBounds, Float.NaN);
        kernel.run(this);
        if (device != null) {
            lastKernelMillis = device.kernelSeconds() * 1e3;
            if (Double.isNaN(lastKernelMillis)) device.finish();
        }
    }

    /**
     * The device's own time of the last run's kernels, in ms (its profiling clock: no launch or wait of the host's);
     * NaN for a host kernel or a device that does not time them.
     */
    public double lastKernelMillis() { return lastKernelMillis; }

    @Override
    public DeviceMemory deviceMemory() { return device; }

    /** The bound the last run declared on output {@code i} ({@link #outputBound(int, float)}), NaN if none. */
    public float declaredBound(int i) { return outputBounds[i]; }

    @Override
    public float inputBound(int i) {
        if (i < 0 || i >= inputs.length) return Float.NaN;
        if (!measured[i]) {
            inputBounds[i] = ValueBounds.measure(inputs[i]);
            measured[i] = true;
        }
        return inputBounds[i];
    }

    @Override
    public void outputBound(int i, float bound) {
        outputBounds[i] = ValueBounds.declared(bound);
    }

    /** The values of the outputs after the last run (null where a kernel set none), copied back from a device. */
    public Value[] outputs() {
        if (device != null) for (Value v : outputs) if (v instanceof Tensor t) device.toHost(t);
        return outputs.clone();
    }

    @Override
    public Node node() { return node; }

    @Override
    public List<Value> runSubgraph(Graph body, List<Value> in) {
        throw new UnsupportedOperationException("a kernel trial cannot run sub-graphs (node " + node.label() + ")");
    }

    @Override
    public int inputCount() { return inputs.length; }

    @Override
    public int outputCount() { return outputs.length; }

    @Override
    public Value input(int i) { return i < inputs.length ? inputs[i] : null; }

    @Override
    public Tensor output(int i, DType dtype, long... shape) {
        if (outputs[i] instanceof Tensor t && t.dtype() == dtype && t.hasShape(shape)) return t;
        Tensor t = Tensor.allocate(dtype, shape);
        outputs[i] = t;
        return t;
    }

    @Override
    public void setOutput(int i, Value value) { outputs[i] = value; }

    @Override
    public int threads() { return threads; }
}
