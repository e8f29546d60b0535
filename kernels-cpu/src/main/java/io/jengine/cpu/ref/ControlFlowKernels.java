package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Graph;
import io.jengine.ir.ValueType;
import io.jengine.runtime.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** If, Loop and Scan: their bodies run through {@link ExecutionContext#runSubgraph}. */
final class ControlFlowKernels {
    private ControlFlowKernels() {}

    static void register(KernelRegistry r) {
        r.add("If", 1, n -> {
            Graph then = n.node().attrGraph("then_branch"), other = n.node().attrGraph("else_branch");
            if (then == null || other == null) throw new IllegalArgumentException("If needs then_branch and else_branch");
            return (ctx, in) -> {
                boolean cond = tensor(in, 0).getLong(0) != 0;
                return ctx.runSubgraph(cond ? then : other, List.of()).toArray(Value[]::new);
            };
        });
        r.add("Loop", 1, n -> {
            Graph body = n.node().attrGraph("body");
            return (ctx, in) -> loop(ctx, body, in);
        });
        r.add("Scan", 8, n -> {
            Graph body = n.node().attrGraph("body");
            int numScan = (int) n.node().attrInt("num_scan_inputs", 0);
            long[] dirs = n.node().attrInts("directions", null);
            return (ctx, in) -> scan8(ctx, body, numScan, dirs, in);
        });
        r.add("Scan", 9, n -> {
            Graph body = n.node().attrGraph("body");
            int numScan = (int) n.node().attrInt("num_scan_inputs", 0);
            long[] inAxes = n.node().attrInts("scan_input_axes", null), inDirs = n.node().attrInts("scan_input_directions", null);
            long[] outAxes = n.node().attrInts("scan_output_axes", null), outDirs = n.node().attrInts("scan_output_directions", null);
            return (ctx, in) -> scan(ctx, body, numScan, inAxes, inDirs, outAxes, outDirs, Arrays.asList(in));
        });
    }

    private static Value[] loop(ExecutionContext ctx, Graph body, Value[] in) {
        Tensor maxTrips = optionalTensor(in, 0), condIn = optionalTensor(in, 1);
        long max = maxTrips == null ? Long.MAX_VALUE : maxTrips.getLong(0);
        boolean cond = condIn == null || condIn.getLong(0) != 0;
        List<Value> carried = new ArrayList<>(Arrays.asList(in).subList(2, in.length));
        int n = carried.size();
        int scanCount = body.outputs().size() - 1 - n;
        List<List<Tensor>> scans = new ArrayList<>();
        for (int k = 0; k < scanCount; k++) scans.add(new ArrayList<>());
        for (long i = 0; i < max && cond; i++) {
            List<Value> args = new ArrayList<>();
            args.add(Tensor.ofLongs(new long[0], i));
            args.add(Tensor.ofBools(new long[0], cond));
            args.addAll(carried);
            List<Value> out = ctx.runSubgraph(body, args);
            cond = ((Tensor) out.getFirst()).getLong(0) != 0;
            carried = new ArrayList<>(out.subList(1, 1 + n));
            for (int k = 0; k < scanCount; k++) scans.get(k).add((Tensor) out.get(1 + n + k));
        }
        Value[] res = new Value[n + scanCount];
        for (int k = 0; k < n; k++) res[k] = carried.get(k);
        for (int k = 0; k < scanCount; k++) res[n + k] = stack(scans.get(k), 0, body, 1 + n + k);
        return res;
    }

    /** Stacks per-iteration tensors along a new axis; an empty list gives a tensor with a zero-length axis. */
    private static Tensor stack(List<Tensor> items, int axis, Graph body, int outputIndex) {
        if (items.isEmpty()) {
            ValueType t = body.typeOf(body.outputs().get(outputIndex).name());
            DType dt = t instanceof ValueType.TensorType tt && tt.elementType() != null ? tt.elementType() : DType.FLOAT32;
            return Tensor.allocate(dt, 0);
        }
        return SequenceKernels.concat(items, axis, true);
    }

    private static Value[] scan(ExecutionContext ctx, Graph body, int numScan, long[] inAxes, long[] inDirs,
                                long[] outAxes, long[] outDirs, List<Value> in) {
        int nState = in.size() - numScan;
        List<Value> state = new ArrayList<>(in.subList(0, nState));
        List<Tensor> scanIn = new ArrayList<>();
        for (int i = 0; i < numScan; i++) scanIn.add((Tensor) in.get(nState + i));
        long steps = -1;
        int[] axes = new int[numScan];
        for (int i = 0; i < numScan; i++) {
            axes[i] = Shapes.normalizeAxis(inAxes == null ? 0 : inAxes[i], scanIn.get(i).rank());
            long len = scanIn.get(i).dim(axes[i]);
            if (steps >= 0 && len != steps) throw new IllegalArgumentException("scan inputs have lengths " + steps + " and " + len);
            steps = len;
        }
        int scanOuts = body.outputs().size() - nState;
        List<List<Tensor>> outs = new ArrayList<>();
        for (int k = 0; k < scanOuts; k++) outs.add(new ArrayList<>());
        for (long t = 0; t < steps; t++) {
            List<Value> args = new ArrayList<>(state);
            for (int i = 0; i < numScan; i++) {
                long at = inDirs != null && inDirs[i] != 0 ? steps - 1 - t : t;
                Tensor slice = IndexingKernels.slice(scanIn.get(i), new long[] {at}, new long[] {at + 1}, new long[] {axes[i]}, null);
                args.add(ShapeKernels.squeeze(slice, new long[] {axes[i]}));
            }
            List<Value> out = ctx.runSubgraph(body, args);
            state = new ArrayList<>(out.subList(0, nState));
            for (int k = 0; k < scanOuts; k++) outs.get(k).add((Tensor) out.get(nState + k));
        }
        Value[] res = new Value[nState + scanOuts];
        for (int k = 0; k < nState; k++) res[k] = state.get(k);
        for (int k = 0; k < scanOuts; k++) {
            List<Tensor> items = new ArrayList<>(outs.get(k));
            if (outDirs != null && outDirs[k] != 0) java.util.Collections.reverse(items);
            int rank = items.isEmpty() ? 1 : items.getFirst().rank() + 1;
            int axis = Shapes.normalizeAxis(outAxes == null ? 0 : outAxes[k], rank);
            res[nState + k] = stack(items, axis, body, nState + k);
        }
        return res;
    }

    /** Scan-8: a leading batch axis on states and scan inputs, and an optional sequence_lens first input. */
    private static Value[] scan8(ExecutionContext ctx, Graph body, int numScan, long[] dirs, Value[] in) {
        if (in[0] != null) throw new IllegalArgumentException("Scan-8 sequence_lens is not supported");
        List<Value> rest = Arrays.asList(in).subList(1, in.length);
        long batch = ((Tensor) rest.getFirst()).dim(0);
        List<List<Tensor>> perOutput = new ArrayList<>();
        for (long b = 0; b < batch; b++) {
            List<Value> slice = new ArrayList<>();
            for (Value v : rest) {
                Tensor t = (Tensor) v;
                slice.add(ShapeKernels.squeeze(IndexingKernels.slice(t, new long[] {b}, new long[] {b + 1}, new long[] {0}, null),
                        new long[] {0}));
            }
            Value[] out = scan(ctx, body, numScan, null, dirs, null, null, slice);
            for (int k = 0; k < out.length; k++) {
                if (perOutput.size() <= k) perOutput.add(new ArrayList<>());
                perOutput.get(k).add((Tensor) out[k]);
            }
        }
        Value[] res = new Value[perOutput.size()];
        for (int k = 0; k < res.length; k++) res[k] = SequenceKernels.concat(perOutput.get(k), 0, true);
        return res;
    }
}
