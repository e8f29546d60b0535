package io.jengine.opt.passes;

import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.runtime.Backends;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates nodes whose inputs are all constants, once, at build time, and replaces them by initializers; Constant
 * nodes become initializers too. Random ops are left alone, and so is any node whose result would be much larger than
 * its inputs (Expand, Tile, ConstantOfShape on big shapes): folding those would blow up the model file.
 */
public final class ConstantFolding implements GraphPass {
    /** Results above this many elements are only folded when they are no larger than their inputs. */
    static final long SMALL_RESULT = 1 << 16;

    private final IntegerConvolution integerConvolution;
    private final Backends backends;

    public ConstantFolding() { this(null, null); }

    public ConstantFolding(IntegerConvolution integerConvolution) { this(integerConvolution, null); }

    /**
     * Folding that leaves alone the DequantizeLinear of a convolution's or matrix product's int8 weights where
     * {@link QuantizedConvFusion} or {@link QuantizedMatMulFusion} will make that product an integer layer for
     * {@code integerConvolution} (null: fold everything), evaluating nodes with {@code backends} (null: the class
     * path's); an op defined as not foldable ({@link io.jengine.spi.OpDefinition#foldable}) stays.
     */
    public ConstantFolding(IntegerConvolution integerConvolution, Backends backends) {
        this.integerConvolution = integerConvolution;
        this.backends = backends;
    }

    @Override
    public String name() { return "constant-folding"; }

    @Override
    public Set<String> targets() { return Set.of(); }

    @Override
    public Optional<Patch> apply(Node node, GraphIndex g) {
        if (Matching.RANDOM_OPS.contains(node.opType())) return Optional.empty();
        for (var a : node.attributes().values()) if (!GraphOrder.bodies(a).isEmpty()) return Optional.empty();
        if (node.opType().equals("Constant") && node.domain().isEmpty()) {
            Tensor t = g.constant(node.outputs().getFirst());
            if (t == null) return Optional.empty();
            return Optional.of(new Patch().remove(node).initializer(node.outputs().getFirst(), t));
        }
        if (node.inputs().stream().allMatch(String::isEmpty)) return Optional.empty();
        if (!NodeEvaluator.backends(backends).foldable(node.domain(), node.opType())) return Optional.empty();
        if (integerConvolution != null && feedsIntegerProducts(node, g)) return Optional.empty();
        Value[] in = new Value[node.inputs().size()];
        long inputElements = 0;
        for (int i = 0; i < in.length; i++) {
            String name = node.inputs().get(i);
            if (name.isEmpty()) continue;
            Tensor t = g.constant(name);
            if (t == null) return Optional.empty();
            in[i] = t;
            inputElements += t.size();
        }
        if (tooLarge(staticSize(node, g), inputElements)) return Optional.empty();
        Value[] out;
        try {
            out = NodeEvaluator.evaluate(node, g.graph(), in, backends);
        } catch (RuntimeException e) {
            return Optional.empty(); // left for run time, where the error will name the node
        }
        if (out == null) return Optional.empty();
        Patch p = new Patch().remove(node);
        long produced = 0;
        for (int i = 0; i < node.outputs().size(); i++) {
            String name = node.outputs().get(i);
            if (name.isEmpty()) continue;
            if (i >= out.length || !(out[i] instanceof Tensor t)) return Optional.empty();
            produced += t.size();
            p.initializer(name, t);
        }
        return tooLarge(produced, inputElements) ? Optional.empty() : Optional.of(p);
    }

    /**
     * A DequantizeLinear whose every reader takes it as the weights of a convolution or matrix product that will run
     * on integers.
     */
    private boolean feedsIntegerProducts(Node node, GraphIndex g) {
        if (!node.domain().isEmpty() || !node.opType().equals("DequantizeLinear") || node.outputs().size() != 1) {
            return false;
        }
        String w = node.outputs().getFirst();
        if (g.isGraphOutput(w) || g.consumers(w).isEmpty()) return false;
        for (Node c : g.consumers(w)) {
            if (c.inputs().indexOf(w) != 1 || c.inputs().lastIndexOf(w) != 1) return false;
            if (!QuantizedConvFusion.fusible(c, g, integerConvolution)
                    && !QuantizedMatMulFusion.fusible(c, g, integerConvolution)) {
                return false;
            }
        }
        return true;
    }

    private static boolean tooLarge(long outputElements, long inputElements) {
        return outputElements > SMALL_RESULT && outputElements > inputElements;
    }

    /** The elements of the node's outputs as statically known, or 0 when unknown. */
    private static long staticSize(Node node, GraphIndex g) {
        long total = 0;
        for (String o : node.outputs()) {
            if (o.isEmpty()) continue;
            if (g.type(o) instanceof ValueType.TensorType t && t.shape() != null && t.shape().isFullyKnown()) {
                total += Shapes.size(t.shape().toArray());
            }
        }
        return total;
    }
}
