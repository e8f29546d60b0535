package io.jengine.build;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** {@code m} with its float convolutions and matrix products marked for bfloat16 arithmetic. */
    static Model mark(Model m) {
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
        return new Model(m.irVersion(), m.producerName(), m.producerVersion(), b.build(), m.metadata());
    }
}
