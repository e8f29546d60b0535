package io.jengine.cpu.simd;

import static io.jengine.ir.FusedOpSpec.QM_A;
import static io.jengine.ir.FusedOpSpec.QM_A_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_A_ZERO;
import static io.jengine.ir.FusedOpSpec.QM_B;
import static io.jengine.ir.FusedOpSpec.QM_BIAS;
import static io.jengine.ir.FusedOpSpec.QM_B_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_Y_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_Y_ZERO;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * {@code jengine::QuantizedMatMul} computed in float, the matrix-product counterpart of {@link QuantizedConvTactics}:
 * for machines whose integer kernels cannot take the layer exactly (8-bit B or int8 A without VNNI: a plan quantized
 * on a VNNI CPU, loaded on one without), where only the reference kernel, summing every product in double, would be
 * left. B is dequantized once (per tensor or per column) and packed for the packed GEMM; each run dequantizes A's
 * codes vector-wide, A's leading axes folded into rows as the float MatMul folds them, multiplies with the bias and
 * activation applied as the GEMM stores, and with y_scale quantizes the result as QuantizeLinear does
 * ({@link QuantizedCodes}). That is the arithmetic of the QDQ graph the layer stands for.
 */
final class QuantizedMatMulTactics {
    private QuantizedMatMulTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put(FusedOpSpec.QUANTIZED_MATMUL, QuantizedMatMulTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_MATMUL)) return List.of();
        long[] a = ctx.inputDims(QM_A);
        if (a == null || a.length < 1 || !(ctx.inputType(QM_A) instanceof ValueType.TensorType at)) return List.of();
        QuantizedCodes ac = QuantizedCodes.of(at.elementType(), ctx.constant(QM_A_SCALE), ctx.constant(QM_A_ZERO));
        Tensor b = ctx.constant(QM_B), bs = ctx.constant(QM_B_SCALE);
        if (ac == null || b == null || b.dtype() != DType.INT8 || b.rank() != 2 || bs == null
                || bs.dtype() != DType.FLOAT32 || bs.size() != 1 && bs.size() != b.dim(1)) {
            return List.of();
        }
        long k = b.dim(0), nn = b.dim(1), rows = k == 0 ? 0 : Shapes.size(a) / k;
        if (a[a.length - 1] != k || k < 1 || nn < 1 || rows < 1 || Math.max(rows, Math.max(k, nn)) > Integer.MAX_VALUE) {
            return List.of();
        }
        QuantizedCodes yc = null;
        if (n.hasInput(QM_Y_SCALE) || n.hasInput(QM_Y_ZERO)) {
            Tensor yz = ctx.constant(QM_Y_ZERO);
            yc = yz == null ? null : QuantizedCodes.of(yz.dtype(), ctx.constant(QM_Y_SCALE), yz);
            if (yc == null) return List.of();
        }
        Epilogue e;
        try {
            FusedOpSpec.Activation act = FusedOpSpec.Activation.of(n);
            e = Epilogue.of(Activation.of(act.name(), act.params()));
        } catch (IllegalArgumentException unknown) {
            return List.of();
        }
        if (n.hasInput(QM_BIAS)) {
            Tensor bias = ctx.constant(QM_BIAS);
            if (bias == null || bias.dtype() != DType.FLOAT32 || bias.size() != nn) return List.of();
            e = e.withColumnBias(bias.toFloatArray());
        }
        Epilogue epilogue = e;
        QuantizedCodes yCodes = yc;
        int m = (int) rows, kk = (int) k, cols = (int) nn;
        long[] out = a.clone();
        out[out.length - 1] = nn;
        DType outType = yc == null ? DType.FLOAT32 : yc.type();
        long aSize = rows * k, outSize = rows * nn;
        // cpu-native's integer matmul, where it computes the layer exactly, comes first by its backend's priority
        GemmProblem p = new GemmProblem(m, cols, kk, 1, false, true, 1);
        return List.of(TunableGemm.tactic(backend, "quantized-matmul.float", p, blk -> () -> {
            PackedB packed = PackedB.pack(Matrix.copyOf(dequantized(b, bs), kk, cols), blk);
            return kc -> {
                MemorySegment codes = PlannedShapes.input(kc, QM_A, ac.type(), a).data();
                MemorySegment values = QuantizedScratch.source(aSize);
                ac.dequantize(codes, values, aSize, kc.threads());
                Tensor y = kc.output(0, outType, out);
                MemorySegment result = yCodes == null ? y.data() : QuantizedScratch.result(outSize);
                Sgemm.multiply(Matrix.of(values, 0, m, kk), packed, Matrix.of(result, 0, m, cols), epilogue,
                        kc.threads());
                if (yCodes != null) yCodes.quantize(result, y.data(), outSize, kc.threads());
            };
        }));
    }

    /** {@code b[k, n] * scale[n]} in float32, as DequantizeLinear along axis 1 (or per tensor) gives it. */
    private static float[] dequantized(Tensor b, Tensor scales) {
        float[] out = new float[Math.toIntExact(b.size())];
        int cols = (int) b.dim(1);
        float[] s = scales.toFloatArray();
        for (int i = 0; i < out.length; i++) out[i] = b.getLong(i) * s[s.length == 1 ? 0 : i % cols];
        return out;
    }
}
