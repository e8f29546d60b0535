package io.jengine.spi;

/** Prepares a {@link ValueKernel} for one node: validates and decodes attributes once, ahead of any run. */
@FunctionalInterface
public interface ValueKernelFactory {
    ValueKernel create(NodeContext node);
}
