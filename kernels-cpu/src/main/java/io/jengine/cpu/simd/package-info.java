/**
 * The float32 compute library of the {@code cpu-simd} backend, written with the Vector API: the packed GEMM
 * ({@link io.jengine.cpu.simd.Sgemm} over {@link io.jengine.cpu.simd.Matrix} views, with
 * {@link io.jengine.cpu.simd.PackedA} / {@link io.jengine.cpu.simd.PackedB} for constant operands and a fused
 * {@link io.jengine.cpu.simd.Epilogue}), the GEMM-based convolutions ({@link io.jengine.cpu.simd.Conv1x1Gemm},
 * {@link io.jengine.cpu.simd.Im2colConv}), the vector activations and transcendentals, and the cache sizes the
 * blocking is derived from. The backend's kernels call these; every routine here is tested against a plain
 * double-precision reference.
 */
package io.jengine.cpu.simd;
