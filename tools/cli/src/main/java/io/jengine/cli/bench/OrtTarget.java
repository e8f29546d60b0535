package io.jengine.cli.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.jengine.tensor.Tensor;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime (its Java binding, CPU execution provider) as the peer a benchmark measures the engine against, set
 * up the way its users run it for latency: {@code threads} intra-op threads, one inter-op thread, sequential
 * execution, every graph optimization. Inputs are the engine's own tensors, handed over without copying.
 */
public final class OrtTarget implements AutoCloseable {
    private final Path model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    // ORT reads the tensors' memory in place, so they must stay reachable (their arena is freed by the GC) while fed.
    private final Map<String, Tensor> fed = new LinkedHashMap<>();

    private OrtTarget(Path model, OrtEnvironment env, OrtSession session) {
        this.model = model;
        this.env = env;
        this.session = session;
    }

    /** Opens a session on {@code model} with {@code threads} intra-op threads. */
    public static OrtTarget open(Path model, int threads) {
        return open(model, threads, true);
    }

    /**
     * As {@link #open(Path, int)}; {@code spinning = false} makes ONNX Runtime's idle intra-op workers block at once
     * ({@code session.intra_op.allow_spinning = 0}). Timed alone, ONNX Runtime is at its fastest spinning. Interleaved
     * with the engine in one process it must not spin: its idle workers keep spinning long after its runs (pauses of
     * 400 ms between blocks did not stop it) and take the cores from the engine's runs; at 2 threads on mobilenet_v2
     * the engine's median went from 14.7 ms to 35 ms, while ONNX Runtime's own median moved from 6.6 to 7.3 ms
     * (within its spread) when not spinning.
     */
    public static OrtTarget open(Path model, int threads, boolean spinning) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        OrtEnvironment env;
        try {
            env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "jengine-bench");
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalArgumentException("ONNX Runtime's native library could not be loaded on this machine: " + e.getMessage());
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            if (!spinning) options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            return new OrtTarget(model, env, env.createSession(model.toString(), options));
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load " + model + ": " + e.getMessage());
        }
    }

    /** The ONNX Runtime release in use, e.g. "1.29.0". */
    public String version() { return env.getVersion(); }

    /** Sets the inputs of the following runs (replacing earlier ones). */
    public void feed(Map<String, Tensor> inputs) {
        releaseFeeds();
        try {
            for (var e : inputs.entrySet()) {
                Tensor t = e.getValue();
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, t.data().asByteBuffer().order(ByteOrder.nativeOrder()),
                        t.shape(), javaType(e.getKey(), t)));
                fed.put(e.getKey(), t);
            }
        } catch (OrtException e) {
            releaseFeeds();
            throw new IllegalArgumentException("ONNX Runtime rejects the inputs of " + model + ": " + e.getMessage());
        }
    }

    /** One inference on the fed inputs; the outputs are dropped at once. */
    public void run() {
        try (OrtSession.Result ignored = session.run(feeds)) {
            // Only the time matters; closing the result frees ORT's output buffers, as a real caller would.
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime failed to run " + model + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        releaseFeeds();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session of " + model + ": " + e.getMessage(), e);
        }
    }

    private void releaseFeeds() {
        feeds.values().forEach(OnnxTensor::close);
        feeds.clear();
        fed.clear();
    }

    private static OnnxJavaType javaType(String name, Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT64 -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException("input '" + name + "' is " + t.dtype()
                    + ", which ONNX Runtime's Java binding cannot take; benchmark without --compare-ort");
        };
    }
}
