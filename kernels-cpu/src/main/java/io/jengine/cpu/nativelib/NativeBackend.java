package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.ConvNode;
import io.jengine.cpu.simd.ConvShape;
import io.jengine.cpu.simd.ops.UnaryActivations;
import io.jengine.cpu.simd.ops.UnaryOp;
import io.jengine.ir.FusedOpSpec;
import io.jengine.spi.Backend;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.ref.Cleaner;
import java.util.List;

/**
 * Native tactics through the FFM API: oneDNN's convolution primitive (weights reordered to its own layout once, bias
 * as the primitive's argument, the residual as a sum post-op). Its priority is below cpu-simd's, so it runs a node when
 * forced ({@code --tactic FusedConv=dnnl.conv}) or when the tuner measures it faster. Where oneDNN cannot load (another
 * OS, a stripped install) it offers nothing and everything still runs.
 *
 * <p>The fused activation is applied by our own vector code after the primitive, not as an oneDNN eltwise post-op:
 * oneDNN's relu and clip turn NaN into numbers, and the engine's rule is that NaN and Inf land where the reference
 * puts them.
 */
public final class NativeBackend implements Backend {
    public static final String NAME = "cpu-native";
    private static final Cleaner CLEANER = Cleaner.create();

    @Override
    public String name() { return NAME; }

    @Override
    public int priority() { return 5; }

    @Override
    public List<Tactic> tactics(NodeContext ctx) {
        String op = ctx.node().opType();
        if (!op.equals("Conv") && !op.equals(FusedOpSpec.FUSED_CONV)) return List.of();
        if (NativeLibraries.dnnl().isEmpty()) return List.of();
        ConvNode c = ConvNode.of(ctx);
        if (c == null) return List.of();
        int threads = ctx.threads();
        return List.of(new Tactic(NAME, "dnnl.conv", () -> dnnlConv(c, threads)));
    }

    private static Kernel dnnlConv(ConvNode c, int threads) {
        ConvShape s = c.shape();
        ConvParams p = new ConvParams(s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.strideH(),
                s.strideW(), s.dilH(), s.dilW(), s.padTop(), s.padLeft(), s.padBottom(), s.padRight(), s.group());
        DnnlConv2d conv = DnnlConv2d.prepare(p, c.weights(), c.bias(),
                c.residual() ? List.of(DnnlPostOp.sum()) : List.of(), threads);
        UnaryOp act = UnaryOp.named(c.fused().name());
        float[] params = c.fused().params();
        Kernel k = ctx -> {
            Tensor x = ctx.tensor(0);
            if (x.dtype() != DType.FLOAT32 || !x.hasShape(new long[] {s.batch(), s.inC(), s.inH(), s.inW()})) {
                throw new IllegalArgumentException("input X is " + x.describe() + ", the plan was made for float32 ["
                        + s.batch() + "," + s.inC() + "," + s.inH() + "," + s.inW() + "]");
            }
            Tensor y = ctx.output(0, DType.FLOAT32, c.outShape());
            conv.run(x.data(), y.data(), c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null);
            if (act != UnaryOp.NONE) UnaryActivations.apply(act, params, y.data(), 0, y.data(), 0, y.size());
        };
        CLEANER.register(k, conv::close);
        return k;
    }
}
