package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.ElementwiseChain;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * {@code jengine.ElementwiseChain} over float32 inputs: the optimizer's program (attributes ops, args, params, as its
 * ElementwiseProgram writes them) compiled once into an {@link ElementwiseChain} for the planned shapes. The output
 * may take the buffer of the first input of its element count.
 */
final class ElementwiseChainTactics {
    private ElementwiseChainTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put(FusedOpSpec.ELEMENTWISE_CHAIN, ElementwiseChainTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!FusedOpSpec.is(n, FusedOpSpec.ELEMENTWISE_CHAIN) || n.inputCount() == 0) return List.of();
        long[][] shapes = new long[n.inputCount()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = PlannedShapes.inputDims(ctx, i, DType.FLOAT32);
            if (shapes[i] == null) return List.of();
        }
        ElementwiseChain chain;
        try {
            chain = new ElementwiseChain(n.attrStrings("ops", List.of()), n.attrInts("args", new long[0]),
                    n.attrFloats("params", new float[0]), shapes);
        } catch (IllegalArgumentException e) {
            return List.of(); // a malformed program or shapes that do not broadcast: the reference says which
        }
        long[] out = chain.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, out)) return List.of();
        int inPlace = -1;
        for (int i = 0; i < shapes.length && inPlace < 0; i++) if (Shapes.size(shapes[i]) == Shapes.size(out)) inPlace = i;
        int shared = inPlace;
        return List.of(new Tactic(backend, "elementwise-chain", () -> new ChainKernel(chain, shapes, out, shared,
                new long[shapes.length])));
    }

    /** {@code offsets}: every input from byte 0 (shared by all runs, never written). */
    private record ChainKernel(ElementwiseChain chain, long[][] inShapes, long[] outShape, int inPlace, long[] offsets)
            implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            MemorySegment[] in = new MemorySegment[inShapes.length];
            for (int i = 0; i < in.length; i++) in[i] = PlannedShapes.input(ctx, i, DType.FLOAT32, inShapes[i]).data();
            Tensor y = ctx.output(0, DType.FLOAT32, outShape);
            chain.run(in, offsets, y.data(), 0, ctx.threads());
        }

        @Override
        public int inPlaceInput() { return inPlace; }
    }
}
