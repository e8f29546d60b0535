package io.jengine.cpu.simd;

import io.jengine.cpu.ref.ConvGeometry;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;

/**
 * A Conv or FusedConv node as the fast convolutions see it: a 2-D float32 convolution with concrete shapes, constant
 * weights (and bias), an optional residual input and the fused activation. {@link #of} returns null for anything
 * else (1-D/3-D, other element types, weights computed at run time, dynamic shapes), which the reference backend runs.
 *
 * @param shape      the geometry, pads resolved from the attributes (auto_pad included) by {@link ConvGeometry}
 * @param weightTensor the constant {@code [outC, inC/group, kH, kW]} weights (the graph's own initializer)
 * @param biasTensor   the constant bias, one value per output channel, or null
 * @param residual   whether the node adds its residual input ({@link FusedOpSpec#CONV_RESIDUAL})
 * @param fused      the fused activation as the node records it ("None" for a plain Conv)
 * @param activation the same, compiled for the GEMM's store
 * @param outShape   the output's dimensions
 * @param sourceType X's element type: float32, or bfloat16 where {@link #of(NodeContext, boolean)} accepts it
 * @param outputType Y's (and the residual's) element type, as X's
 */
public record ConvNode(ConvShape shape, Tensor weightTensor, Tensor biasTensor, boolean residual,
                       FusedOpSpec.Activation fused, Activation activation, long[] outShape, DType sourceType,
                       DType outputType) {
    /**
     * The weights as floats, copied on each call: kernels keep their packed form, not this copy, so that a plan holds
     * the weights once packed and once as the graph's initializer, never a third time on the heap.
     */
    public float[] weights() { return weightTensor.toFloatArray(); }

    /** The bias as floats (a copy), or null. */
    public float[] bias() { return biasTensor == null ? null : biasTensor.toFloatArray(); }


    /** The node as a float32 convolution, or null (see the class comment). */
    public static ConvNode of(NodeContext ctx) { return of(ctx, false); }

    /**
     * As {@link #of(NodeContext)}, accepting also, with {@code bf16Io}, a BlockedConv that reads a bfloat16 X or
     * writes a bfloat16 Y and residual ({@link FusedOpSpec#OUTPUT_TYPE}), for kernels that handle them.
     */
    public static ConvNode of(NodeContext ctx, boolean bf16Io) {
        Node n = ctx.node();
        boolean blocked = FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV);
        boolean fused = blocked || FusedOpSpec.is(n, FusedOpSpec.FUSED_CONV);
        if (!fused && !(n.domain().isEmpty() && n.opType().equals("Conv"))) return null;
        long block = blocked ? n.attrInt(FusedOpSpec.BLOCK, -1) : 0;
        if (blocked && (block < 0 || block == 1 || block > 64)) return null;
        long[] x = blocked ? plainDims(ctx.inputDims(0), block) : ctx.inputDims(0);
        Tensor w = ctx.constant(1), b = ctx.constant(2);
        if (x == null || x.length != 4 || w == null || w.rank() != 4 || w.dtype() != DType.FLOAT32) return null;
        DType xType = elementType(ctx.inputType(0)), yType = elementType(ctx.outputType(0));
        if (yType == null) yType = DType.FLOAT32; // untyped: what these kernels have always written
        if (!io(xType, blocked && bf16Io) || !io(yType, blocked && bf16Io)) return null;
        if (blocked && n.hasInput(FusedOpSpec.CONV_RESIDUAL)
                && elementType(ctx.inputType(FusedOpSpec.CONV_RESIDUAL)) != yType) {
            return null;
        }
        if (n.hasInput(2) && (b == null || b.dtype() != DType.FLOAT32 || b.size() != w.dim(0))) return null;
        boolean residual = fused && n.hasInput(FusedOpSpec.CONV_RESIDUAL);
        ConvShape s = shape(n, x, w.shape());
        if (s == null) return null;
        long[] ws = w.shape();
        long[] out = {x[0], ws[0], s.outH(), s.outW()};
        if (residual) {
            long[] r = blocked ? plainDims(ctx.inputDims(FusedOpSpec.CONV_RESIDUAL), block)
                    : ctx.inputDims(FusedOpSpec.CONV_RESIDUAL);
            if (r == null || !java.util.Arrays.equals(r, out)) return null;
        }
        FusedOpSpec.Activation a = fused ? FusedOpSpec.Activation.of(n) : FusedOpSpec.Activation.NONE;
        Activation act;
        try {
            act = Activation.of(a.name(), a.params());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new ConvNode(s, w, b, residual, a, act, out, xType, yType);
    }

    private static DType elementType(ValueType t) {
        return t instanceof ValueType.TensorType tt ? tt.elementType() : null;
    }

    /** Whether a kernel of this record reads or writes {@code type}: float32, and bfloat16 where allowed. */
    private static boolean io(DType type, boolean bf16) {
        return type == DType.FLOAT32 || bf16 && type == DType.BFLOAT16;
    }

    /** Whether X or Y is bfloat16. */
    public boolean bf16Io() { return sourceType == DType.BFLOAT16 || outputType == DType.BFLOAT16; }

    /**
     * The 2-D convolution geometry of {@code n} (Conv's attributes: group, kernel_shape, strides, pads, dilations,
     * auto_pad) over an input of dims {@code x} ({@code [N, C, H, W]}) with weights of dims {@code ws}
     * ({@code [M, C/group, kH, kW]}); null where they do not fit together or an attribute is bad (the reference kernel
     * reports it with its own message). Shared by every backend's convolution, QLinearConv's included.
     */
    public static ConvShape shape(Node n, long[] x, long[] ws) {
        long group = n.attrInt("group", 1);
        if (group <= 0 || x[1] != ws[1] * group || ws[0] % group != 0) return null;
        ConvGeometry g;
        try {
            ConvGeometry.checkAttributes(n);
            long[] kernel = n.attrInts("kernel_shape", new long[] {ws[2], ws[3]});
            if (kernel.length != 2 || kernel[0] != ws[2] || kernel[1] != ws[3]) return null;
            g = ConvGeometry.forward(n, new long[] {x[2], x[3]}, kernel, false);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new ConvShape(Math.toIntExact(x[0]), Math.toIntExact(x[1]), Math.toIntExact(x[2]),
                Math.toIntExact(x[3]), Math.toIntExact(ws[0]), (int) ws[2], (int) ws[3],
                (int) g.strides()[0], (int) g.strides()[1], (int) g.padBegin()[0], (int) g.padBegin()[1],
                (int) g.padEnd()[0], (int) g.padEnd()[1], (int) g.dilations()[0], (int) g.dilations()[1], (int) group);
    }

    /**
     * A BlockedConv operand's dims as the convolution sees them: {@code [N, C/b, H, W, b]} as {@code [N, C, H, W]}
     * (block 0, channels-last: {@code [N, 1, H, W, C]}), a plain 4-D input as it is; null for anything else.
     */
    public static long[] plainDims(long[] d, long block) {
        if (d == null) return null;
        if (d.length == 4) return d;
        if (d.length == 5 && block == 0 && d[1] == 1) return new long[] {d[0], d[4], d[2], d[3]};
        if (d.length != 5 || d[4] != block) return null;
        return new long[] {d[0], Math.multiplyExact(d[1], block), d[2], d[3]};
    }

    /**
     * The output's dims on level 3's layout {@code block}: {@code [N, C/block, H, W, block]}, or channels-last
     * {@code [N, 1, H, W, C]} for block 0.
     */
    public long[] blockedOutShape(int block) {
        long[] o = outShape;
        return block == 0 ? new long[] {o[0], 1, o[2], o[3], o[1]} : new long[] {o[0], o[1] / block, o[2], o[3], block};
    }

    /** The same geometry as the Winograd and depthwise kernels take it. */
    public io.jengine.cpu.simd.conv.ConvParams params() {
        ConvShape s = shape;
        return new io.jengine.cpu.simd.conv.ConvParams(s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(),
                s.strideH(), s.strideW(), s.padTop(), s.padLeft(), s.padBottom(), s.padRight(), s.dilH(), s.dilW(),
                s.group());
    }
}
