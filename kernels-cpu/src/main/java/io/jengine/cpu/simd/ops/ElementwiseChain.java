package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import io.jengine.ir.ChainCodes;
import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import jdk.incubator.vector.FloatVector;

/**
 * {@code jengine.ElementwiseChain} in float32: the optimizer's straight-line program of elementwise steps over
 * broadcast inputs (attributes ops, args, params: two operands and two parameters per step; operand r >= 0 is input
 * r, r < 0 the result of step -r-1; the last step's result is the output). Prepared once for the input shapes.
 *
 * <p>The output is evaluated block by block (a run of {@value #BLOCK} elements at most): the block's run of each
 * contiguous input is copied once into a per-thread array, then every step runs over whole vectors of arrays (the
 * loops of {@link UnaryArrays} and {@link BinaryArrays}: heap arrays only, no tails), its result kept in a block
 * buffer reused once its value is dead, so the working set stays in L1; the last result is copied to the output. No
 * step writes a full-size temporary, and inputs are read once. The output may coincide with an input of its size (in
 * place): a block's inputs are read before its output is written.
 *
 * <p>Inputs of uint8 or int8 codes are dequantized as a block's run is read, and a quantized output is quantized as
 * it is written ({@link ChainCodes}), both exactly as {@link LinearQuantize} computes them, so that a fused chain
 * gives the bytes the three separate passes gave.
 */
public final class ElementwiseChain {
    static final int BLOCK = 1024;
    private static final java.nio.ByteOrder NATIVE = java.nio.ByteOrder.nativeOrder();
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min");
    private static final long SERIAL = 1 << 15;

    private final UnaryOp[] unary;
    private final BinaryOp[] binary;
    private final float[][] params;
    private final long[] args;
    private final BroadcastLayout layout;
    private final long[] inSizes;
    /** Input j's names in error messages, made once: a run builds no strings. */
    private final String[] inputNames, inputIndices;
    /** Whether a step reads input j. */
    private final boolean[] used;
    /** The block buffer each step's result goes to: reused once the values it held are read for the last time. */
    private final int[] slot;
    private final int slotCount;
    /** Each thread's block buffers, kept between runs (a thread runs one block of this chain at a time). */
    private final ThreadLocal<Block> blocks = ThreadLocal.withInitial(this::newBlock);
    /** The quantized ends; {@link #inBytes} and {@link #outBytes} are the elements' sizes they give. */
    private final ChainCodes codes;
    private final int[] inBytes;
    private final int outBytes;
    /**
     * Where the program is {@code x * a + b} (then Relu, Clip or nothing) with {@code a} and {@code b} one value or a
     * pattern of whole vectors (BatchNorm's scale and shift, per channel): the inputs x, a and b, and the last step
     * (0 none, 1 Relu, 2 Clip between clipLo and clipHi); affX is -1 for any other program.
     */
    private final int affX, affA, affB, affTail;
    private final float clipLo, clipHi;

    /** A chain of float inputs and output. */
    public ElementwiseChain(List<String> ops, long[] args, float[] params, long[]... inputShapes) {
        this(ops, args, params, null, inputShapes);
    }

    /**
     * Checks the program as the reference kernel does, and that every step reads only earlier steps; {@code codes}
     * (null: none) gives the inputs read as codes and a quantized output.
     */
    public ElementwiseChain(List<String> ops, long[] args, float[] params, ChainCodes codes, long[]... inputShapes) {
        this(ops, args, params, codes, true, inputShapes);
    }

