package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Set;

/**
 * {@code jengine.ElementwiseChain} in float32: the optimizer's straight-line program of elementwise steps over
 * broadcast inputs (attributes ops, args, params: two operands and two parameters per step; operand r >= 0 is input
 * r, r < 0 the result of step -r-1; the last step's result is the output). Prepared once for the input shapes.
 *
 * <p>The output is evaluated block by block (a run of {@value #BLOCK} elements at most): every step runs over the
 * block with the vector loops of {@link UnaryActivations} and {@link BinaryRuns}, its result kept in a per-thread
 * block buffer that stays in L1, and the last step writes the output directly. So no step writes a full-size
 * temporary, and inputs are read once. The output may coincide with an input of its size (in place).
 */
public final class ElementwiseChain {
    static final int BLOCK = 1024;
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min");
    private static final long SERIAL = 1 << 15;

    private final UnaryOp[] unary;
    private final BinaryOp[] binary;
    private final float[][] params;
    private final long[] args;
    private final BroadcastLayout layout;
    private final long[] inSizes;

    /** Checks the program as the reference kernel does, and that every step reads only earlier steps. */
    public ElementwiseChain(List<String> ops, long[] args, float[] params, long[]... inputShapes) {
        int steps = ops.size();
        if (steps == 0 || args.length != 2 * steps || params.length != 2 * steps) {
            throw new IllegalArgumentException("ElementwiseChain needs ops, and two args and two params per op; got "
                    + steps + " ops, " + args.length + " args, " + params.length + " params");
        }
        if (inputShapes.length == 0) throw new IllegalArgumentException("ElementwiseChain needs at least one input");
        this.unary = new UnaryOp[steps];
        this.binary = new BinaryOp[steps];
        this.params = new float[steps][];
        for (int k = 0; k < steps; k++) {
            boolean isBinary = BINARY.contains(ops.get(k));
            if (isBinary) binary[k] = BinaryOp.named(ops.get(k));
            else unary[k] = UnaryOp.named(ops.get(k));
            this.params[k] = new float[] {params[2 * k], params[2 * k + 1]};
            for (int o = 0; o < (isBinary ? 2 : 1); o++) {
                long a = args[2 * k + o];
                if (a >= inputShapes.length) {
                    throw new IllegalArgumentException("step " + k + " operand " + a + " names no input (there are "
                            + inputShapes.length + ")");
                }
                if (a < 0 && -a - 1 >= k) {
                    throw new IllegalArgumentException("step " + k + " operand " + a + " reads step " + (-a - 1)
                            + ", which has not run yet");
                }
            }
        }
        this.args = args.clone();
        this.layout = new BroadcastLayout(inputShapes);
        this.inSizes = new long[inputShapes.length];
        for (int j = 0; j < inputShapes.length; j++) inSizes[j] = Shapes.size(inputShapes[j]);
    }

    public long[] outShape() { return layout.outShape.clone(); }

    /** Evaluates the program: input j from byte {@code inOff[j]} of {@code in[j]}, the output from yOff of y. */
    public void run(MemorySegment[] in, long[] inOff, MemorySegment y, long yOff, int threads) {
        SegmentBounds.checkThreads(threads);
        if (in.length != inSizes.length || inOff.length != inSizes.length) {
            throw new IllegalArgumentException("ElementwiseChain was prepared for " + inSizes.length + " inputs, got "
                    + in.length + " segments and " + inOff.length + " offsets");
        }
        long outSize = layout.outSize;
        SegmentBounds.checkFloats("ElementwiseChain output", y, yOff, outSize);
        for (int j = 0; j < in.length; j++) {
            SegmentBounds.checkFloats("ElementwiseChain input " + j, in[j], inOff[j], inSizes[j]);
            SegmentBounds.checkInPlace("ElementwiseChain", String.valueOf(j), in[j], inOff[j], inSizes[j], y, yOff, outSize);
        }
        if (outSize == 0) return;
        long run = layout.run(), chunks = Math.ceilDiv(run, BLOCK), units = layout.runs() * chunks;
        int tasks = outSize < SERIAL ? 1 : TaskRanges.tasks(units, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            Block b = new Block(unary.length, in.length);
            for (long u = TaskRanges.start(units, tasks, t); u < TaskRanges.start(units, tasks, t + 1); u++) {
                long r = u / chunks, from = (u % chunks) * BLOCK;
                layout.runStarts(r, b.starts);
                block(b, in, inOff, from, Math.min(run, from + BLOCK) - from, y, yOff + 4 * (r * run + from));
            }
        });
    }

    /** One thread's step results for one block, and where the current run starts in each input. */
    private static final class Block {
        final MemorySegment[] regs;
        final long[] starts;
        final MemorySegment one = MemorySegment.ofArray(new float[1]);

        Block(int steps, int inputs) {
            regs = new MemorySegment[steps];
            for (int k = 0; k < steps; k++) regs[k] = MemorySegment.ofArray(new float[BLOCK]);
            starts = new long[inputs];
        }
    }

    private void block(Block b, MemorySegment[] in, long[] inOff, long from, long n, MemorySegment y, long yo) {
        int last = unary.length - 1;
        for (int k = 0; k <= last; k++) {
            MemorySegment dst = k == last ? y : b.regs[k];
            long dOff = k == last ? yo : 0;
            long a0 = args[2 * k], a1 = args[2 * k + 1];
            boolean s0 = scalar(a0);
            MemorySegment seg0 = segment(a0, in, b), seg1;
            long off0 = offset(a0, inOff, b, from);
            if (unary[k] != null) {
                if (s0) {
                    // One repeated input element: compute it once, then repeat the result.
                    b.one.set(ValueLayout.JAVA_FLOAT, 0, seg0.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off0));
                    UnaryActivations.apply(unary[k], params[k], b.one, 0, b.one, 0, 1);
                    float v = b.one.get(ValueLayout.JAVA_FLOAT, 0);
                    for (long i = 0; i < n; i++) dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, dOff + 4 * i, v);
                } else {
                    UnaryActivations.apply(unary[k], params[k], seg0, off0, dst, dOff, n);
                }
                continue;
            }
            boolean s1 = scalar(a1);
            seg1 = segment(a1, in, b);
            long off1 = offset(a1, inOff, b, from);
            BinaryOp op = binary[k];
            if (!s0 && !s1) BinaryRuns.both(op, seg0, off0, seg1, off1, dst, dOff, n);
            else if (!s0) BinaryRuns.vectorScalar(op, seg0, off0, seg1.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off1), false, dst, dOff, n);
            else if (!s1) BinaryRuns.vectorScalar(op, seg1, off1, seg0.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off0), true, dst, dOff, n);
            else BinaryRuns.scalars(op, seg0.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off0),
                    seg1.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off1), dst, dOff, n);
        }
    }

    /** Whether an operand repeats one element along the run (an input broadcast along it). */
    private boolean scalar(long ref) { return ref >= 0 && !layout.contiguous((int) ref); }

    private static MemorySegment segment(long ref, MemorySegment[] in, Block b) {
        return ref >= 0 ? in[(int) ref] : b.regs[(int) (-ref - 1)];
    }

    private long offset(long ref, long[] inOff, Block b, long from) {
        if (ref < 0) return 0;
        int j = (int) ref;
        return inOff[j] + 4 * (b.starts[j] + (layout.contiguous(j) ? from : 0));
    }
}
