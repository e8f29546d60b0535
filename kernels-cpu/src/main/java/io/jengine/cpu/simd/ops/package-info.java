/**
 * Vectorized float32 compute functions for the non-GEMM ops of the {@code cpu-simd} backend: pools, softmax, layer
 * normalization, unary activations, broadcasting binary ops. Each works on {@link java.lang.foreign.MemorySegment}s
 * with byte offsets, checks every size and offset against the segment before touching memory, and matches the
 * reference kernels of {@code io.jengine.cpu.ref} (same window geometry, same NaN propagation) within
 * {@link io.jengine.verify.Tolerance}. They are plain classes, not SPI kernels: the tactics call them.
 */
package io.jengine.cpu.simd.ops;