    /** As above; {@code registers} false keeps an affine program on the step-by-step path (tests compare the two). */
    ElementwiseChain(List<String> ops, long[] args, float[] params, ChainCodes codes, boolean registers,
                     long[]... inputShapes) {
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
        this.inputNames = new String[inputShapes.length];
        this.inputIndices = new String[inputShapes.length];
        for (int j = 0; j < inputShapes.length; j++) {
            inputNames[j] = "ElementwiseChain input " + j;
            inputIndices[j] = String.valueOf(j);
        }
        this.used = new boolean[inputShapes.length];
        int[] lastRead = new int[steps];
        for (int k = 0; k < steps; k++) {
            for (int o = 0; o < (binary[k] != null ? 2 : 1); o++) {
                long a = args[2 * k + o];
                if (a >= 0) used[(int) a] = true;
                else lastRead[(int) (-a - 1)] = k;
            }
        }
        // Slots freed by this step's operands may take its result: the loops read each vector before writing it.
        this.slot = new int[steps];
        boolean[] busy = new boolean[steps];
        int count = 0;
        for (int k = 0; k < steps; k++) {
            for (int o = 0; o < (binary[k] != null ? 2 : 1); o++) {
                long a = args[2 * k + o];
                if (a < 0 && lastRead[(int) (-a - 1)] == k) busy[slot[(int) (-a - 1)]] = false;
            }
            int free = 0;
            while (busy[free]) free++;
            busy[free] = true;
            slot[k] = free;
            count = Math.max(count, free + 1);
        }
        this.slotCount = count;
        if (codes != null && codes.inputTypes().length != inputShapes.length) {
            throw new IllegalArgumentException("ElementwiseChain has " + inputShapes.length + " inputs, its codes describe "
                    + codes.inputTypes().length);
        }
        this.codes = codes != null && codes.any() ? codes : null;
        this.inBytes = new int[inputShapes.length];
        for (int j = 0; j < inBytes.length; j++) inBytes[j] = this.codes != null && this.codes.inputTypes()[j] != null ? 1 : 4;
        this.outBytes = this.codes != null && this.codes.outputType() != null ? 1 : 4;
        int ax = -1, aa = -1, ab = -1, tail = 0;
        if (registers && (steps == 2 || steps == 3) && binary[0] == BinaryOp.MUL && binary[1] == BinaryOp.ADD
                && (steps == 2 || (unary[2] == UnaryOp.RELU || unary[2] == UnaryOp.CLIP) && args[4] == -2)) {
            long p = args[0], q = args[1], r = args[2] == -1 ? args[3] : args[3] == -1 ? args[2] : -1;
            if (p >= 0 && q >= 0 && r >= 0) {
                if (alongRun((int) p) && wholeVectors((int) q)) { ax = (int) p; aa = (int) q; }
                else if (alongRun((int) q) && wholeVectors((int) p)) { ax = (int) q; aa = (int) p; }
                if (ax >= 0 && wholeVectors((int) r)) ab = (int) r;
                else ax = -1;
                if (ax >= 0 && steps == 3) tail = unary[2] == UnaryOp.RELU ? 1 : 2;
            }
        }
        this.affX = ax;
        this.affA = aa;
        this.affB = ab;
        this.affTail = tail;
        this.clipLo = steps == 3 ? this.params[2][0] : 0;
        this.clipHi = steps == 3 ? this.params[2][1] : 0;
    }

    /** Input j runs along the output (the x of an affine program). */
    private boolean alongRun(int j) { return layout.contiguous(j) && layout.period(j) == 0; }

    /** Input j is one float repeated, or a float pattern of whole vectors repeated, along the run. */
    private boolean wholeVectors(int j) {
        return inBytes[j] == 4 && (!layout.contiguous(j) || layout.period(j) > 0 && layout.period(j) % F.length() == 0);
    }

    private Block newBlock() { return new Block(inSizes.length); }

    public long[] outShape() { return layout.outShape.clone(); }

