package io.jengine.spi;

/**
 * An execution provider: a family of kernels for one kind of hardware (the CPU reference, CPU SIMD, OpenCL, an FPGA).
 * The runtime offers each node to the backends in descending {@link #priority()}; the first that prepares a kernel
 * runs the node, and the CPU reference backend, with the lowest priority, takes whatever is left.
 */
public interface Backend {
    /** A short stable name ("cpu-reference", "opencl"), used in plans, logs and {@code --backend} options. */
    String name();

    /** Higher is offered nodes first. The reference CPU backend is 0. */
    int priority();

    /**
     * Whether this backend can run the node as typed; cheap, and must agree with {@link #prepare}. Used to partition
     * the graph before anything is prepared.
     */
    boolean supports(NodeContext node);

    /** A kernel for the node; only called when {@link #supports} said yes. */
    Kernel prepare(NodeContext node);
}
