package io.jengine.opt.passes;

import static io.jengine.opt.passes.QdqNodes.isDequantize;
import static io.jengine.opt.passes.QdqNodes.isFloat32;
import static io.jengine.opt.passes.QdqNodes.isScalar;
import static io.jengine.opt.passes.QdqNodes.maxAbs;
import static io.jengine.opt.passes.QdqNodes.positiveFinite;
import static io.jengine.opt.passes.QdqNodes.quantizedType;
import static io.jengine.opt.passes.QdqNodes.requantize;
import static io.jengine.opt.passes.QdqNodes.trimmed;
import static io.jengine.opt.passes.QdqNodes.zeroPoint;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A quantized graph's convolutions as integer layers, the way TensorRT and ONNX Runtime read explicit quantization: a
 * Conv or FusedConv whose input comes from a per-tensor DequantizeLinear of uint8 or int8 values and whose weights are
 * a DequantizeLinear of constant int8 codes (symmetric: zero points 0, one scale or one per output channel) becomes
 * {@code jengine::QuantizedConv} over the codes themselves; a QuantizeLinear that is the convolution's only reader
 * joins it, so that the layer writes the next layer's integers directly. The bias, residual and activation the float
 * fusions gave the convolution stay with it; a residual that is itself a DequantizeLinear of codes is added as those
 * codes (with its scale and zero point), which lets a residual block's output stay in integers as well, as TensorRT
 * runs a ResNet; a float residual keeps the output float.
 *
 * <p>It fuses only what the machine's integer kernels compute exactly ({@link IntegerConvolution}: without VNNI,
 * uint8 sources and 7-bit weights), and nothing without one: there a DequantizeLinear of weights folds into float
 * weights as any constant does. To keep those codes in sight, {@link ConstantFolding} leaves a weight's
 * DequantizeLinear alone exactly where {@link #fusible} says this pass will take it.
 */
public final class QuantizedConvFusion implements GraphPass {
    private final IntegerConvolution target;

    /** {@code target}: what the integer kernels compute exactly; null when there are none (the pass then does nothing). */
    public QuantizedConvFusion(IntegerConvolution target) {
        this.target = target;
    }

    @Override
    public String name() { return "quantized-conv-fusion"; }

    @Override
    public Set<String> targets() { return Set.of("Conv", FusedOps.DOMAIN + "::" + FusedOpSpec.FUSED_CONV); }

    /** The quantized operands of a convolution this pass can fuse. */
    private record Operands(Node xDequantize, Node wDequantize, DType xType, Tensor wCodes, Tensor wScale) {}

    @Override
    public Optional<Patch> apply(Node conv, GraphIndex g) {
        Operands o = operands(conv, g, target);
        if (o == null) return Optional.empty();
        boolean residual = conv.hasInput(FusedOpSpec.CONV_RESIDUAL);
        String z = residual ? conv.inputs().get(FusedOpSpec.CONV_RESIDUAL) : null;
        Patch p = new Patch().remove(conv).opset(FusedOps.DOMAIN, FusedOps.VERSION);
        Node dx = o.xDequantize();
        String xZero = zeroPoint(dx, o.xType(), p, g);
        List<String> in = new ArrayList<>(Collections.nCopies(FusedOpSpec.QC_Z_ZERO + 1, ""));
        in.set(FusedOpSpec.QC_X, dx.inputs().getFirst());
        in.set(FusedOpSpec.QC_X_SCALE, dx.inputs().get(1));
        in.set(FusedOpSpec.QC_X_ZERO, xZero);
        in.set(FusedOpSpec.QC_W, o.wDequantize().inputs().getFirst());
        in.set(FusedOpSpec.QC_W_SCALE, o.wDequantize().inputs().get(1));
        if (conv.hasInput(2)) in.set(FusedOpSpec.QC_B, conv.inputs().get(2));
        String out = conv.outputs().getFirst();
        Node q = requantize(out, g);
        // A residual joins an integer output only as integers too (the sum then runs on the codes, in the
        // destination's bytes); a float residual keeps the output float.
        Node dz = q != null && residual ? integerResidual(z, g) : null;
        if (residual && dz == null) q = null;
        if (dz != null) {
            in.set(FusedOpSpec.QC_RESIDUAL, dz.inputs().getFirst());
            in.set(FusedOpSpec.QC_Z_SCALE, dz.inputs().get(1));
            in.set(FusedOpSpec.QC_Z_ZERO, zeroPoint(dz, quantizedSource(dz, g), p, g));
        } else if (residual) {
            in.set(FusedOpSpec.QC_RESIDUAL, z);
        }
        String name = FusedOps.joinNames(g, conv);
        if (q != null) {
            DType yType = quantizedType(q, g);
            in.set(FusedOpSpec.QC_Y_SCALE, q.inputs().get(1));
            in.set(FusedOpSpec.QC_Y_ZERO, zeroPoint(q, yType, p, g));
            out = q.outputs().getFirst();
            name = FusedOps.joinNames(g, conv, q);
            p.remove(q);
        }
        Node.Builder b = conv.toBuilder().domain(FusedOps.DOMAIN).opType(FusedOpSpec.QUANTIZED_CONV).name(name)
                .inputs(trimmed(in)).outputs(out);
        if (!conv.hasAttr(FusedOpSpec.ACTIVATION)) b.attr(Attribute.of(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION));
        return Optional.of(p.add(b.build()));
    }

    /**
     * Whether this pass will make {@code conv} (a Conv or FusedConv) an integer layer: its input and weights are
     * dequantized as described above, into what {@code target} computes exactly. What {@link ConstantFolding} asks
     * before folding a weight's DequantizeLinear.
     */
    public static boolean fusible(Node conv, GraphIndex g, IntegerConvolution target) {
        return operands(conv, g, target) != null;
    }

    private static Operands operands(Node conv, GraphIndex g, IntegerConvolution target) {
        if (target == null || conv.outputs().size() != 1 || conv.inputs().size() < 2) return null;
        boolean onnx = conv.domain().isEmpty() && conv.opType().equals("Conv");
        if (!onnx && !FusedOpSpec.is(conv, FusedOpSpec.FUSED_CONV)) return null;
        Node dx = g.producer(conv.inputs().getFirst()), dw = g.producer(conv.inputs().get(1));
        if (!isDequantize(dx) || !isDequantize(dw) || dx.outputs().size() != 1 || dw.outputs().size() != 1) return null;
        // the source: integer codes with one scale and zero point for the whole tensor
        if (!(g.type(dx.inputs().getFirst()) instanceof ValueType.TensorType xt)) return null;
        DType xType = xt.elementType();
        if (xt.shape() == null || xt.shape().rank() != 4) return null;
        if (!isScalar(g.constant(dx.inputs().get(1))) || !isFloat32(g.constant(dx.inputs().get(1)))) return null;
        if (!positiveFinite(g.constant(dx.inputs().get(1)))) return null;
        if (dx.hasInput(2)) {
            Tensor z = g.constant(dx.inputs().get(2));
            if (!isScalar(z) || z.dtype() != xType) return null;
        }
        // the weights: constant int8 codes, symmetric, scaled per output channel (axis 0) or per tensor
        Tensor w = g.constant(dw.inputs().getFirst());
        Tensor ws = dw.hasInput(1) ? g.constant(dw.inputs().get(1)) : null;
        if (w == null || w.dtype() != DType.INT8 || w.rank() != 4 || !isFloat32(ws) || !positiveFinite(ws)) return null;
        if (dw.attrInt("block_size", 0) != 0) return null;
        if (ws.size() != 1) {
            long axis = dw.attrInt("axis", 1);
            if (ws.rank() != 1 || ws.size() != w.dim(0) || (axis != 0 && axis != -4)) return null;
        }
        if (dw.hasInput(2)) {
            Tensor wz = g.constant(dw.inputs().get(2));
            if (wz == null) return null;
            for (long i = 0; i < wz.size(); i++) if (wz.getLong(i) != 0) return null;
        }
        if (conv.hasInput(2) && !isFloat32(g.constant(conv.inputs().get(2)))) return null;
        if (!target.exact(xType, maxAbs(w))) return null;
        return new Operands(dx, dw, xType, w, ws);
    }

    /** The DequantizeLinear that makes {@code z} from per-tensor uint8 or int8 codes, else null. */
    private static Node integerResidual(String z, GraphIndex g) {
        Node dz = g.producer(z);
        if (!isDequantize(dz) || dz.outputs().size() != 1) return null;
        DType t = quantizedSource(dz, g);
        if (t != DType.UINT8 && t != DType.INT8) return null;
        Tensor s = g.constant(dz.inputs().get(1));
        if (!isScalar(s) || !isFloat32(s) || !positiveFinite(s)) return null;
        if (dz.hasInput(2)) {
            Tensor zp = g.constant(dz.inputs().get(2));
            if (!isScalar(zp) || zp.dtype() != t) return null;
        }
        return dz;
    }

    /** The element type a DequantizeLinear reads, or null where unknown. */
    private static DType quantizedSource(Node dq, GraphIndex g) {
        return g.type(dq.inputs().getFirst()) instanceof ValueType.TensorType t ? t.elementType() : null;
    }
}
