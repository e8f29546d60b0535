package io.jengine.cpu.ref;

import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Scan. From opset 9 each scan input is sliced along its own axis (scan_input_axes), forwards or backwards, and each
 * scan output is stacked along its own axis, appended or prepended. Opset 8 instead has a leading batch axis on every
 * state and scan input, scans axis 1, and takes an optional first input sequence_lens: batch entries with shorter
 * sequences run fewer steps and their scan outputs are padded with zeros.
 */
final class ScanKernel {
    private ScanKernel() {}

    /** The attributes of one Scan node, checked against its input count and body. */
    private record Config(Graph body, int states, int scanInputs, int scanOutputs, long[] inAxes, long[] inDirs,
                          long[] outAxes, long[] outDirs) {}

    static void register(KernelRegistry r) {
        r.add("Scan", 8, n -> {
            Config c = config(n.node(), 1, n.node().attrInts("directions", null), "directions");
            return (ctx, in) -> scanBatched(ctx, c, in);
        });
        r.add("Scan", 9, n -> {
            Config c = config(n.node(), 0, n.node().attrInts("scan_input_directions", null), "scan_input_directions");
            return (ctx, in) -> scan(ctx, c, Arrays.asList(in));
        });
    }

    private static Config config(Node node, int leading, long[] inDirs, String inDirsName) {
        Graph body = ControlFlowKernels.requiredGraph(node, "body");
        if (!node.hasAttr("num_scan_inputs")) throw new IllegalArgumentException("attribute num_scan_inputs is required");
        long m = node.attrInt("num_scan_inputs", 0);
        int inputs = node.inputs().size() - leading;
        if (m < 1 || m > inputs) {
            throw new IllegalArgumentException("attribute num_scan_inputs must be in [1, " + inputs + "], got " + m);
        }
        int scanInputs = (int) m, states = inputs - scanInputs;
        if (body.inputs().size() != inputs) {
            throw new IllegalArgumentException("Scan body must take " + inputs + " inputs (states, then scan "
                    + "elements), got " + body.inputs().size());
        }
        int scanOutputs = body.outputs().size() - states;
        if (scanOutputs < 0) {
            throw new IllegalArgumentException("Scan body must produce at least its " + states + " states, got "
                    + body.outputs().size() + " outputs");
        }
        long[] inAxes = node.attrInts("scan_input_axes", null), outAxes = node.attrInts("scan_output_axes", null);
        long[] outDirs = node.attrInts("scan_output_directions", null);
        checkLength(inDirsName, inDirs, scanInputs);
        checkLength("scan_input_axes", inAxes, scanInputs);
        checkLength("scan_output_axes", outAxes, scanOutputs);
        checkLength("scan_output_directions", outDirs, scanOutputs);
        return new Config(body, states, scanInputs, scanOutputs, inAxes, inDirs, outAxes, outDirs);
    }

    private static void checkLength(String attr, long[] v, int expected) {
        if (v != null && v.length != expected) {
            throw new IllegalArgumentException("attribute " + attr + " must have " + expected + " entries, got "
                    + v.length);
        }
    }

    private static boolean flag(long[] v, int i) { return v != null && v[i] != 0; }

    /** Opset 9+: one scan over all inputs; {@code in} holds the states then the scan inputs. */
    private static Value[] scan(ExecutionContext ctx, Config c, List<Value> in) {
        List<Value> state = new ArrayList<>(in.subList(0, c.states()));
        List<Tensor> scanIn = new ArrayList<>();
        int[] axes = new int[c.scanInputs()];
        long steps = -1;
        for (int i = 0; i < c.scanInputs(); i++) {
            Value v = in.get(c.states() + i);
            if (!(v instanceof Tensor t)) {
                throw new IllegalArgumentException("scan input " + i + " must be a tensor, got "
                        + (v == null ? "nothing" : v.describe()));
            }
            scanIn.add(t);
            axes[i] = Shapes.normalizeAxis(c.inAxes() == null ? 0 : c.inAxes()[i], t.rank());
            long len = t.dim(axes[i]);
            if (steps >= 0 && len != steps) {
                throw new IllegalArgumentException("scan inputs must have equal lengths along their scan axes, got "
                        + steps + " and " + len);
            }
            steps = len;
        }
        List<List<Tensor>> outs = new ArrayList<>();
        for (int k = 0; k < c.scanOutputs(); k++) outs.add(new ArrayList<>());
        for (long t = 0; t < steps; t++) {
            List<Value> args = new ArrayList<>(state);
            for (int i = 0; i < c.scanInputs(); i++) {
                long at = flag(c.inDirs(), i) ? steps - 1 - t : t;
                args.add(take(scanIn.get(i), axes[i], at));
            }
            List<Value> out = ctx.runSubgraph(c.body(), args);
            state = new ArrayList<>(out.subList(0, c.states()));
            for (int k = 0; k < c.scanOutputs(); k++) {
                if (!(out.get(c.states() + k) instanceof Tensor y)) {
                    throw new IllegalArgumentException("Scan body scan output " + k + " must be a tensor, got "
                            + out.get(c.states() + k).describe());
                }
                outs.get(k).add(y);
            }
        }
        Value[] res = new Value[c.states() + c.scanOutputs()];
        for (int k = 0; k < c.states(); k++) res[k] = ValueCopies.copy(state.get(k));
        for (int k = 0; k < c.scanOutputs(); k++) {
            List<Tensor> items = new ArrayList<>(outs.get(k));
            if (flag(c.outDirs(), k)) Collections.reverse(items);
            long axisAttr = c.outAxes() == null ? 0 : c.outAxes()[k];
            ValueType declared = c.body().typeOf(c.body().outputs().get(c.states() + k).name());
            if (items.isEmpty()) {
                res[c.states() + k] = emptyStack(declared, axisAttr);
            } else {
                res[c.states() + k] = SequenceKernels.concat(items, axisAttr, true);
            }
        }
        return res;
    }

