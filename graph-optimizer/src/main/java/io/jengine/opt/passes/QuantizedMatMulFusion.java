package io.jengine.opt.passes;

import static io.jengine.opt.passes.QdqNodes.freshName;
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
 * A quantized graph's matrix products as integer layers, as {@link QuantizedConvFusion} does for convolutions: a
 * MatMul or FusedMatMul whose A comes from a per-tensor DequantizeLinear of uint8 or int8 codes and whose B is a
 * DequantizeLinear of a constant 2-D int8 tensor (symmetric: zero points 0, one scale or one per column, axis 1)
 * becomes {@code jengine::QuantizedMatMul} over the codes themselves; a QuantizeLinear that is the product's only
 * reader joins it, so that the layer writes the next layer's integers directly. The bias and activation the float
 * fusions gave the product stay with it. A Gemm or FusedGemm (A not transposed, alpha 1) is the same product: a
 * transposed B ({@code [N, K]}, scaled per row) becomes new {@code [K, N]} codes and beta times C a new bias.
 *
 * <p>It fuses only what the machine's integer kernels compute exactly (the same products as the convolutions':
 * {@link IntegerConvolution}), and nothing without one. {@link ConstantFolding} keeps a weight's DequantizeLinear
 * exactly where {@link #fusible} says this pass will take it.
 */
public final class QuantizedMatMulFusion implements GraphPass {
    private final IntegerConvolution target;

    /** {@code target}: what the integer kernels compute exactly; null when there are none (the pass then does nothing). */
    public QuantizedMatMulFusion(IntegerConvolution target) {
        this.target = target;
    }

    @Override
    public String name() { return "quantized-matmul-fusion"; }

    @Override
    public Set<String> targets() {
        return Set.of("MatMul", FusedOps.DOMAIN + "::" + FusedOpSpec.FUSED_MATMUL, "Gemm",
                FusedOps.DOMAIN + "::" + FusedOpSpec.FUSED_GEMM);
    }

    /**
     * The quantized operands of a product this pass can fuse; for a Gemm, B's codes as {@code [K, N]} and the bias as
     * {@code [N]} where they must be made anew (else null).
     */
    private record Operands(Node aDequantize, Node bDequantize, DType aType, Tensor newCodes, Tensor newBias) {}

    @Override
    public Optional<Patch> apply(Node mm, GraphIndex g) {
        Operands o = operands(mm, g, target);
        if (o == null) return Optional.empty();
        Patch p = new Patch().remove(mm).opset(FusedOps.DOMAIN, FusedOps.VERSION);
        Node da = o.aDequantize();
        List<String> in = new ArrayList<>(Collections.nCopies(FusedOpSpec.QM_Y_ZERO + 1, ""));
        in.set(FusedOpSpec.QM_A, da.inputs().getFirst());
        in.set(FusedOpSpec.QM_A_SCALE, da.inputs().get(1));
        in.set(FusedOpSpec.QM_A_ZERO, zeroPoint(da, o.aType(), p, g));
        String codes = o.bDequantize().inputs().getFirst();
        if (o.newCodes() != null) p.initializer(codes = freshName(codes + "/kn", g), o.newCodes());
        in.set(FusedOpSpec.QM_B, codes);
        in.set(FusedOpSpec.QM_B_SCALE, o.bDequantize().inputs().get(1));
        if (o.newBias() != null) {
            String bias = freshName(mm.outputs().getFirst() + "/bias", g);
            p.initializer(bias, o.newBias());
            in.set(FusedOpSpec.QM_BIAS, bias);
        } else if (mm.hasInput(FusedOpSpec.MATMUL_BIAS)) {
            in.set(FusedOpSpec.QM_BIAS, mm.inputs().get(FusedOpSpec.MATMUL_BIAS));
        }
        String out = mm.outputs().getFirst();
        String name = FusedOps.joinNames(g, mm);
        Node q = requantize(out, g);
        if (q != null) {
            in.set(FusedOpSpec.QM_Y_SCALE, q.inputs().get(1));
            in.set(FusedOpSpec.QM_Y_ZERO, zeroPoint(q, quantizedType(q, g), p, g));
            out = q.outputs().getFirst();
            name = FusedOps.joinNames(g, mm, q);
            p.remove(q);
        }
        Node.Builder b = Node.builder(FusedOpSpec.QUANTIZED_MATMUL).domain(FusedOps.DOMAIN).name(name)
                .inputs(trimmed(in)).outputs(out)
                .attr(Attribute.of(FusedOpSpec.ACTIVATION,
                        mm.attrString(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION)));
        if (mm.hasAttr(FusedOpSpec.ACTIVATION_PARAMS)) {
            b.attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS,
                    mm.attrFloats(FusedOpSpec.ACTIVATION_PARAMS, new float[0])));
        }
        return Optional.of(p.add(b.build()));
    }

    /**
     * Whether this pass will make {@code mm} (a MatMul, FusedMatMul, Gemm or FusedGemm) an integer layer: its A and B
     * are dequantized as described above, into what {@code target} computes exactly. What {@link ConstantFolding} asks
     * before folding a weight's DequantizeLinear.
     */
    public static boolean fusible(Node mm, GraphIndex g, IntegerConvolution target) {
        return operands(mm, g, target) != null;
    }

    private static Operands operands(Node mm, GraphIndex g, IntegerConvolution target) {
        if (target == null || mm.outputs().size() != 1 || mm.inputs().size() < 2) return null;
        boolean onnx = mm.domain().isEmpty();
        boolean gemm = onnx && mm.opType().equals("Gemm") || FusedOpSpec.is(mm, FusedOpSpec.FUSED_GEMM);
        boolean matmul = onnx && mm.opType().equals("MatMul") || FusedOpSpec.is(mm, FusedOpSpec.FUSED_MATMUL);
        if (!gemm && !matmul) return null;
        if (gemm && (mm.attrInt("transA", 0) != 0 || mm.attrFloat("alpha", 1f) != 1f)) return null;
        boolean transposed = gemm && mm.attrInt("transB", 0) != 0;
        Node da = g.producer(mm.inputs().getFirst()), db = g.producer(mm.inputs().get(1));
        if (!isDequantize(da) || !isDequantize(db) || da.outputs().size() != 1 || db.outputs().size() != 1) return null;
        // A: integer codes with one scale and zero point for the whole tensor
        if (!(g.type(da.inputs().getFirst()) instanceof ValueType.TensorType at)) return null;
        DType aType = at.elementType();
        if (aType != DType.UINT8 && aType != DType.INT8) return null;
        if (at.shape() != null && at.shape().rank() < 1) return null;
        Tensor as = g.constant(da.inputs().get(1));
        if (!isScalar(as) || !isFloat32(as) || !positiveFinite(as)) return null;
        if (da.hasInput(2)) {
            Tensor z = g.constant(da.inputs().get(2));
            if (!isScalar(z) || z.dtype() != aType) return null;
        }
        // B: constant 2-D int8 codes, symmetric, scaled per column (axis 1; a transposed B's axis 0) or per tensor
        Tensor b = g.constant(db.inputs().getFirst());
        Tensor bs = g.constant(db.inputs().get(1));
        if (b == null || b.dtype() != DType.INT8 || b.rank() != 2 || !isFloat32(bs) || !positiveFinite(bs)) return null;
        if (db.attrInt("block_size", 0) != 0) return null;
        long n = transposed ? b.dim(0) : b.dim(1);
        if (bs.size() != 1) {
            long axis = db.attrInt("axis", 1);
            boolean columns = transposed ? axis == 0 || axis == -2 : axis == 1 || axis == -1;
            if (bs.rank() != 1 || bs.size() != n || !columns) return null;
        }
        if (db.hasInput(2)) {
            Tensor bz = g.constant(db.inputs().get(2));
            if (bz == null) return null;
            for (long i = 0; i < bz.size(); i++) if (bz.getLong(i) != 0) return null;
        }
        Tensor newBias = null;
        if (mm.hasInput(FusedOpSpec.MATMUL_BIAS)) {
            Tensor bias = g.constant(mm.inputs().get(FusedOpSpec.MATMUL_BIAS));
            if (!isFloat32(bias)) return null;
            if (gemm) {
                // Gemm's C broadcasts to [M, N]: one value, or one per column ([N] or [1, N])
                long[] cs = bias.shape();
                if (!(bias.size() == 1 || bias.size() == n && (cs.length == 1 || cs[0] == 1))) return null;
                float beta = mm.attrFloat("beta", 1f);
                newBias = Tensor.allocate(DType.FLOAT32, n);
                for (long j = 0; j < n; j++) newBias.setFloat(j, beta * bias.getFloat(bias.size() == 1 ? 0 : j));
            } else if (bias.size() != n) {
                return null;
            }
        }
        if (!target.exact(aType, maxAbs(b))) return null;
        Tensor newCodes = null;
        if (transposed) {
            long k = b.dim(1);
            newCodes = Tensor.allocate(DType.INT8, k, n);
            for (long j = 0; j < n; j++) for (long p = 0; p < k; p++) newCodes.setLong(p * n + j, b.getLong(j * k + p));
        }
        return new Operands(da, db, aType, newCodes, newBias);
    }
}
