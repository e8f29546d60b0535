package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.ElementwiseChain;
import io.jengine.ir.ChainCodes;
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
 * {@code jengine.ElementwiseChain} over float32 inputs (and uint8 or int8 codes at its ends, {@link ChainCodes}): the optimizer's program (attributes ops, args, params, as its
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
        ChainCodes codes;
        try {
            codes = ChainCodes.of(n);
        } catch (IllegalArgumentException e) {
            return List.of(); // the reference says what is wrong
        }
        DType[] types = new DType[n.inputCount()];
        long[][] shapes = new long[n.inputCount()][];
        for (int i = 0; i < shapes.length; i++) {
            types[i] = codes.inputTypes()[i] != null ? codes.inputTypes()[i] : DType.FLOAT32;
            shapes[i] = PlannedShapes.inputDims(ctx, i, types[i]);
            if (shapes[i] == null) return List.of();
        }
        ElementwiseChain chain;
        try {
            chain = new ElementwiseChain(n.attrStrings("ops", List.of()), n.attrInts("args", new long[0]),
                    n.attrFloats("params", new float[0]), codes, shapes);
        } catch (IllegalArgumentException e) {
            return List.of(); // a malformed program or shapes that do not broadcast: the reference says which
        }
        long[] out = chain.outShape();
        DType outType = codes.outputType(DType.FLOAT32);
        if (!PlannedShapes.outputIs(ctx, 0, outType, out)) return List.of();
        int inPlace = -1;
        for (int i = 0; i < shapes.length && inPlace < 0; i++) {
            if (Shapes.size(shapes[i]) == Shapes.size(out) && types[i] == outType) inPlace = i;
        }
        int shared = inPlace;
        return List.of(new Tactic(backend, "elementwise-chain", () -> new ChainKernel(chain, types, shapes, outType, out,
                shared, new long[shapes.length])));
    }

    /** {@code offsets}: every input from byte 0 (shared by all runs, never written). */
    private record ChainKernel(ElementwiseChain chain, DType[] inTypes, long[][] inShapes, DType outType, long[] outShape,
                               int inPlace, long[] offsets) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            MemorySegment[] in = new MemorySegment[inShapes.length];
            for (int i = 0; i < in.length; i++) in[i] = PlannedShapes.input(ctx, i, inTypes[i], inShapes[i]).data();
            Tensor y = ctx.output(0, outType, outShape);
            chain.run(in, offsets, y.data(), 0, ctx.threads());
        }

        @Override
        public int inPlaceInput() { return inPlace; }
    }
}
