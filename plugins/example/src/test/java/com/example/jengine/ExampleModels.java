package com.example.jengine;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.onnx.OnnxExporter;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Makes {@code models/swish_mlp.onnx}, the plugin's example model: {@code y = Swish(x · W1 + b1) · W2 + b2} with
 * x of shape [batch, 64], W1 64×128, W2 128×10, seeded weights; the batch dimension is open; and {@code models/x.npy},
 * an input of two rows. Run as a program (from this folder) to write them again; {@link ExampleModelsTest} checks the
 * checked-in files are what this makes.
 */
public final class ExampleModels {
    static final String FILE = "models/swish_mlp.onnx";
    static final String INPUT = "models/x.npy";

    private ExampleModels() {}

    static Model swishMlp() {
        ValueType x = new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(Dim.symbol("batch"), Dim.of(64))));
        ValueType y = new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(Dim.symbol("batch"), Dim.of(10))));
        Graph g = Graph.builder("swish_mlp").opset("", 17).opset(SwishOp.DOMAIN, 1)
                .addNode(Node.builder("MatMul").name("fc1").inputs("x", "w1").outputs("h1").build())
                .addNode(Node.builder("Add").name("fc1_bias").inputs("h1", "b1").outputs("h2").build())
                .addNode(Node.builder(SwishOp.OP).domain(SwishOp.DOMAIN).name("swish").inputs("h2").outputs("h3")
                        .attr(Attribute.of("beta", 1.5f)).build())
                .addNode(Node.builder("MatMul").name("fc2").inputs("h3", "w2").outputs("h4").build())
                .addNode(Node.builder("Add").name("fc2_bias").inputs("h4", "b2").outputs("y").build())
                .initializer("w1", PluginTestGraphs.random(new long[] {64, 128}, 1, 0.25f))
                .initializer("b1", PluginTestGraphs.random(new long[] {128}, 2, 0.1f))
                .initializer("w2", PluginTestGraphs.random(new long[] {128, 10}, 3, 0.25f))
                .initializer("b2", PluginTestGraphs.random(new long[] {10}, 4, 0.1f))
                .addInput(new ValueInfo("x", x))
                .addOutput(new ValueInfo("y", y)).build();
        return new Model(8, "jengine-example-plugin", "1.0.0", g, Map.of());
    }

    /** The model's input for examples and tests: [2, 64] seeded values. */
    static Tensor input() { return PluginTestGraphs.random(new long[] {2, 64}, 5, 2f); }

    public static void main(String[] args) throws IOException {
        Files.write(Path.of(FILE), OnnxExporter.toBytes(swishMlp()));
        io.jengine.io.Npy.write(Path.of(INPUT), input());
        System.out.println("wrote " + FILE + " and " + INPUT);
    }
}
