package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a fused convolution does to its accumulators before storing them, in the reference's order: add the
 * per-output-channel bias, add the residual (a tensor of the output's layout), apply the activation. Applied one
 * output row at a time, vectorized along the row.
 */
public final class Epilogue {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final float[] bias;
    private final boolean residual;
    private final FusedActivation activation;

    private Epilogue(float[] bias, boolean residual, FusedActivation activation) {
        this.bias = bias == null ? null : bias.clone();
        this.residual = residual;
        this.activation = activation == null ? FusedActivation.NONE : activation;
    }

    /** Bias (one per output channel, or null), whether a residual is added, then the activation (null: none). */
    public static Epilogue of(float[] bias, boolean residual, FusedActivation activation) {
        return new Epilogue(bias, residual, activation);
    }

    /** Stores the accumulators as they are. */
    public static Epilogue none() { return new Epilogue(null, false, FusedActivation.NONE); }

    public boolean hasResidual() { return residual; }

    /** Fails unless the bias has one value per output channel. */
    void checkChannels(int outC) {
        if (bias != null && bias.length != outC) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected outC = " + outC);
        }
    }

    /**
     * {@code out[outElem + i] = act(acc[accOff + i] + bias[channel] + residual[outElem + i])} for {@code i < n}.
     * The caller has checked both segments' sizes against the output; {@code residual} is ignored without one.
     */
    void apply(float[] acc, int accOff, int n, int channel, MemorySegment res, MemorySegment out, long outElem) {
        float b = bias == null ? 0f : bias[channel];
        long byteOff = outElem * Float.BYTES;
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, acc, accOff + i).add(b);
            long o = byteOff + (long) i * Float.BYTES;
            if (residual) v = v.add(FloatVector.fromMemorySegment(S, res, o, ORDER));
            activation.apply(v).intoMemorySegment(out, o, ORDER);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, acc, accOff + i, m).add(b);
            long o = byteOff + (long) i * Float.BYTES;
            if (residual) v = v.add(FloatVector.fromMemorySegment(S, res, o, ORDER, m));
            activation.apply(v).intoMemorySegment(out, o, ORDER, m);
        }
    }
}
