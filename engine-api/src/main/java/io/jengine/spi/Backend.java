package io.jengine.spi;

import java.util.List;

/**
 * An execution provider: a family of kernels for one kind of hardware (the CPU reference, CPU SIMD, OpenCL, an FPGA).
 * Each node is offered to every backend, which answers with the tactics it has for it (none: it cannot run it). The
 * planner takes a forced tactic when the user named one, else the first tactic of the highest-priority backend that
 * offered any; the CPU reference backend, with the lowest priority, takes whatever is left.
 */
public interface Backend {
    /** A short stable name ("cpu-reference", "cpu-simd"), used in tactic keys, plans, logs and options. */
    String name();

    /** Higher is preferred. The reference CPU backend is 0. */
    int priority();

    /**
     * The tactic names it may offer, each as "Op: name" (for listings such as {@code engine plugins}); empty (the
     * default) when it does not say. Which it offers for a node is still {@link #tactics}' answer.
     */
    default List<String> tacticNames() { return List.of(); }

    /**
     * The ways this backend can run the node as typed (the types are concrete when the plan is built for concrete
     * input shapes), best first by the backend's own judgement; empty when it cannot run it. Cheap: nothing is
     * prepared until a tactic's {@link Tactic#prepare()} is called.
     */
    List<Tactic> tactics(NodeContext node);

    /**
     * The channel block of the blocked activation layout ({@code [N, C/b, H, W, b]}) this backend runs convolutions
     * on ({@code jengine::BlockedConv}), so that the optimizer's level 3 moves convolutions there; 0 (the default)
     * when it has none.
     */
    default int channelBlock() { return 0; }

    /**
     * Whether its blocked convolutions also run channels-last ({@code [N, 1, H, W, C]}, block attribute 0), which the
     * optimizer then picks for graphs whose convolution work is mostly dense k×k.
     */
    default boolean channelsLast() { return false; }

    /**
     * Whether its bfloat16 convolutions run on matrix tiles (AMX) that its kernels feed from channels-last activations
     * only, and that outrun float32 Winograd on 3x3 layers: a {@code --bf16} build then lays convolutions out
     * channels-last whatever the graph's mix, and computes 3x3 layers in bfloat16 too. False (the default) where
     * bfloat16 runs on vector units (AVX512-BF16), whose kernels favour the channel-blocked layout and Winograd.
     */
    default boolean bf16Tiles() { return false; }

    /**
     * The integer convolutions ({@code jengine::QuantizedConv}) this backend runs exactly on this machine; null (the
     * default) when it runs none with integer arithmetic.
     */
    default IntegerConvolution integerConvolution() { return null; }

    /**
     * The native libraries this backend loaded, each as "name version" (e.g. "dnnl 3.8.1"): part of the device
     * fingerprint that timing caches and plans are keyed by, since a tactic's speed changes with the library.
     */
    default java.util.List<String> libraries() { return java.util.List.of(); }

    /**
     * The devices this backend can run on, for a backend of a device with memory of its own (OpenCL); empty (the
     * default) for a backend that runs on the host. Such a backend offers tactics only once bound to one of them.
     */
    default java.util.List<Device> devices() { return java.util.List.of(); }

    /** Why a backend of devices found none on this machine (no driver, no platform), or null. */
    default String devicesMissing() { return null; }

    /** This backend bound to one of its {@link #devices()}: its kernels run there. */
    default Backend forDevice(Device device) {
        throw new UnsupportedOperationException(name() + " runs on the host, not on " + device.name());
    }

    /** The device this backend's kernels run on; null (the default) for the host. */
    default Device device() { return null; }

    /**
     * Whether, bound to a device, its tactics compete with the host's per layer, so that the tuner places each layer
     * on the device or the host by their times (a device whose link makes small layers dearer than the host's
     * kernels: an FPGA card); false (the default): the device takes every node it runs, as a GPU does.
     */
    default boolean sharesLayersWithHost() { return false; }
}
