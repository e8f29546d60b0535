package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.ConvTransposeShape;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A 2-D transposed convolution (ONNX ConvTranspose) forward through oneDNN's deconvolution primitive, prepared once
 * and run many times on the caller's NCHW float32 memory: {@code y = deconv(x, weights) + bias}, weights reordered
 * once into the layout oneDNN's kernel picks. As for {@link DnnlConv2d} on plain memory, the activations are staged
 * per run into the layout its direct kernel wants; GEMM-driven and reference implementations are refused.
 *
 * <p>The geometry is ONNX's as {@link ConvTransposeShape} resolves it (begin pads and the output size); oneDNN's end
 * pads are what makes the sizes agree (output_padding shrinks them), and a geometry that needs a negative one is
 * refused.
 *
 * @see DnnlConv2d for threads, synchronization and closing
 */
public final class DnnlDeconv2d implements AutoCloseable {
    private final ConvTransposeShape s;
    private final DnnlPrimitive primitive;

    private DnnlDeconv2d(ConvTransposeShape s, DnnlPrimitive primitive) {
        this.s = s;
        this.primitive = primitive;
    }

    /**
     * Creates the primitive. {@code weights} are {@code inC * outC/group * kH * kW} floats in ONNX's
     * {@code [inC, outC / group, kH, kW]} order, only read while preparing (a read-only mapping will do; native memory
     * is reordered as it lies, a heap segment copied first); {@code bias} has {@code outC} values or is null.
     *
     * @throws IllegalArgumentException for weights or bias of the wrong size or threads below 1
     * @throws UnsupportedOperationException where the geometry needs a negative pad, or oneDNN has only GEMM-driven
     *                                       or reference kernels for it
     * @throws NativeCallException where oneDNN refuses it
     */
    public static DnnlDeconv2d prepare(ConvTransposeShape s, MemorySegment weights, float[] bias, int threads) {
        if (s == null) throw new IllegalArgumentException("geometry is null");
        long weightElements = (long) s.inC() * s.outCPerGroup() * s.taps();
        SegmentChecks.exactFloats("weights", "inC * outC/group * kH * kW", weights, weightElements);
        if (bias != null && bias.length != s.outC()) {
            throw new IllegalArgumentException("bias must hold outC = " + s.outC() + " floats, got " + bias.length);
        }
        // oneDNN's end pads make out = (in - 1) stride - padBegin - padEnd + (k - 1) dilation + 1 hold
        int padBottom = (s.inH() - 1) * s.strideH() + (s.kH() - 1) * s.dilH() + 1 - s.padTop() - s.outH();
        int padRight = (s.inW() - 1) * s.strideW() + (s.kW() - 1) * s.dilW() + 1 - s.padLeft() - s.outW();
        if (s.padTop() < 0 || s.padLeft() < 0 || padBottom < 0 || padRight < 0) {
            throw new UnsupportedOperationException("oneDNN cannot pad " + s + " by " + s.padTop() + "x" + s.padLeft()
                    + " / " + padBottom + "x" + padRight);
        }
        int groups = s.group();
        // ONNX's [inC, outC/g, kH, kW] is oneDNN's iohw ([g, inC/g, outC/g, kH, kW]: giohw) over logical (g)oihw dims
        long[] weightsDims = groups == 1 ? new long[] {s.outC(), s.inC(), s.kH(), s.kW()}
                : new long[] {groups, s.outCPerGroup(), s.inCPerGroup(), s.kH(), s.kW()};
        DnnlPrimitive.Spec spec = new DnnlPrimitive.Spec("dnnl_deconvolution_forward_primitive_desc_create",
                (out, engine, src, w, b, dst, attr, arena) -> Dnnl.dnnl_deconvolution_forward_primitive_desc_create(
                        out, engine, Dnnl.dnnl_forward_inference, Dnnl.dnnl_deconvolution_direct, src, w, b, dst,
                        Dnnl.dims(arena, s.strideH(), s.strideW()),
                        // oneDNN counts dilation from 0 (no gap), ONNX from 1
                        Dnnl.dims(arena, s.dilH() - 1, s.dilW() - 1),
                        Dnnl.dims(arena, s.padTop(), s.padLeft()), Dnnl.dims(arena, padBottom, padRight), attr),
                new long[] {s.batch(), s.inC(), s.inH(), s.inW()}, Dnnl.dnnl_abcd,
                new long[] {s.batch(), s.outC(), s.outH(), s.outW()}, Dnnl.dnnl_abcd,
                weightsDims, groups == 1 ? Dnnl.dnnl_bacd : Dnnl.dnnl_acbde, weights,
                bias == null ? null : new long[] {s.outC()}, bias, List.of(), threads, "transposed convolution " + s,
                Dnnl.dnnl_format_tag_any);
        return new DnnlDeconv2d(s, DnnlPrimitive.prepare(spec));
    }

    /** Computes {@code y} from {@code x}, both NCHW; checked before any native call. */
    public void run(MemorySegment x, MemorySegment y) {
        primitive.run("x", x, "y", y, null);
    }

    public ConvTransposeShape shape() { return s; }

    /** The implementation oneDNN chose. */
    public String implementation() { return primitive.implementation(); }

    @Override
    public void close() {
        primitive.close();
    }
}
