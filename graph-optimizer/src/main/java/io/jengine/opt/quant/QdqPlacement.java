package io.jengine.opt.quant;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes calibrated ranges into a graph as explicit quantization, the form ONNX Runtime's static quantization and
 * TensorRT's explicit-precision networks use: each calibrated activation a {@link QuantizationSite} reads goes through
 * QuantizeLinear then DequantizeLinear (one pair per tensor, shared by all its readers), each site's weights become an
 * int8 initializer with per-channel scales and a DequantizeLinear. The result computes what INT8 kernels compute (to
 * float rounding), even where it still runs in float; the kernels that run it as integers find the same pattern
 * whether a tool or this engine's calibration put it there.
 *
 * <p>Sites whose activation has no range (not calibrated, or all zeros) stay in float, as TensorRT leaves a layer
 * without dynamic range in higher precision.
 */
public final class QdqPlacement {

    private QdqPlacement() {}

    /** {@code model} with every site whose activation is in {@code ranges} quantized, for any integer kernel. */
    public static Model apply(Model model, Map<String, ActivationRange> ranges) {
        return apply(model, ranges, null);
    }

    /**
     * {@code model} with every site whose activation is in {@code ranges} quantized into what {@code target}'s
     * integer convolutions compute exactly (null: the full int8 range, signed activations as int8): weights within
     * its largest exact code (7 bits without VNNI), and, where it takes only unsigned sources, signed activations as
     * uint8 around a zero point of 128 (the same symmetric steps, amax / 127, shifted), as ONNX Runtime's quantizer
     * makes them for such CPUs.
     */
    public static Model apply(Model model, Map<String, ActivationRange> ranges, IntegerConvolution target) {
        int maxCode = target == null ? WeightQuantizer.FULL_RANGE : target.maxWeight();
        boolean unsignedOnly = target != null && !target.signedSource();
        // only integer layers gain from a quantized residual (their output then stays in integers)
        boolean quantizeResiduals = target != null;
        Graph g = model.graph();
        Set<String> graphInputs = new HashSet<>();
        for (var in : g.runtimeInputs()) graphInputs.add(in.name());
        // Where integer kernels need narrowed weights (7 bits without VNNI), a convolution reading a graph input stays
        // in float: raw data through few channels (an image's 1 or 3) is the layer most sensitive to coarse weights
        // (they cost the digits model 1 of 500 images) and one of the cheapest (ResNet-50's took 3.4 ms in int8
        // against 3.0 in float).
        boolean narrowed = target != null && target.maxWeight() < WeightQuantizer.FULL_RANGE;
        List<QuantizationSite> sites = QuantizationSite.find(g).stream()
                .filter(s -> ranges.containsKey(s.activation()))
                .filter(s -> !(narrowed && isConv(s.node()) && graphInputs.contains(s.activation()))).toList();
        if (sites.isEmpty()) return model;
        Graph.Builder b = g.toBuilder();
        Map<Node, Node> rewritten = new HashMap<>();
        Map<Node, List<Node>> before = new HashMap<>(); // nodes to insert right before a site
        Set<String> activationsDone = new HashSet<>(), weightsDone = new HashSet<>();
        for (QuantizationSite s : sites) {
            List<Node> inserted = before.computeIfAbsent(s.node(), x -> new ArrayList<>());
            String x = s.activation(), w = s.weight();
            if (activationsDone.add(x)) inserted.addAll(activationPair(b, x, ranges.get(x), unsignedOnly));
            if (weightsDone.add(w)) {
                // Matrix products keep the full range: where 7 bits are needed (no VNNI) a CNN's classifier lost
                // accuracy (MobileNet-V2's cosine 0.99987 -> 0.99980) for no measurable speed; they run in float there.
                int codes = isConv(s.node()) ? maxCode : WeightQuantizer.FULL_RANGE;
                inserted.add(weightDequantize(b, w, g.initializers().get(w), s.weightAxis(), codes));
            }
            List<String> inputs = new ArrayList<>(s.node().inputs());
            inputs.set(0, dequantized(x));
            inputs.set(1, dequantized(w));
            String z = s.residual();
            if (quantizeResiduals && z != null && ranges.containsKey(z)) {
                if (activationsDone.add(z)) inserted.addAll(activationPair(b, z, ranges.get(z), unsignedOnly));
                inputs.set(FusedOpSpec.CONV_RESIDUAL, dequantized(z));
            }
            rewritten.put(s.node(), s.node().toBuilder().inputs(inputs).build());
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.addAll(before.getOrDefault(n, List.of()));
            nodes.add(rewritten.getOrDefault(n, n));
        }
        b.nodes(nodes);
        // A weight read only by the sites now lives on as its int8 codes.
        Set<String> stillRead = new HashSet<>();
        for (Node n : nodes) stillRead.addAll(n.inputs());
        for (var o : g.outputs()) stillRead.add(o.name());
        for (String w : weightsDone) if (!stillRead.contains(w)) b.removeInitializer(w);
        return new Model(model.irVersion(), model.producerName(), model.producerVersion(), b.build(), model.metadata());
    }

