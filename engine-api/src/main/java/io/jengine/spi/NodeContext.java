package io.jengine.spi;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;

/**
 * What a backend may know about the node it plans: the node itself, the opset version of the node's domain in force,
 * the graph (static types of inputs and outputs: concrete when the plan is built for concrete input shapes; constant
 * inputs, so that weights are packed once), the thread count runs will use, and what a plan file stored of the
 * kernels' packed data ({@link #stored}).
 */
public record NodeContext(Node node, int opsetVersion, Graph graph, int threads, PackedStore packed) {
    public NodeContext {
        if (packed == null) packed = PackedStore.NONE;
    }

    /** A context with nothing stored: every kernel derives its constant data. */
    public NodeContext(Node node, int opsetVersion, Graph graph, int threads) {
        this(node, opsetVersion, graph, threads, PackedStore.NONE);
    }

    /** A context for planning with the machine's cores as the thread count. */
    public NodeContext(Node node, int opsetVersion, Graph graph) {
        this(node, opsetVersion, graph, IntraOpPool.shared().cores());
    }

    /**
     * The bytes a plan file stored for this node's kernel as part {@code name} in {@code form} (see
     * {@link PackedPart}), or null: the kernel then derives the part itself. Stored bytes are only read.
     */
    public java.lang.foreign.MemorySegment stored(String name, String form) {
        return packed.find(node.name(), name, form);
    }

    /**
     * Zeroed memory for a part this node's kernel derives now and {@linkplain #derived offers} to the engine's later
     * plans (an engine that plans again for each input shape keeps one copy for all of them), or null: the kernel
     * then allocates its own. See {@link PackedStore#allocate}.
     */
    public java.lang.foreign.MemorySegment derivedMemory(long bytes, long alignment) {
        return packed.allocate(bytes, alignment);
    }

    /**
     * Offers part {@code name}, derived in {@code form} into memory from {@link #derivedMemory} (or memory the garbage
     * collector frees), to the engine's later plans of this node. See {@link PackedStore#offer}.
     */
    public void derived(String name, String form, java.lang.foreign.MemorySegment bytes) {
        packed.offer(node.name(), name, form, bytes);
    }

    /** The static type of input {@code i}, or null when omitted or unknown. */
    public ValueType inputType(int i) {
        return node.hasInput(i) ? graph.typeOf(node.inputs().get(i)) : null;
    }

    /** The static type of output {@code i}, or null when unknown. */
    public ValueType outputType(int i) {
        return node.hasOutput(i) ? graph.typeOf(node.outputs().get(i)) : null;
    }

    /** Input {@code i}'s static tensor type, or null when omitted, unknown or not a tensor. */
    public ValueType.TensorType inputTensorType(int i) {
        return inputType(i) instanceof ValueType.TensorType t ? t : null;
    }

    /** Input {@code i} when it is a constant of the graph (an initializer), else null: weights to pack at plan time. */
    public Tensor constant(int i) {
        return node.hasInput(i) ? graph.initializers().get(node.inputs().get(i)) : null;
    }

    /** The concrete dimensions of input {@code i}, or null when its shape is unknown or has a symbolic dimension. */
    public long[] inputDims(int i) { return ValueType.staticDims(inputTensorType(i)); }
}
