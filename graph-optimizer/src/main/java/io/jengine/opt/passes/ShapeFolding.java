package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Optional;
import java.util.Set;

/**
 * Shape and Size of a value whose static shape is fully known become constants, even though the value itself is not:
 * the first link of the Shape → Gather → Unsqueeze → Concat → Reshape chains exporters emit, which constant folding
 * then collapses. Dynamic dimensions stay dynamic unless fixed with {@code --shapes}.
 */
public final class ShapeFolding implements GraphPass {
    @Override
    public String name() { return "shape-folding"; }

    @Override
    public Set<String> targets() { return Set.of("Shape", "Size"); }

    @Override
    public Optional<Patch> apply(Node node, GraphIndex g) {
        if (!(g.type(node.inputs().getFirst()) instanceof ValueType.TensorType t)) return Optional.empty();
        Shape s = t.shape();
        if (s == null || !s.isFullyKnown()) return Optional.empty();
        long[] dims = s.toArray();
        Tensor value;
        if (node.opType().equals("Size")) {
            value = Tensor.ofLongs(new long[0], Shapes.size(dims));
        } else {
            Long end = node.hasAttr("end") ? node.attrInt("end", 0) : null;
            long[] part = Shapes.shapeSlice(dims, node.attrInt("start", 0), end);
            value = Tensor.ofLongs(new long[] {part.length}, part);
        }
        return Optional.of(new Patch().remove(node).initializer(node.outputs().getFirst(), value));
    }
}