    private static boolean isConv(Node n) {
        return n.domain().isEmpty() ? n.opType().equals("Conv") : FusedOpSpec.is(n, FusedOpSpec.FUSED_CONV);
    }

    /** The value a site reads in place of {@code name}. */
    public static String dequantized(String name) { return name + "/dequantized"; }

    /** The zero point that carries a signed tensor's symmetric int8 steps in uint8. */
    static final int UNSIGNED_CENTRE = 128;

    private static List<Node> activationPair(Graph.Builder b, String x, ActivationRange r, boolean unsignedOnly) {
        String scale = x + "/scale", zero = x + "/zero_point", q = x + "/quantized";
        b.initializer(scale, Tensor.ofFloats(new long[0], r.scale()));
        if (r.nonNegative()) {
            b.initializer(zero, Tensor.allocate(DType.UINT8)); // a scalar 0
        } else if (unsignedOnly) {
            b.initializer(zero, Tensor.fromLongs(DType.UINT8, new long[0], new long[] {UNSIGNED_CENTRE}));
        } else {
            b.initializer(zero, Tensor.allocate(DType.INT8));
        }
        Node quantize = Node.builder("QuantizeLinear").name(x + "/QuantizeLinear")
                .inputs(x, scale, zero).outputs(q).build();
        Node dequantize = Node.builder("DequantizeLinear").name(x + "/DequantizeLinear")
                .inputs(q, scale, zero).outputs(dequantized(x)).build();
        return List.of(quantize, dequantize);
    }

    /**
     * Per output channel at every opset. ONNX's DequantizeLinear takes a per-axis scale only from opset 13, but these
     * nodes are the engine's own, read by its kernels, which take the axis at every version: one scale per tensor
     * (what an opset-11 graph allows) cost PP-OCRv4's detector, whose depthwise channels' weights span a hundredfold
     * after BatchNorm folding, its text map (IoU 0.38 against float on text.png; 0.97 per channel).
     */
    private static Node weightDequantize(Graph.Builder b, String w, Tensor weights, int axis, int maxCode) {
        WeightQuantizer.Quantized q = WeightQuantizer.perChannel(weights, axis, maxCode);
        String codes = w + "/int8", scales = w + "/scales", zeros = w + "/zero_points";
        b.initializer(codes, q.codes());
        long[] dims = {q.scales().length};
        b.initializer(scales, Tensor.ofFloats(dims, q.scales()));
        b.initializer(zeros, Tensor.allocate(DType.INT8, dims));
        return Node.builder("DequantizeLinear").name(w + "/DequantizeLinear")
                .inputs(codes, scales, zeros).outputs(dequantized(w))
                .attr(Attribute.of("axis", (long) axis)).build();
    }
}
