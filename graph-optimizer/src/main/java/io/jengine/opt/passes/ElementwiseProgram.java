package io.jengine.opt.passes;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A straight-line program of elementwise steps over a node's inputs, as {@code jengine.ElementwiseChain} stores it:
 * attribute {@code ops} (one op name per step), {@code args} (two operand references per step: r >= 0 is node input
 * r, r < 0 is the result of step -r-1; the second is ignored by unary ops) and {@code params} (two floats per step,
 * for LeakyRelu's alpha, Clip's bounds ...). The last step is the output.
 */
record ElementwiseProgram(List<String> inputs, List<String> ops, List<long[]> args, List<float[]> params) {
    static final Map<String, Integer> ARITY = Map.ofEntries(
            Map.entry("Add", 2), Map.entry("Sub", 2), Map.entry("Mul", 2), Map.entry("Div", 2), Map.entry("Pow", 2),
            Map.entry("Relu", 1), Map.entry("Sigmoid", 1), Map.entry("Tanh", 1), Map.entry("Exp", 1), Map.entry("Log", 1),
            Map.entry("Neg", 1), Map.entry("Abs", 1), Map.entry("Sqrt", 1), Map.entry("Reciprocal", 1), Map.entry("Erf", 1),
            Map.entry("LeakyRelu", 1), Map.entry("HardSigmoid", 1), Map.entry("HardSwish", 1), Map.entry("Clip", 1),
            Map.entry("Softplus", 1), Map.entry("Gelu", 1));

    static final String OP = "ElementwiseChain";

    /** The one-step program of a plain ONNX elementwise node, or null when it is not one this chain can hold. */
    static ElementwiseProgram of(Node n, GraphIndex g) {
        if (n.domain().equals(FusedOps.DOMAIN) && n.opType().equals(OP)) {
            // a chain with quantized ends reads or writes codes: it takes part in no further merging
            return n.hasAttr(io.jengine.ir.ChainCodes.INPUT_CODES) || n.hasAttr(io.jengine.ir.ChainCodes.OUTPUT_CODE)
                    ? null : fromAttributes(n);
        }
        Integer arity = n.domain().isEmpty() ? ARITY.get(n.opType()) : null;
        if (arity == null || n.outputs().size() != 1) return null;
        float[] p = new float[2];
        switch (n.opType()) {
            case "LeakyRelu" -> p[0] = n.attrFloat("alpha", 0.01f);
            case "HardSigmoid" -> { p[0] = n.attrFloat("alpha", 0.2f); p[1] = n.attrFloat("beta", 0.5f); }
            case "Gelu" -> { if (!n.attrString("approximate", "none").equals("none")) return null; }
            case "Clip" -> {
                p[0] = n.attrFloat("min", Float.NEGATIVE_INFINITY);
                p[1] = n.attrFloat("max", Float.POSITIVE_INFINITY);
                for (int i = 1; i <= 2; i++) {
                    if (!n.hasInput(i)) continue;
                    Tensor t = g.constant(n.inputs().get(i));
                    if (t == null || t.size() != 1) return null;
                    p[i - 1] = (float) t.getDouble(0);
                }
            }
            default -> { }
        }
        List<String> ins = new ArrayList<>(n.inputs().subList(0, arity));
        long[] a = arity == 2 ? new long[] {0, 1} : new long[] {0, 0};
        return new ElementwiseProgram(ins, List.of(n.opType()), List.of(a), List.of(p));
    }

    private static ElementwiseProgram fromAttributes(Node n) {
        List<String> ops = n.attrStrings("ops", List.of());
        long[] a = n.attrInts("args", new long[0]);
        float[] p = n.attrFloats("params", new float[0]);
        List<long[]> args = new ArrayList<>();
        List<float[]> params = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            args.add(new long[] {a[2 * k], a[2 * k + 1]});
            params.add(new float[] {p[2 * k], p[2 * k + 1]});
        }
        return new ElementwiseProgram(n.inputs(), ops, args, params);
    }

    /**
     * This program followed by {@code consumer}, where {@code consumer} reads this program's result as its input
     * named {@code link}: the consumer's other inputs are appended (or reused when already inputs here).
     */
    ElementwiseProgram then(ElementwiseProgram consumer, String link) {
        List<String> ins = new ArrayList<>(inputs);
        List<String> ops2 = new ArrayList<>(ops);
        List<long[]> args2 = new ArrayList<>(args);
        List<float[]> params2 = new ArrayList<>(params);
        int base = ops.size();
        long[] map = new long[consumer.inputs.size()];
        for (int i = 0; i < consumer.inputs.size(); i++) {
            String name = consumer.inputs.get(i);
            if (name.equals(link)) {
                map[i] = -base; // result of this program's last step (index base-1) is reference -(base-1)-1
            } else {
                int at = ins.indexOf(name);
                if (at < 0) {
                    ins.add(name);
                    at = ins.size() - 1;
                }
                map[i] = at;
            }
        }
        for (int k = 0; k < consumer.ops.size(); k++) {
            long[] a = consumer.args.get(k);
            long[] r = new long[2];
            for (int j = 0; j < 2; j++) r[j] = a[j] >= 0 ? map[(int) a[j]] : a[j] - base;
            ops2.add(consumer.ops.get(k));
            args2.add(r);
            params2.add(consumer.params.get(k));
        }
        return new ElementwiseProgram(ins, ops2, args2, params2);
    }

    Node toNode(String name, String output) {
        long[] a = new long[2 * ops.size()];
        float[] p = new float[2 * ops.size()];
        for (int k = 0; k < ops.size(); k++) {
            a[2 * k] = args.get(k)[0];
            a[2 * k + 1] = args.get(k)[1];
            p[2 * k] = params.get(k)[0];
            p[2 * k + 1] = params.get(k)[1];
        }
        return Node.builder(OP).domain(FusedOps.DOMAIN).name(name).inputs(inputs).outputs(output)
                .attr(Attribute.ofStrings("ops", ops)).attr(Attribute.of("args", a)).attr(Attribute.of("params", p)).build();
    }
}
