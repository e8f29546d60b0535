package io.jengine.spi;

/** Prepares a {@link Kernel} for one node: validates and decodes attributes once, ahead of any run. */
@FunctionalInterface
public interface KernelFactory {
    Kernel create(NodeContext node);
}
