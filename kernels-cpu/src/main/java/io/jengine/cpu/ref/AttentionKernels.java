package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;
import java.util.Set;

/** Transformer attention ops: Attention, RotaryEmbedding and the newer fused LLM building blocks. */
final class AttentionKernels {
    private AttentionKernels() {}

    static void register(KernelRegistry r) {
        // One kernel covers every Attention version: each later opset only adds an optional input or attributes
        // whose defaults keep the earlier behaviour.
        r.add("Attention", 23, n -> new AttentionKernel(n.node()));
        r.add("Attention", 24, n -> new AttentionKernel(n.node()));
        r.add("Attention", 25, n -> new AttentionKernel(n.node()));
        r.add("RotaryEmbedding", 23, n -> new RotaryEmbeddingKernel(n.node()));
        r.add("SwiGLU", 28, n -> new SwiGluKernel(n.node()));
        r.add("CausalConvWithState", 27, n -> new CausalConvWithStateKernel(n.node()));
        r.add("LinearAttention", 27, n -> new LinearAttentionKernel(n.node()));
        r.add("ai.onnx.preview", "FlexAttention", 1, Set.of(), n -> new FlexAttentionKernel(n.node()));
    }
}
