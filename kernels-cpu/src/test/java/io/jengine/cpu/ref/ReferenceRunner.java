package io.jengine.cpu.ref;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;

/** Opens the package-private reference kernels to the tests of the fast kernels, which compare against them. */
public final class ReferenceRunner {
    private ReferenceRunner() {}

    /** Runs the reference kernel of a one-node graph {@code op(inputs...) -> outputs} at {@code opset}. */
    public static Value[] run(String op, int opset, String[] inputs, String[] outputs, Value[] values, Attribute... attrs) {
        Node.Builder b = Node.builder(op).inputs(inputs).outputs(outputs);
        for (Attribute a : attrs) b.attr(a);
        return KernelHarness.run(b.build(), opset, values);
    }

    /** The first output of {@link #run} as a tensor. */
    public static Tensor single(String op, int opset, Value[] values, Attribute... attrs) {
        String[] in = new String[values.length];
        for (int i = 0; i < in.length; i++) in[i] = "in" + i;
        return (Tensor) run(op, opset, in, new String[] {"out"}, values, attrs)[0];
    }

    /** The reference kernel of {@code jengine.ElementwiseChain} on the given program and inputs. */
    public static Tensor elementwiseChain(java.util.List<String> ops, long[] args, float[] params, Tensor... inputs) {
        String[] in = new String[inputs.length];
        for (int i = 0; i < in.length; i++) in[i] = "in" + i;
        Node node = Node.builder("ElementwiseChain").domain(FusedKernels.DOMAIN).inputs(in).outputs("out")
                .attr(Attribute.ofStrings("ops", ops)).attr(Attribute.of("args", args))
                .attr(Attribute.of("params", params)).build();
        return (Tensor) KernelHarness.run(node, 1, inputs)[0];
    }

    /** The first output of the reference kernel of the engine's fused op {@code jengine.<op>}. */
    public static Tensor fused(String op, Value[] values, Attribute... attrs) {
        String[] in = new String[values.length];
        for (int i = 0; i < in.length; i++) in[i] = "in" + i;
        Node.Builder b = Node.builder(op).domain(FusedKernels.DOMAIN).inputs(in).outputs("out");
        for (Attribute a : attrs) b.attr(a);
        return (Tensor) KernelHarness.run(b.build(), 1, values)[0];
    }

    /** The reference's activation function of that name. */
    public static DoubleUnaryOperator activation(String name, float[] params) { return Activation.of(name, params); }

    /** The reference's double-precision error function. */
    public static double erf(double x) { return UnaryMath.erf(x); }
}
