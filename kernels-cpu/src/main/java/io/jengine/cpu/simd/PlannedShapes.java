package io.jengine.cpu.simd;

import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Arrays;

/**
 * What the elementwise, normalization and data-movement tactics ask of a node when they plan it (concrete dims of an
 * input or output of the element type they handle), and the check their kernels make when they run: an input still
 * has the type and dims the plan was made for. Plans are compiled per input shape, so a mismatch means a bug or a
 * caller bypassing the engine, and it must fail clearly rather than read out of bounds.
 */
public final class PlannedShapes {
    private PlannedShapes() {}

    /** Input {@code i}'s dims when it is a tensor of {@code dtype} with every dim known, else null. */
    static long[] inputDims(NodeContext ctx, int i, DType dtype) {
        ValueType.TensorType t = ctx.inputTensorType(i);
        return t == null || t.elementType() != dtype ? null : ctx.inputDims(i);
    }

    /** Output {@code i}'s dims when its static type is a tensor of {@code dtype} with every dim known, else null. */
    static long[] outputDims(NodeContext ctx, int i, DType dtype) {
        boolean typed = ctx.outputType(i) instanceof ValueType.TensorType t && t.elementType() == dtype;
        return typed ? outputDims(ctx, i) : null;
    }

    /** Output {@code i}'s dims when its static type is a tensor (any element type) with every dim known, else null. */
    static long[] outputDims(NodeContext ctx, int i) {
        if (!(ctx.outputType(i) instanceof ValueType.TensorType t) || t.shape() == null || !t.shape().isFullyKnown()) {
            return null;
        }
        return t.shape().toArray();
    }

    /** Whether output {@code i} is statically a tensor of {@code dtype} with exactly the dims {@code want}. */
    static boolean outputIs(NodeContext ctx, int i, DType dtype, long[] want) {
        return Arrays.equals(outputDims(ctx, i, dtype), want);
    }

    /**
     * Whether output {@code i} may be a {@code dtype} tensor of dims {@code want}: its static type, where inference
     * gave it one, says no otherwise (a secondary output inference leaves untyped is allowed; the kernel makes it).
     */
    static boolean outputAllows(NodeContext ctx, int i, DType dtype, long[] want) {
        ValueType type = ctx.outputType(i);
        if (type == null) return true;
        if (!(type instanceof ValueType.TensorType t) || t.elementType() != dtype) return false;
        if (t.shape() == null) return true;
        if (t.shape().rank() != want.length) return false;
        for (int k = 0; k < want.length; k++) {
            if (t.shape().dim(k).isKnown() && t.shape().dim(k).value() != want[k]) return false;
        }
        return true;
    }

    /** Whether tensors of this type are dense bytes that data movement may copy (everything but strings). */
    static boolean movable(DType t) {
        return t != null && t != DType.STRING && t.isSupported();
    }

    /** The static element type of input {@code i} when it is a tensor, else null. */
    static DType inputType(NodeContext ctx, int i) {
        ValueType.TensorType t = ctx.inputTensorType(i);
        return t == null ? null : t.elementType();
    }

    /** Input {@code i} of the running node, which must be a {@code dtype} tensor of the planned dims. */
    public static Tensor input(KernelContext ctx, int i, DType dtype, long[] dims) {
        Tensor x = ctx.tensor(i);
        if (x.dtype() != dtype || !x.hasShape(dims)) {
            throw new IllegalArgumentException("input " + i + " is " + x.describe() + ", the plan was made for "
                    + dtype + " " + Shapes.format(dims));
        }
        return x;
    }
}
