package com.example.jengine;

import io.jengine.spi.IntraOpPool;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast Swish on float32: whole vectors of {@code x * (1 / (1 + exp(-beta * x)))} with the Vector API, the tensor cut
 * into as many contiguous ranges as the run has threads, written into the output the plan hands it, which may be the
 * input's own buffer ({@link #inPlaceInput}). The same formula as the reference, in float: NaN and infinities come out
 * as the reference's do (x = -inf gives NaN there too, as -inf * 0).
 */
final class SwishKernel implements Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Below this many elements a range is not worth a thread. */
    private static final long MIN_RANGE = 16_384;

    private final float beta;

    SwishKernel(float beta) { this.beta = beta; }

    @Override
    public int inPlaceInput() { return 0; }

    @Override
    public void run(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.dtype() != DType.FLOAT32) throw new IllegalArgumentException("this tactic runs float32, got " + x.dtype());
        Tensor y = ctx.output(0, DType.FLOAT32, x.shape());
        MemorySegment in = x.data(), out = y.data();
        long n = x.size();
        int tasks = (int) Math.max(1, Math.min(ctx.threads(), n / MIN_RANGE));
        if (tasks == 1) {
            range(in, out, 0, n);
            return;
        }
        // Ranges whole vectors long, so that each task's share is the same for a given thread count.
        long per = (n / tasks + F.length() - 1) / F.length() * F.length();
        IntraOpPool.shared().parallelFor(ctx.threads(), tasks,
                t -> range(in, out, Math.min(n, t * per), t == tasks - 1 ? n : Math.min(n, (t + 1) * per)));
    }

    private void range(MemorySegment in, MemorySegment out, long from, long to) {
        long i = from;
        long vecEnd = from + (to - from) / F.length() * F.length();
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector minusBeta = FloatVector.broadcast(F, -beta);
        for (; i < vecEnd; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, in, i * 4, ByteOrder.LITTLE_ENDIAN);
            FloatVector s = one.div(v.mul(minusBeta).lanewise(VectorOperators.EXP).add(one));
            v.mul(s).intoMemorySegment(out, i * 4, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < to; i++) {
            float v = in.getAtIndex(FLOAT, i);
            out.setAtIndex(FLOAT, i, v * (1f / (1f + (float) Math.exp(-beta * v))));
        }
    }
}
