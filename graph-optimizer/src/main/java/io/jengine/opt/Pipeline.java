package io.jengine.opt;

import io.jengine.ir.Node;
import io.jengine.opt.passes.AttentionFusion;
import io.jengine.opt.passes.BatchNormFolding;
import io.jengine.opt.passes.CommonSubexpressionElimination;
import io.jengine.opt.passes.ConvAffineFolding;
import io.jengine.opt.passes.ConstantFolding;
import io.jengine.opt.passes.DeadNodeElimination;
import io.jengine.opt.passes.ElementwiseChainFusion;
import io.jengine.opt.passes.FakeQuantizeRecognition;
import io.jengine.opt.passes.FuseActivation;
import io.jengine.opt.passes.FuseBiasAdd;
import io.jengine.opt.passes.FuseResidualAdd;
import io.jengine.opt.passes.GeluRecognition;
import io.jengine.opt.passes.HardSwishRecognition;
import io.jengine.opt.passes.LayerNormRecognition;
import io.jengine.opt.passes.IdentityElimination;
import io.jengine.opt.passes.LoneBatchNormToScaleBias;
import io.jengine.opt.passes.NoOpElimination;
import io.jengine.opt.passes.QuantizedConvFusion;
import io.jengine.opt.passes.QuantizedMatMulFusion;
import io.jengine.opt.passes.ShapeFolding;
import io.jengine.opt.passes.TransposeReshapeMerging;
import io.jengine.spi.IntegerConvolution;
import java.util.List;

/**
 * The passes, in the order they run, each with its level: 1 generic clean-up (safe on any graph, for any backend),
 * 2 fusion (rewrites into the engine's fused ops), 3 layout and backend-specific lowering. The whole list repeats until
 * nothing changes, so a pass may rely on earlier ones having run but must not depend on running only once.
 */
public final class Pipeline {
    /** A pass and the level from which it runs. */
    public record Stage(int level, GraphPass pass) {}

    private static final List<Stage> STAGES = List.of(
            // Removing what cannot matter first makes every later match cheaper and more likely.
            new Stage(1, new DeadNodeElimination()),
            new Stage(1, new IdentityElimination()),
            // Constants next: shape arithmetic folded to constants is what lets no-op detection and fusion see shapes.
            new Stage(1, new ShapeFolding()),
            new Stage(1, new ConstantFolding()),
            new Stage(1, new NoOpElimination()),
            new Stage(1, new TransposeReshapeMerging()),
            // After folding, identical subgraphs (two Shape→Gather chains ...) have identical inputs and merge.
            new Stage(1, new CommonSubexpressionElimination()),
            // Recognising decomposed LayerNormalization, Gelu and attention needs folded constants (eps, sqrt(2), the
            // scales and the mask), so they come after level 1 has run.
            new Stage(2, new LayerNormRecognition()),
            new Stage(2, new GeluRecognition()),
            new Stage(2, new AttentionFusion()),
            // BatchNorm folds into the producer's weights before activation fusion would hide the producer.
            new Stage(2, new BatchNormFolding()),
            new Stage(2, new LoneBatchNormToScaleBias()),
            // Constant scales and shifts, bias Adds and residual Adds join their producer first, so that the
            // activation after them can too.
            new Stage(2, new ConvAffineFolding()),
            new Stage(2, new FuseBiasAdd()),
            new Stage(2, new FuseResidualAdd()),
            // HardSwish written out as x * Clip(x + 3, 0, 6) / 6 becomes one activation (of its producer, if it can).
            new Stage(2, new HardSwishRecognition()),
            new Stage(2, new FuseActivation()),
            // Once the float fusions have settled each convolution's bias, residual and activation, a quantized
            // graph's convolutions become integer layers (where the options name integer kernels: see stages(target)).
            new Stage(2, new QuantizedConvFusion(null)),
            // and so do its matrix products, on the same integer products
            new Stage(2, new QuantizedMatMulFusion(null)),
            // What integer layers did not take of a Q/DQ pair is fake quantization in float: one elementwise step.
            new Stage(2, new FakeQuantizeRecognition()),
            // Last: what is left of elementwise work after the fusions into compute ops merges into chains.
            new Stage(2, new ElementwiseChainFusion()));

    private Pipeline() {}

    public static List<Stage> stages() { return STAGES; }

    /**
     * The stages for a machine whose integer convolutions are {@code target}: constant folding keeps the int8 weights
     * that {@link QuantizedConvFusion} and {@link QuantizedMatMulFusion} will run as integers, and those passes fuse
     * them. Null: {@link #stages()}.
     */
    public static List<Stage> stages(IntegerConvolution target) { return stages(target, null); }

    /**
     * As {@link #stages(IntegerConvolution)}, with constants folded by {@code backends}' kernels (null: the class
     * path's), so that plugin ops that allow it fold too.
     */
    public static List<Stage> stages(IntegerConvolution target, io.jengine.runtime.Backends backends) {
        if (target == null && backends == null) return STAGES;
        return STAGES.stream().map(s -> switch (s.pass()) {
            case ConstantFolding c -> new Stage(s.level(), new ConstantFolding(target, backends));
            case QuantizedConvFusion q -> new Stage(s.level(), new QuantizedConvFusion(target));
            case QuantizedMatMulFusion q -> new Stage(s.level(), new QuantizedMatMulFusion(target));
            default -> s;
        }).toList();
    }

    /** How passes name the op types they target: "Conv" for ONNX ops, "domain::Op" for others. */
    public static String key(Node n) { return n.domain().isEmpty() ? n.opType() : n.domain() + "::" + n.opType(); }
}
