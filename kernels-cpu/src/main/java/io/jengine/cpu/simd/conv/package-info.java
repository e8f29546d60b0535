/**
 * Convolutions of the cpu-simd backend that do not lower to a plain GEMM: Winograd F(4x4, 3x3) for 3x3 stride-1
 * convolutions ({@link io.jengine.cpu.simd.conv.WinogradConv3x3}) and direct depthwise convolutions
 * ({@link io.jengine.cpu.simd.conv.DepthwiseConv}), both NCHW float32, written with the Vector API.
 *
 * <p>Each kernel is prepared once from a {@link io.jengine.cpu.simd.conv.ConvParams} and the weights (transformed or
 * copied then) and run many times on segments it checks before touching. The fused tail of a convolution (bias,
 * residual, activation, in the reference's order) is an {@link io.jengine.cpu.simd.conv.Epilogue}. Work is split
 * over {@link io.jengine.spi.IntraOpPool} into tasks that depend only on shapes and the thread count, and every
 * output is computed by the same operations whichever thread runs it, so results are bit-identical across thread
 * counts. Per-thread working arrays ({@code ConvScratch}) are kept between runs, so a warm run allocates nothing.
 *
 * <p>One rule shapes the code: no method of ours takes or returns a vector, since C2 does not always inline our
 * methods (the Vector API's own are force-inlined), and a vector that crosses a real call is boxed on the heap.
 */
package io.jengine.cpu.simd.conv;
