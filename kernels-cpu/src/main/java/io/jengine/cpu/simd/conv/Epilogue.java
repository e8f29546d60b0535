package io.jengine.cpu.simd.conv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a fused convolution does to its accumulators before storing them, in the reference's order: add the
 * per-output-channel bias, add the residual (a tensor of the output's layout), apply the activation. Applied one
 * output row at a time, vectorized along the row.
 */
public final class Epilogue {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

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
     * {@code out[outElem + i] = act(acc[accOff + i] + bias[channel] + residual[outElem + i])} for {@code i < n}, using
     * {@code acc} as working space: it must hold {@code n} rounded up to the vector length from {@code accOff}. The
     * caller has checked both segments' sizes against the output; {@code res} is ignored without a residual.
     */
    void apply(float[] acc, int accOff, int n, int channel, MemorySegment res, MemorySegment out, long outElem) {
        FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[channel]);
        long byteOff = outElem * Float.BYTES;
        int full = S.loopBound(n), i = 0;
        for (; i < full; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, acc, accOff + i).add(b);
            if (residual) v = v.add(FloatVector.fromMemorySegment(S, res, byteOff + (long) i * Float.BYTES, ORDER));
            v.intoArray(acc, accOff + i);
        }
        for (; i < n; i++) {
            float v = acc[accOff + i] + (bias == null ? 0f : bias[channel]);
            if (residual) v += res.get(FLOAT, byteOff + (long) i * Float.BYTES);
            acc[accOff + i] = v;
        }
        activation.applyInPlace(acc, accOff, Math.ceilDiv(n, S.length()) * S.length());
        for (i = 0; i < full; i += S.length()) {
            FloatVector.fromArray(S, acc, accOff + i).intoMemorySegment(out, byteOff + (long) i * Float.BYTES, ORDER);
        }
        for (; i < n; i++) out.set(FLOAT, byteOff + (long) i * Float.BYTES, acc[accOff + i]);
    }
}
