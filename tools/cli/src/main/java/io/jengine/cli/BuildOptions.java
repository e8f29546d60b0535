package io.jengine.cli;

import io.jengine.build.EngineBuilder;
import io.jengine.ir.Model;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that shape how a model is built before it runs: optimization level, disabled passes, fixed shapes,
 * threads, forced tactics and INT8 quantization. Every command builds through {@link EngineBuilder} with them.
 */
final class BuildOptions {
    @picocli.CommandLine.Mixin
    PluginOptions plugins = new PluginOptions();

    @Option(names = "--level", paramLabel = "N", description = "Optimization level: 0 none, 1 clean-up, 2 fusion, 3 layout and backend-specific (default).")
    int level = OptimizerOptions.DEFAULT_LEVEL;

    @Option(names = "--disable-pass", paramLabel = "NAME", description = "Skip an optimizer pass (repeatable).")
    List<String> disabled = new ArrayList<>();

    @Option(names = "--shapes", paramLabel = "NAME:DIMS,...", description = "Fix input shapes for the build, e.g. input_ids:1x128,attention_mask:1x128.")
    String shapes;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads per run (default: all cores).")
    int threads = 0;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Where to run: cpu (default; a plan: where it"
            + " was built for) or a device `engine devices` lists, e.g. opencl:0 (the nodes it declines run on the CPU).")
    String device;

    /** The device asked for, else the host. */
    String device() { return device != null ? device : io.jengine.runtime.Backends.HOST; }

    @Option(names = "--tactic", paramLabel = "LAYER_OR_OP=NAME",
            description = "Force a tactic for a layer name or an op type (repeatable), e.g. FusedConv=conv.im2col.")
    List<String> tactics = new ArrayList<>();

    @Option(names = "--bf16", description = "Let float convolutions and matrix products compute in bfloat16 (CPUs"
            + " with AVX512-BF16 or AMX; refused elsewhere); with --int8, the layers left in float.")
    boolean bf16;

    @Option(names = "--int8", description = "Quantize convolutions and matrix products to INT8, calibrated on --calib"
            + " batches (or a --calib-cache).")
    boolean int8;

    @Option(names = "--calib", paramLabel = "DIR", description = "Calibration batches: one .npy per batch (several"
            + " inputs: NAME/ sub-folders or NAME_*.npy files), or PNG/JPEG images with --preprocess.")
    java.nio.file.Path calib;

    @Option(names = "--calibrator", paramLabel = "NAME", description = "minmax, entropy (default), percentile or mse.")
    String calibrator = io.jengine.calib.Int8Options.DEFAULT_CALIBRATOR;

    @Option(names = "--percentile", paramLabel = "P", description = "The percentile calibrator's percentile"
            + " (default 99.99).")
    double percentile = io.jengine.calib.Int8Options.DEFAULT_PERCENTILE;

    @Option(names = "--calib-batches", paramLabel = "N", description = "Calibrate on the first N batches (default: all).")
    int calibBatches;

    @Option(names = "--accuracy-budget", paramLabel = "COS", description = "Keep the layers most sensitive to"
            + " quantization in float until the outputs' cosine similarity to the float model's, on held-out"
            + " calibration batches (the last quarter), is at least COS (e.g. 0.999).")
    Double accuracyBudget;

    @Option(names = "--calib-cache", paramLabel = "FILE", description = "Calibration cache in TensorRT's format: read"
            + " when it exists (no batch is run), else written after calibrating.")
    java.nio.file.Path calibCache;

    @Option(names = "--preprocess", paramLabel = "SPEC", description = "How --calib images, and PNG or JPEG files"
            + " given as --input, become the input, e.g."
            + " \"resize=224x224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=NCHW;channels=RGB\" (also"
            + " scale=S, the divisor of 0..255 pixels, default 255; channels=RGB|BGR|GRAY; layout=NCHW|NHWC).")
    String preprocess;

    /**
     * For commands that read no input files (build, inspect, conformance): {@code --preprocess} must have calibration
     * images to apply to.
     */
    void requireCalibrationForPreprocess() {
        if (preprocess != null && calib == null) {
            throw new IllegalArgumentException("--preprocess applies to a calibration folder of images (--int8 --calib"
                    + " DIR), or to image inputs of run, compare, eval and bench");
        }
    }

    /** {@code --preprocess} parsed, or null when not given. */
    io.jengine.calib.ImagePreprocessing imagePreprocessing() {
        return preprocess == null ? null : io.jengine.calib.ImagePreprocessing.parse(preprocess);
    }

    /** A builder for {@code model} with these options applied. */
    EngineBuilder builder(Model model, OptimizationReport report) {
        return configure(EngineBuilder.forModel(model), report);
    }

    private EngineBuilder configure(EngineBuilder builder, OptimizationReport report) {
        EngineBuilder b = builder.level(level).threads(threads).device(device()).report(report);
        plugins.load().forEach(b::plugin);
        disabled.forEach(b::disablePass);
        if (shapes != null) b.shapes(shapes);
        tactics.forEach(b::tactic);
        if (bf16) b.bf16(true);
        if (int8) {
            b.int8(new io.jengine.calib.Int8Options(calib, calibrator, percentile, calibBatches, calibCache,
                    calib == null ? null : imagePreprocessing(),
                    accuracyBudget == null ? Double.NaN : accuracyBudget));
        } else if (calib != null || calibCache != null || accuracyBudget != null) {
            throw new IllegalArgumentException("--calib, --calib-cache and --accuracy-budget apply with --int8");
        }
        return b;
    }

    /** A builder for the ONNX file, or for a plan file ({@code engine build}'s output) with these options on top. */
    EngineBuilder builder(java.nio.file.Path file, OptimizationReport report) {
        if (!io.jengine.plan.PlanFile.isPlan(file)) return configure(EngineBuilder.forModel(file), report);
        if (shapes != null || !disabled.isEmpty() || level != OptimizerOptions.DEFAULT_LEVEL || int8 || bf16) {
            throw new IllegalArgumentException(file + " is a plan, built with its shapes, passes, level and precision"
                    + " fixed: --shapes, --disable-pass, --level, --int8 and --bf16 apply to ONNX models");
        }
        EngineBuilder b = EngineBuilder.forPlan(file);
        plugins.load().forEach(b::plugin);
        if (device != null) b.device(device);
        if (threads != 0) b.threads(threads);
        tactics.forEach(b::tactic);
        return b;
    }
}
