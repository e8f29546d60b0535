/**
 * The parts of {@code engine bench} that the JMH benchmarks (tools/benchmarks) share: how the engine under test is
 * built ({@link io.jengine.cli.bench.BenchTarget}) and how ONNX Runtime is set up beside it
 * ({@link io.jengine.cli.bench.OrtTarget}), generated inputs, interleaved timing, latency statistics, the per-layer
 * profile, and the text, JSON and chart reports.
 */
package io.jengine.cli.bench;