    /** Evaluates the program: input j from byte {@code inOff[j]} of {@code in[j]}, the output from yOff of y. */
    public void run(MemorySegment[] in, long[] inOff, MemorySegment y, long yOff, int threads) {
        SegmentBounds.checkThreads(threads);
        if (in.length != inSizes.length || inOff.length != inSizes.length) {
            throw new IllegalArgumentException("ElementwiseChain was prepared for " + inSizes.length + " inputs, got "
                    + in.length + " segments and " + inOff.length + " offsets");
        }
        long outSize = layout.outSize;
        if (outBytes == 1) SegmentBounds.checkBytes("ElementwiseChain output", y, yOff, outSize);
        else SegmentBounds.checkFloats("ElementwiseChain output", y, yOff, outSize);
        for (int j = 0; j < in.length; j++) {
            if (inBytes[j] == 1) SegmentBounds.checkBytes(inputNames[j], in[j], inOff[j], inSizes[j]);
            else SegmentBounds.checkFloats(inputNames[j], in[j], inOff[j], inSizes[j]);
            SegmentBounds.checkInPlace("ElementwiseChain", inputIndices[j], in[j], inOff[j], inBytes[j], inSizes[j], y,
                    yOff, outBytes, outSize);
        }
        if (outSize == 0) return;
        long run = layout.run(), chunks = Math.ceilDiv(run, BLOCK), units = layout.runs() * chunks;
        int tasks = outSize < SERIAL ? 1 : TaskRanges.tasks(units, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            Block b = blocks.get();
            long lastRun = -1;
            for (long u = TaskRanges.start(units, tasks, t); u < TaskRanges.start(units, tasks, t + 1); u++) {
                long r = u / chunks, from = (u % chunks) * BLOCK;
                if (r != lastRun) layout.runStarts(r, b.starts);
                lastRun = r;
                block(b, in, inOff, from, (int) (Math.min(run, from + BLOCK) - from), y,
                        yOff + outBytes * (r * run + from));
            }
        });
    }

    /**
     * One thread's buffers for one block: the runs of the contiguous inputs, the values of the repeated ones, the
     * step results (in the slots {@link #slot} gives), Gelu's scratch, and where the current run starts in each input.
     */
    private final class Block {
        final float[][] ins;
        final float[] scalars;
        final float[][] slots;
        final float[] scratch;
        final long[] starts;

        Block(int inputs) {
            ins = new float[inputs][];
            for (int j = 0; j < inputs; j++) if (used[j] && layout.contiguous(j)) ins[j] = new float[BLOCK];
            scalars = new float[inputs];
            slots = new float[slotCount][BLOCK];
            scratch = Arrays.asList(unary).contains(UnaryOp.GELU) ? new float[BLOCK] : null;
            starts = new long[inputs];
        }
    }

    /**
     * Reads the block's input runs into arrays (one copy each), runs every step over whole vectors of arrays (the
     * lanes past n compute on leftovers and are never stored), then copies the last result to the output.
     */
    private void block(Block b, MemorySegment[] in, long[] inOff, long from, int n, MemorySegment y, long yo) {
        if (affX >= 0 && affine(b, in, inOff, from, n, y, yo)) return;
        int nv = Math.ceilDiv(n, F.length()) * F.length();
        for (int j = 0; j < in.length; j++) {
            if (!used[j]) continue;
            long at = inOff[j] + inBytes[j] * b.starts[j];
            long period = layout.period(j);
            if (period != 0) repeat(j, in[j], at, period, from, b.ins[j], n);
            else if (b.ins[j] == null) b.scalars[j] = element(j, in[j], at, 0);
            else if (inBytes[j] == 1) {
                LinearQuantize.dequantize(in[j], at + from, b.ins[j], n, codes.inputScales()[j],
                        (int) codes.inputZeros()[j], unsignedCodes(j));
            } else {
                MemorySegment.copy(in[j], ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4 * from, b.ins[j], 0, n);
            }
        }
        int steps = unary.length;
        for (int k = 0; k < steps; k++) {
            float[] dst = b.slots[slot[k]];
            long a0 = args[2 * k], a1 = args[2 * k + 1];
            float[] v0 = array(a0, b);
            if (unary[k] != null) {
                if (v0 == null) {
                    // One repeated input element: a vector of it through the op, then repeated.
                    Arrays.fill(dst, 0, F.length(), b.scalars[(int) a0]);
                    UnaryArrays.apply(unary[k], params[k][0], params[k][1], dst, dst, F.length(), b.scratch);
                    Arrays.fill(dst, F.length(), nv, dst[0]);
                } else {
                    UnaryArrays.apply(unary[k], params[k][0], params[k][1], v0, dst, nv, b.scratch);
                }
                continue;
            }
            float[] v1 = array(a1, b);
            BinaryOp op = binary[k];
            if (v0 != null && v1 != null) BinaryArrays.both(op, v0, v1, dst, nv);
            else if (v0 != null) BinaryArrays.vectorScalar(op, v0, b.scalars[(int) a1], false, dst, nv);
            else if (v1 != null) BinaryArrays.vectorScalar(op, v1, b.scalars[(int) a0], true, dst, nv);
            else BinaryArrays.scalars(op, b.scalars[(int) a0], b.scalars[(int) a1], dst, nv);
        }
        float[] result = b.slots[slot[steps - 1]];
        if (outBytes == 1) {
            LinearQuantize.quantize(result, n, y, yo, codes.outputScale(), (int) codes.outputZero(),
                    codes.outputType() == DType.UINT8);
        } else {
            MemorySegment.copy(result, 0, y, ValueLayout.JAVA_FLOAT_UNALIGNED, yo, n);
        }
    }

    /**
     * An affine program's block in registers: each vector of x (its codes dequantized) times a plus b, then the last
     * step, written (quantized) at once; the same operations, in the same order, as the step-by-step path, so the same
     * bits. A per-channel a or b is a pattern of whole vectors (channels-last: one channel per lane, the period the
     * channel count; channel-blocked: one block); the run's blocks start at whole vectors of it. False, having done
     * nothing, where a block would start inside a vector of a pattern.
     */
    private boolean affine(Block b, MemorySegment[] in, long[] inOff, long from, int n, MemorySegment y, long yo) {
        int lanes = F.length();
        if (from % lanes != 0) return false;
        int xj = affX;
        long aAt = inOff[affA] + 4 * b.starts[affA], cAt = inOff[affB] + 4 * b.starts[affB];
        int pa = layout.contiguous(affA) ? (int) layout.period(affA) : 0, pc = layout.contiguous(affB) ? (int) layout.period(affB) : 0;
        // one value, or a pattern of one vector (channel-blocked), is loaded once; a longer pattern vector by vector.
        // Never null: a vector variable that may be null is a merge C2 cannot keep in registers, and every vector of
        // the loop would then be allocated on the heap.
        boolean aFixed = pa == 0 || pa == lanes, cFixed = pc == 0 || pc == lanes;
        FloatVector aOne = pa == 0 ? FloatVector.broadcast(F, in[affA].get(ValueLayout.JAVA_FLOAT_UNALIGNED, aAt))
                : FloatVector.fromMemorySegment(F, in[affA], aAt, NATIVE);
        FloatVector cOne = pc == 0 ? FloatVector.broadcast(F, in[affB].get(ValueLayout.JAVA_FLOAT_UNALIGNED, cAt))
                : FloatVector.fromMemorySegment(F, in[affB], cAt, NATIVE);
        int ia = pa == 0 ? 0 : (int) (from % pa), ic = pc == 0 ? 0 : (int) (from % pc);
        long xStart = inOff[xj] + inBytes[xj] * b.starts[xj], xAt = xStart + inBytes[xj] * from;
        boolean codedIn = inBytes[xj] == 1, codedOut = outBytes == 1;
        float inScale = codedIn ? codes.inputScales()[xj] : 0, outScale = codedOut ? codes.outputScale() : 0;
        int inZero = codedIn ? (int) codes.inputZeros()[xj] : 0, outZero = codedOut ? (int) codes.outputZero() : 0;
        boolean inUnsigned = codedIn && unsignedCodes(xj);
        boolean outUnsigned = codedOut && codes.outputType() == DType.UINT8;
        int i = 0;
        for (; i + lanes <= n; i += lanes) {
            FloatVector x = codedIn ? LinearQuantize.dequantizeVector(in[xj], xAt + i, inScale, inZero, inUnsigned)
                    : FloatVector.fromMemorySegment(F, in[xj], xAt + 4L * i, NATIVE);
            FloatVector a = aFixed ? aOne : FloatVector.fromMemorySegment(F, in[affA], aAt + 4L * ia, NATIVE);
            FloatVector c = cFixed ? cOne : FloatVector.fromMemorySegment(F, in[affB], cAt + 4L * ic, NATIVE);
            if (!aFixed && (ia += lanes) == pa) ia = 0;
            if (!cFixed && (ic += lanes) == pc) ic = 0;
            FloatVector v = x.mul(a).add(c);
            if (affTail == 1) v = v.max(0f);
            else if (affTail == 2) v = v.max(clipLo).min(clipHi);
            if (codedOut) LinearQuantize.quantizeVector(v, y, yo + i, outScale, outZero, outUnsigned);
            else v.intoMemorySegment(y, yo + 4L * i, NATIVE);
        }
        for (; i < n; i++) {
            float x = element(xj, in[xj], xStart, from + i);
            float a = element(affA, in[affA], aAt, pa == 0 ? 0 : (from + i) % pa);
            float c = element(affB, in[affB], cAt, pc == 0 ? 0 : (from + i) % pc);
            float v = x * a + c;
            if (affTail == 1) v = Math.max(v, 0f);
            else if (affTail == 2) v = Math.min(Math.max(v, clipLo), clipHi);
            if (codedOut) y.set(ValueLayout.JAVA_BYTE, yo + i, LinearQuantize.quantizeOne(v, outScale, outZero, outUnsigned));
            else y.set(ValueLayout.JAVA_FLOAT_UNALIGNED, yo + 4L * i, v);
        }
        return true;
    }

    /** Element {@code e} of input j, whose run starts at byte {@code at}: dequantized where the input holds codes. */
    private float element(int j, MemorySegment in, long at, long e) {
        if (inBytes[j] == 4) return in.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4 * e);
        return LinearQuantize.dequantize(in.get(ValueLayout.JAVA_BYTE, at + e), codes.inputScales()[j],
                (int) codes.inputZeros()[j], unsignedCodes(j));
    }

    /** Whether input j holds uint8 codes (else int8 codes, or floats). */
    private boolean unsignedCodes(int j) { return codes != null && codes.inputTypes()[j] == DType.UINT8; }

    /**
     * A periodic input's values for positions from .. from+n of the run: its pattern from the phase {@code from}
     * reaches, then doubled by bulk copies (a prefix of whole periods repeats in phase).
     */
    private void repeat(int j, MemorySegment in, long at, long period, long from, float[] dst, int n) {
        int p = (int) Math.min(period, n), phase = (int) (from % period);
        for (int i = 0; i < p; i++) dst[i] = element(j, in, at, (phase + i) % period);
        if (p < period) return;
        for (int filled = p; filled < n; filled *= 2) System.arraycopy(dst, 0, dst, filled, Math.min(filled, n - filled));
    }

    /** The array an operand's run is in, or null for a repeated input element (in b.scalars). */
    private float[] array(long ref, Block b) {
        return ref >= 0 ? b.ins[(int) ref] : b.slots[slot[(int) (-ref - 1)]];
    }
}
