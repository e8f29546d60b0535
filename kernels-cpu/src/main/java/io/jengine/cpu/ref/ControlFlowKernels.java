package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.scalarLong;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Graph;
import io.jengine.limits.ResourceLimits;
import io.jengine.tensor.Shapes;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * If and Loop; Scan is in {@link ScanKernel}. Bodies run through {@link ExecutionContext#runSubgraph}, which binds
 * their formal inputs in order and resolves outer-scope names itself. Results are copied on the way out, since a body
 * may output an outer value or a loop may run zero times and hand back its inputs.
 */
final class ControlFlowKernels {
    private ControlFlowKernels() {}

    static void register(KernelRegistry r) {
        r.add("If", 1, n -> {
            Graph then = requiredGraph(n.node(), "then_branch"), other = requiredGraph(n.node(), "else_branch");
            int outputs = n.node().outputs().size();
            for (Graph g : List.of(then, other)) {
                if (g.outputs().size() < outputs) {
                    throw new IllegalArgumentException("If has " + outputs + " outputs but its branch '" + g.name()
                            + "' produces " + g.outputs().size());
                }
            }
            return (ctx, in) -> {
                Tensor c = tensor(in, 0);
                if (c.size() != 1) {
                    throw new IllegalArgumentException("input 0 (cond) must hold one element, got shape "
                            + Arrays.toString(c.shape()));
                }
                List<Value> out = ctx.runSubgraph(c.getDouble(0) != 0 ? then : other, List.of());
                return ValueCopies.copyAll(out, 0, out.size());
            };
        });
        r.add("Loop", 1, n -> {
            Graph body = requiredGraph(n.node(), "body");
            int carried = Math.max(0, n.node().inputs().size() - 2);
            if (body.inputs().size() != 2 + carried) {
                throw new IllegalArgumentException("Loop body must take 2 + " + carried + " inputs (iteration, cond, "
                        + "loop-carried values), got " + body.inputs().size());
            }
            if (body.outputs().size() < 1 + carried) {
                throw new IllegalArgumentException("Loop body must produce 1 + " + carried
                        + " outputs (cond, loop-carried values) and then its scan outputs, got " + body.outputs().size());
            }
            return (ctx, in) -> loop(ctx, body, in, carried);
        });
        ScanKernel.register(r);
    }

    static Graph requiredGraph(Node node, String attr) {
        Graph g = node.attrGraph(attr);
        if (g == null) throw new IllegalArgumentException("attribute " + attr + " (a graph) is required");
        return g;
    }

    /**
     * Runs the body while the trip count and the condition allow. As ONNX Runtime does, the condition the body returns
     * is honoured even when the node omits the cond input (the spec calls it ignored then, which would never stop a
     * loop without a trip count).
     */
    private static Value[] loop(ExecutionContext ctx, Graph body, Value[] in, int n) {
        Tensor maxTrips = optionalTensor(in, 0), condIn = optionalTensor(in, 1);
        long max = maxTrips == null ? Long.MAX_VALUE : scalarLong(maxTrips);
        boolean cond = condIn == null || scalarLong(condIn) != 0;
        List<Value> state = new ArrayList<>(n);
        for (int k = 0; k < n; k++) state.add(2 + k < in.length ? in[2 + k] : null);
        int scanCount = body.outputs().size() - 1 - n;
        List<List<Value>> scans = new ArrayList<>();
        for (int k = 0; k < scanCount; k++) scans.add(new ArrayList<>());
        checkDeclaredScanBytes(body, n, scanCount, max);
        long scanBytes = 0;
        for (long i = 0; i < max && cond; i++) {
            ResourceLimits.checkLoopIterations("Loop", i + 1);
            List<Value> args = new ArrayList<>(2 + n);
            args.add(Tensor.ofLongs(new long[0], i));
            args.add(Tensor.ofBools(new long[0], cond));
            args.addAll(state);
            List<Value> out = ctx.runSubgraph(body, args);
            if (!(out.getFirst() instanceof Tensor c) || c.size() != 1) {
                throw new IllegalArgumentException("Loop body output 0 (cond) must be a one-element tensor, got "
                        + out.getFirst().describe());
            }
            cond = c.getDouble(0) != 0;
            state = new ArrayList<>(out.subList(1, 1 + n));
            for (int k = 0; k < scanCount; k++) {
                Value v = out.get(1 + n + k);
                scanBytes += bytesHeld(v);
                ResourceLimits.checkAllocation("Loop scan outputs after " + (i + 1) + " iterations", scanBytes);
                scans.get(k).add(v);
            }
        }
        Value[] res = new Value[n + scanCount];
        for (int k = 0; k < n; k++) res[k] = ValueCopies.copy(state.get(k));
        for (int k = 0; k < scanCount; k++) {
            res[n + k] = concatScanOutput(scans.get(k), body.typeOf(body.outputs().get(1 + n + k).name()), k);
        }
        return res;
    }

    /**
     * Where the trip count is given and the body's scan outputs have static shapes, what the stacked outputs will take
     * is known before the first iteration: refused then rather than after the memory has been spent.
     */
    private static void checkDeclaredScanBytes(Graph body, int n, int scanCount, long trips) {
        if (trips == Long.MAX_VALUE || scanCount == 0) return;
        long perIteration = 0;
        for (int k = 0; k < scanCount; k++) {
            ValueType t = body.typeOf(body.outputs().get(1 + n + k).name());
            long[] dims = t == null ? null : ValueType.staticDims(t);
            if (dims == null) return;
            try {
                perIteration = Math.addExact(perIteration, Math.multiplyExact(Shapes.size(dims),
                        (long) Math.max(1, ((ValueType.TensorType) t).elementType().byteSize())));
            } catch (ArithmeticException e) {
                perIteration = Long.MAX_VALUE;
            }
        }
        if (perIteration > 0 && trips > ResourceLimits.maxAllocationBytes() / perIteration) {
            ResourceLimits.checkAllocation("Loop scan outputs of " + trips + " iterations (" + perIteration
                    + " bytes each)", trips > Long.MAX_VALUE / perIteration ? Long.MAX_VALUE : trips * perIteration);
        }
    }

    /** Bytes a value holds, strings counted by reference (what stacking it later will need). */
    private static long bytesHeld(Value v) {
        if (v instanceof Tensor t) return t.size() * Math.max(1, t.dtype().byteSize());
        long sum = 0;
        if (v instanceof TensorSequence s) for (Tensor t : s.tensors()) sum += bytesHeld(t);
        return sum;
    }

    /**
     * Per-iteration tensors stack along a new first axis; per-iteration sequences concatenate into one sequence. With
     * no iterations the declared type decides: an empty sequence, or a tensor with a leading zero-length axis.
     */
    private static Value concatScanOutput(List<Value> items, ValueType declared, int k) {
        if (items.isEmpty()) {
            if (declared instanceof ValueType.SequenceType s) {
                return new TensorSequence(elementType(s.elementType()), List.of());
            }
            return ScanKernel.emptyStack(declared, 0);
        }
        if (items.getFirst() instanceof TensorSequence first) {
            List<Tensor> all = new ArrayList<>();
            for (Value v : items) {
                if (!(v instanceof TensorSequence s)) {
                    throw new IllegalArgumentException("Loop scan output " + k + " mixes sequences and " + v.describe());
                }
                all.addAll(ValueCopies.copyAll(s.tensors()));
            }
            return new TensorSequence(first.elementType(), all);
        }
        List<Tensor> tensors = new ArrayList<>();
        for (Value v : items) {
            if (!(v instanceof Tensor t)) {
                throw new IllegalArgumentException("Loop scan output " + k + " must be a tensor or a sequence in every "
                        + "iteration, got " + v.describe());
            }
            tensors.add(t);
        }
        return SequenceKernels.concat(tensors, 0, true);
    }

    private static DType elementType(ValueType t) {
        return t instanceof ValueType.TensorType tt && tt.elementType() != null ? tt.elementType() : DType.FLOAT32;
    }
}
