package io.jengine.cpu.nativelib;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A 2-D transposed convolution (ONNX ConvTranspose) forward through oneDNN's deconvolution primitive, prepared once
 * and run many times on the caller's NCHW float32 memory: {@code y = deconv(x, weights) + bias}, weights reordered
 * once into the layout oneDNN's kernel picks. As for {@link DnnlConv2d} on plain memory, the activations are staged
 * per run into the layout its direct kernel wants; GEMM-driven and reference implementations are refused.
 *
 * <p>The geometry is ONNX's with explicit begin pads and the output size: oneDNN's end padding is what makes
 * {@code out = (in - 1) stride - padBegin - padEnd + (k - 1) dilation + 1} hold (ONNX's output_padding shrinks it),
 * and a geometry that would need a negative one is refused.
 *
 * @see DnnlConv2d for threads, synchronization and closing
 */
public final class DnnlDeconv2d implements AutoCloseable {
    /**
     * ONNX's geometry: input {@code [n, c, h, w]}, output {@code [n, m, outH, outW]}, weights
     * {@code [c, m / groups, kH, kW]}; dilations counted from 1 as ONNX does.
     */
    public record Geometry(int n, int c, int h, int w, int m, int outH, int outW, int kH, int kW, int strideH,
                           int strideW, int dilationH, int dilationW, int padTop, int padLeft, int groups) {
        public Geometry {
            for (int v : new int[] {n, c, h, w, m, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, groups}) {
                if (v < 1) throw new IllegalArgumentException("transposed convolution sizes must be positive: " + this);
            }
            if (padTop < 0 || padLeft < 0) throw new IllegalArgumentException("pads must not be negative: " + this);
            if (c % groups != 0 || m % groups != 0) {
                throw new IllegalArgumentException("channels " + c + " -> " + m + " do not split into " + groups + " groups");
            }
        }

        int padBottom() { return (h - 1) * strideH + (kH - 1) * dilationH + 1 - padTop - outH; }

        int padRight() { return (w - 1) * strideW + (kW - 1) * dilationW + 1 - padLeft - outW; }

        long weightElements() { return (long) c * (m / groups) * kH * kW; }
    }

    private final Geometry g;
    private final DnnlPrimitive primitive;

    private DnnlDeconv2d(Geometry g, DnnlPrimitive primitive) {
        this.g = g;
        this.primitive = primitive;
    }

    /**
     * Creates the primitive. {@code weights} in ONNX's {@code [c, m / groups, kH, kW]} order; {@code bias} has
     * {@code m} values or is null.
     *
     * @throws IllegalArgumentException for arrays of the wrong length or threads below 1
     * @throws UnsupportedOperationException where the geometry needs a negative end pad, or oneDNN has only
     *                                       GEMM-driven or reference kernels for it
     * @throws NativeCallException where oneDNN refuses it
     */
    public static DnnlDeconv2d prepare(Geometry g, float[] weights, float[] bias, int threads) {
        if (g == null) throw new IllegalArgumentException("geometry is null");
        if (weights == null || weights.length != g.weightElements()) {
            throw new IllegalArgumentException("weights must hold c * m/groups * kH * kW = " + g.weightElements()
                    + " floats, got " + (weights == null ? "null" : weights.length));
        }
        if (bias != null && bias.length != g.m()) {
            throw new IllegalArgumentException("bias must hold m = " + g.m() + " floats, got " + bias.length);
        }
        int padBottom = g.padBottom(), padRight = g.padRight();
        if (padBottom < 0 || padRight < 0) {
            throw new UnsupportedOperationException("oneDNN cannot pad the end of " + g + " by " + padBottom + "x"
                    + padRight);
        }
        int groups = g.groups();
        // ONNX's [c, m/g, kH, kW] is oneDNN's iohw ([g, c/g, m/g, kH, kW]: giohw) over logical (g)oihw dims
        long[] weightsDims = groups == 1 ? new long[] {g.m(), g.c(), g.kH(), g.kW()}
                : new long[] {groups, g.m() / groups, g.c() / groups, g.kH(), g.kW()};
        String context = "transposed convolution " + g;
        DnnlPrimitive.Spec spec = new DnnlPrimitive.Spec("dnnl_deconvolution_forward_primitive_desc_create",
                (out, engine, src, w, b, dst, attr, arena) -> Dnnl.dnnl_deconvolution_forward_primitive_desc_create(
                        out, engine, Dnnl.dnnl_forward_inference, Dnnl.dnnl_deconvolution_direct, src, w, b, dst,
                        Dnnl.dims(arena, g.strideH(), g.strideW()),
                        Dnnl.dims(arena, g.dilationH() - 1, g.dilationW() - 1),
                        Dnnl.dims(arena, g.padTop(), g.padLeft()), Dnnl.dims(arena, padBottom, padRight), attr),
                new long[] {g.n(), g.c(), g.h(), g.w()}, Dnnl.dnnl_abcd,
                new long[] {g.n(), g.m(), g.outH(), g.outW()}, Dnnl.dnnl_abcd,
                weightsDims, groups == 1 ? Dnnl.dnnl_bacd : Dnnl.dnnl_acbde, weights,
                bias == null ? null : new long[] {g.m()}, bias, List.of(), threads, context, true);
        return new DnnlDeconv2d(g, DnnlPrimitive.prepare(spec));
    }

    /** Computes {@code y} from {@code x}, both NCHW; checked before any native call. */
    public void run(MemorySegment x, MemorySegment y) {
        primitive.run("x", x, "y", y, null);
    }

    public Geometry geometry() { return g; }

    /** The implementation oneDNN chose. */
    public String implementation() { return primitive.implementation(); }

    @Override
    public void close() {
        primitive.close();
    }
}
