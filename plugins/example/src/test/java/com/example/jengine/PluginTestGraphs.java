package com.example.jengine;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** One-node models, run on the plugin's backend and on the reference kernels, and compared. */
final class PluginTestGraphs {
    private PluginTestGraphs() {}

    static Model swish(long[] shape, float beta) {
        Graph g = Graph.builder("swish").opset("", 17).opset(SwishOp.DOMAIN, 1)
                .addNode(Node.builder(SwishOp.OP).domain(SwishOp.DOMAIN).name("s").inputs("x").outputs("y")
                        .attr(Attribute.of("beta", beta)).build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, shape)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, shape))).build();
        return new Model(8, "test", "", g, Map.of());
    }

    static Model matMul(long[] aShape, Tensor b) {
        long[] y = aShape.clone();
        y[y.length - 1] = b.dim(1);
        Graph g = Graph.builder("mm").opset("", 17)
                .addNode(Node.builder("MatMul").name("mm").inputs("a", "b").outputs("y").build())
                .initializer("b", b)
                .addInput(new ValueInfo("a", ValueType.tensor(DType.FLOAT32, aShape)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, y))).build();
        return new Model(8, "test", "", g, Map.of());
    }

    /** Seeded values in [-scale, scale), never all zero. */
    static Tensor random(long[] shape, long seed, float scale) {
        Random r = new Random(seed);
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, (r.nextFloat() * 2 - 1) * scale);
        return t;
    }

    /** The model's output on {@code backends}, with the tactic the node ran recorded by the caller's check. */
    static Tensor run(Model m, Backends backends, String input, Tensor x) {
        try (Engine e = Engine.of(m, backends)) {
            return (Tensor) e.run(Map.of(input, x)).values().iterator().next();
        }
    }

    static void assertClose(Tensor want, Tensor got, Tolerance tol) {
        Comparison c = Comparison.of(want, got, tol);
        assertTrue(c.matches(), c.mismatch());
    }

    static Backends fast() { return Backends.of(List.of(new ExampleBackend()), List.of(SwishOp.DEFINITION)); }

    static Backends reference() { return Backends.of(List.of(), List.of(SwishOp.DEFINITION)); }
}