    /** Element {@code at} of {@code x} along {@code axis}, with that axis removed. */
    private static Tensor take(Tensor x, int axis, long at) {
        Tensor slice = IndexingKernels.slice(x, new long[] {at}, new long[] {at + 1}, new long[] {axis}, null);
        return ShapeKernels.squeeze(slice, new long[] {axis});
    }

    /**
     * The stack of zero per-step outputs: the declared per-step shape (unknown dims as 0) with a zero-length axis
     * inserted at {@code axisAttr}.
     */
    static Tensor emptyStack(ValueType declared, long axisAttr) {
        DType dt = DType.FLOAT32;
        long[] dims = new long[0];
        if (declared instanceof ValueType.TensorType tt) {
            if (tt.elementType() != null) dt = tt.elementType();
            if (tt.shape() != null) {
                dims = new long[tt.shape().rank()];
                for (int i = 0; i < dims.length; i++) {
                    Dim d = tt.shape().dim(i);
                    dims[i] = d.isKnown() ? d.value() : 0;
                }
            }
        }
        int axis = Shapes.normalizeAxis(axisAttr, dims.length + 1);
        long[] shape = new long[dims.length + 1];
        for (int i = 0, j = 0; i < shape.length; i++) shape[i] = i == axis ? 0 : dims[j++];
        return Tensor.allocate(dt, shape);
    }

    /** Opset 8: per batch entry, a scan over axis 0 of the entry's slices, then the results stacked again. */
    private static Value[] scanBatched(ExecutionContext ctx, Config c, Value[] in) {
        Tensor lens = KernelSupport.optionalTensor(in, 0);
        List<Tensor> rest = new ArrayList<>();
        for (int i = 1; i < in.length; i++) rest.add(KernelSupport.tensor(in, i));
        long batch = rest.getFirst().rank() == 0 ? -1 : rest.getFirst().dim(0);
        long maxLen = rest.get(c.states()).rank() < 2 ? -1 : rest.get(c.states()).dim(1);
        for (int i = 0; i < rest.size(); i++) {
            Tensor t = rest.get(i);
            if (t.rank() < (i < c.states() ? 1 : 2) || t.dim(0) != batch) {
                throw new IllegalArgumentException("Scan-8 input " + (i + 1) + " must have the batch axis of length "
                        + batch + (i < c.states() ? "" : " and a sequence axis") + ", got shape "
                        + Shapes.format(t.shape()));
            }
        }
        if (lens != null && lens.size() != batch) {
            throw new IllegalArgumentException("input 0 (sequence_lens) must have " + batch + " entries, got "
                    + lens.size());
        }
        List<List<Tensor>> perOutput = new ArrayList<>();
        for (int k = 0; k < c.states() + c.scanOutputs(); k++) perOutput.add(new ArrayList<>());
        for (long b = 0; b < batch; b++) {
            long len = lens == null ? maxLen : lens.getLong(b);
            if (len < 0 || len > maxLen) {
                throw new IllegalArgumentException("input 0 (sequence_lens) entry " + b + " must be in [0, " + maxLen
                        + "], got " + len);
            }
            List<Value> entry = new ArrayList<>();
            for (int i = 0; i < rest.size(); i++) {
                Tensor t = take(rest.get(i), 0, b);
                if (i >= c.states() && len < maxLen) {
                    t = IndexingKernels.slice(t, new long[] {0}, new long[] {len}, new long[] {0}, null);
                }
                entry.add(t);
            }
            Value[] out = scan(ctx, c, entry);
            for (int k = 0; k < out.length; k++) {
                Tensor y = (Tensor) out[k];
                if (k >= c.states() && len < maxLen) y = padSteps(y, maxLen);
                perOutput.get(k).add(y);
            }
        }
        Value[] res = new Value[perOutput.size()];
        for (int k = 0; k < res.length; k++) {
            res[k] = batch > 0 ? SequenceKernels.concat(perOutput.get(k), 0, true)
                    : k < c.states() ? rest.get(k).copy() : emptyBatch(c, k, maxLen);
        }
        return res;
    }

    /** A scan output of an empty batch: [0, sequence length, the declared per-step dims]. */
    private static Tensor emptyBatch(Config c, int k, long steps) {
        Tensor perEntry = emptyStack(c.body().typeOf(c.body().outputs().get(k).name()), 0);
        long[] perStep = perEntry.shape();
        long[] shape = new long[perStep.length + 1];
        shape[1] = steps;
        System.arraycopy(perStep, 1, shape, 2, perStep.length - 1);
        return Tensor.allocate(perEntry.dtype(), shape);
    }

    /** Appends zero steps along axis 0 up to {@code steps}. */
    private static Tensor padSteps(Tensor y, long steps) {
        long[] shape = y.shape();
        shape[0] = steps - shape[0];
        return ShapeKernels.concat(List.of(y, Tensor.allocate(y.dtype(), shape)), 0);
    }
}
