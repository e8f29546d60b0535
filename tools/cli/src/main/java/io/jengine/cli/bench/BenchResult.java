package io.jengine.cli.bench;

import java.util.List;

/**
 * What one {@code engine bench} measured.
 *
 * @param batch       the --batch given, or null
 * @param inputs      one line per input: name, type, shape and where it came from
 * @param engine      the engine's latencies, or null with --ort-only
 * @param onnxRuntime ONNX Runtime's latencies, or null without --compare-ort / --ort-only
 * @param layers      the engine's layers from the profiled runs, in execution order (empty with --ort-only)
 * @param peakRssMib  the process's resident-memory high-water mark, or -1 where the OS does not say
 */
public record BenchResult(String model, int threads, Integer batch, int level, List<InputDescription> inputs,
                          double warmupS, double durationS, LatencyStats engine, LatencyStats onnxRuntime,
                          String onnxRuntimeVersion, List<LayerProfile.Layer> layers, int profiledRuns, double peakRssMib,
                          AllocationProbe allocation, io.jengine.runtime.Engine.MemoryReport memory) {
    /** How an input was fed. */
    public record InputDescription(String name, String dtype, long[] shape, String source) {}

    public BenchResult {
        inputs = List.copyOf(inputs);
        layers = List.copyOf(layers);
    }

    /** Engine median over ONNX Runtime median (above 1: the engine is slower), or NaN unless both ran. */
    public double ratio() {
        return engine == null || onnxRuntime == null ? Double.NaN : engine.median() / onnxRuntime.median();
    }
}
