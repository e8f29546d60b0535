package io.jengine.build;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code --bf16}: the float convolutions and matrix products of an optimized model allowed to compute their products
 * in bfloat16 ({@link FusedOpSpec#FPMATH}), which oneDNN's kernels do on CPUs with AVX512-BF16 or AMX; plain ONNX
 * Conv, MatMul and Gemm become the engine's fused form (no activation) to carry the attribute. Integer layers and
 * everything else keep their precision. Refused, naming what is missing, on a CPU without bfloat16 arithmetic.
 */
final class Bf16Layers {
    private static final Map<String, String> FUSED = Map.of("Conv", FusedOpSpec.FUSED_CONV, "MatMul",
            FusedOpSpec.FUSED_MATMUL, "Gemm", FusedOpSpec.FUSED_GEMM);
    private static final List<String> OURS = List.of(FusedOpSpec.FUSED_CONV, FusedOpSpec.BLOCKED_CONV,
            FusedOpSpec.FUSED_MATMUL, FusedOpSpec.FUSED_GEMM);

    private Bf16Layers() {}

    /** Why this CPU cannot run bfloat16 arithmetic, or null when it can (AVX512-BF16 or AMX-BF16). */
    static String unsupportedReason() {
        String info;
        try {
            info = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return "the CPU's features cannot be read (/proc/cpuinfo: " + e.getMessage() + ")";
        }
        if (Pattern.compile("\\b(avx512_bf16|amx_bf16)\\b").matcher(info).find()) return null;
        var model = Pattern.compile("(?m)^model name\\s*:\\s*(.+)$").matcher(info);
        return "this CPU" + (model.find() ? " (" + model.group(1).trim() + ")" : "")
                + " has neither AVX512-BF16 nor AMX-BF16";
    }

    /**
     * {@code m} with its float convolutions and matrix products marked for bfloat16 arithmetic; {@code tiles}: the
     * backend runs bfloat16 convolutions on matrix tiles ({@link io.jengine.spi.Backend#bf16Tiles}), so 3x3 layers
     * need not keep float32 for Winograd.
     */
    static Model mark(Model m, boolean tiles) {
        Graph g = m.graph();
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            boolean onnx = n.domain().isEmpty() && FUSED.containsKey(n.opType());
            boolean ours = n.domain().equals(FusedOpSpec.DOMAIN) && OURS.contains(n.opType());
            if (!onnx && !ours) {
                nodes.add(n);
                continue;
            }
            Node.Builder b = n.toBuilder().attr(Attribute.of(FusedOpSpec.FPMATH, FusedOpSpec.BF16));
            if (onnx) {
                b.domain(FusedOpSpec.DOMAIN).opType(FUSED.get(n.opType()))
                        .attr(Attribute.of(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION));
            }
            nodes.add(b.build());
            changed = true;
        }
        if (!changed) return m;
        Graph.Builder b = g.toBuilder().nodes(nodes);
        if (g.opset(FusedOpSpec.DOMAIN) < 0) b.opset(FusedOpSpec.DOMAIN, FusedOpSpec.VERSION);
        return new Model(m.irVersion(), m.producerName(), m.producerVersion(), bf16Activations(b.build(), tiles), m.metadata());
    }

    /**
     * {@code g} with the activations between bfloat16 convolutions held in bfloat16 ({@link FusedOpSpec#OUTPUT_TYPE}):
     * each such layer otherwise rounds its float32 input on the way in and writes float32, a pass over memory per
     * layer that costs memory-bound networks what the bfloat16 products save. A blocked convolution's output goes
     * bfloat16 where every reader is a bfloat16 blocked convolution (none a graph output), its activation one a
     * bfloat16 output can take (none, Relu, Clip), and a residual matches its reader's output: a convolution adding
     * it writes bfloat16 exactly when the residual is bfloat16, since oneDNN's sum reads it as the destination.
     * Without matrix tiles ({@code tiles} false), dense 3x3 stride-1 layers keep float32 for Winograd.
     */
    static Graph bf16Activations(Graph g, boolean tiles) {
        Map<String, Node> producer = new HashMap<>();
        Map<String, List<Map.Entry<Node, Integer>>> readers = new HashMap<>();
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) producer.put(o, n);
            for (int i = 0; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                if (!in.isEmpty()) readers.computeIfAbsent(in, k -> new ArrayList<>()).add(Map.entry(n, i));
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        g.outputs().forEach(v -> graphOutputs.add(v.name()));
        Set<Node> bf16Out = new HashSet<>();
        for (Node n : g.nodes()) {
            if (!bf16Conv(n) || !FusedOpSpec.Activation.of(n).passesValuesOrBounds() || n.outputs().size() != 1
                    || keepsFloatForWinograd(n, g, tiles)) {
                continue;
            }
            String y = n.outputs().getFirst();
            List<Map.Entry<Node, Integer>> r = readers.getOrDefault(y, List.of());
            // untyped here (inference types it from the attribute) or float32, never another type
            if (r.isEmpty() || graphOutputs.contains(y) || g.typeOf(y) instanceof ValueType.TensorType t
                    && t.elementType() != DType.FLOAT32) {
                continue;
            }
            boolean ok = true;
            for (Map.Entry<Node, Integer> e : r) {
                int i = e.getValue();
                ok &= bf16Conv(e.getKey()) && !keepsFloatForWinograd(e.getKey(), g, tiles)
                        && (i == 0 || i == FusedOpSpec.CONV_RESIDUAL);
            }
            if (ok) bf16Out.add(n);
        }
        // A residual and the output of the convolution adding it must agree: drop either side until they do.
        for (boolean dropped = true; dropped; ) {
            dropped = false;
            for (Node n : new ArrayList<>(bf16Out)) {
                for (Map.Entry<Node, Integer> e : readers.get(n.outputs().getFirst())) {
                    if (e.getValue() == FusedOpSpec.CONV_RESIDUAL && !bf16Out.contains(e.getKey())) {
                        dropped |= bf16Out.remove(n);
                    }
                }
                if (n.hasInput(FusedOpSpec.CONV_RESIDUAL)
                        && !bf16Out.contains(producer.get(n.inputs().get(FusedOpSpec.CONV_RESIDUAL)))) {
                    dropped |= bf16Out.remove(n);
                }
            }
        }
        if (bf16Out.isEmpty()) return g;
        Graph.Builder b = g.toBuilder();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!bf16Out.contains(n)) {
                nodes.add(n);
                continue;
            }
            nodes.add(n.toBuilder().attr(Attribute.of(FusedOpSpec.OUTPUT_TYPE, FusedOpSpec.BFLOAT16_OUTPUT)).build());
            String y = n.outputs().getFirst();
            if (g.typeOf(y) instanceof ValueType.TensorType t) {
                b.valueInfo(new ValueInfo(y, ValueType.tensor(DType.BFLOAT16, t.shape())));
            }
        }
        return b.nodes(nodes).build();
    }

    /**
     * A dense 3x3 stride-1 convolution keeps float32 activations on both sides: its Winograd tactics (a quarter of the
     * products, on oneDNN's bfloat16 matrix products) transform float32 in Java, and beat the direct bfloat16 kernel
     * there (ResNet-18's 64-channel 3x3 layers at 1 thread: 0.55-0.66 ms against 0.66-0.70). On AMX tiles the direct
     * kernel wins (ResNet-50 at 1 thread: 11.4 ms with 3x3 layers in bfloat16, 16.3 with them in float32 for Winograd).
     */
    private static boolean keepsFloatForWinograd(Node n, Graph g, boolean tiles) {
        if (tiles) return false;
        if (n.inputs().size() < 2 || !(g.initializers().get(n.inputs().get(1)) instanceof io.jengine.tensor.Tensor w)) {
            return false;
        }
        long[] ws = w.shape();
        boolean ones = java.util.Arrays.stream(n.attrInts("strides", new long[] {1, 1})).allMatch(v -> v == 1)
                && java.util.Arrays.stream(n.attrInts("dilations", new long[] {1, 1})).allMatch(v -> v == 1);
        return ws.length == 4 && ws[2] == 3 && ws[3] == 3 && n.attrInt("group", 1) == 1 && ones;
    }

    private static boolean bf16Conv(Node n) {
        return FusedOpSpec.is(n, FusedOpSpec.BLOCKED_CONV) && FusedOpSpec.BF16.equals(n.attrString(FusedOpSpec.FPMATH, ""));
    }

}
