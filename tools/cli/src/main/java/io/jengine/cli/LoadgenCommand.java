package io.jengine.cli;

import io.jengine.cli.bench.BenchPlot;
import io.jengine.cli.loadgen.InferBody;
import io.jengine.cli.loadgen.LoadGenerator;
import io.jengine.cli.loadgen.LoadResult;
import io.jengine.io.Npy;
import io.jengine.tensor.Tensor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engine loadgen}: Triton perf_analyzer's job for a KServe V2 server on this machine (such as
 * {@code engine serve}): closed or open loop, then throughput, latency percentiles and error statuses.
 */
@Command(name = "loadgen", description = "Load a KServe V2 server on this machine with infer requests and report "
        + "throughput, latency and errors.")
final class LoadgenCommand implements Callable<Integer> {
    /** How long a run lasts when neither --requests nor --duration bounds it. */
    static final double DEFAULT_SECONDS = 10;
    /** The untimed warm-up: a young JVM's first second runs code still being compiled, in client and server. */
    static final double DEFAULT_WARMUP = 1;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The server, e.g. http://127.0.0.1:8000; only loopback hosts are accepted.")
    URI url;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "The model to call.")
    String model;

    @Option(names = "--input", paramLabel = "NAME=FILE.npy",
            description = "An input's value (repeat per input); without any, inputs are generated from the model's "
                    + "metadata.")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Closed loop: N clients, each sending when its previous answer arrives (default: 1).")
    Integer concurrency;

    @Option(names = "--rate", paramLabel = "R",
            description = "Open loop: R requests per second on schedule, latency counted from when each was due.")
    Double rate;

    @Option(names = "--requests", paramLabel = "COUNT", description = "Stop after COUNT requests.")
    Long requests;

    @Option(names = "--duration", paramLabel = "S",
            description = "Stop after S seconds (default: " + DEFAULT_SECONDS + " unless --requests is given).")
    Double duration;

    @Option(names = "--warmup", paramLabel = "S",
            description = "Untimed load of the same kind first, for S seconds (default: " + DEFAULT_WARMUP + ").")
    double warmup = DEFAULT_WARMUP;

    @Option(names = "--batch", paramLabel = "B",
            description = "Rows per request: taken cyclically from each input file, or the open leading dimension "
                    + "of generated inputs (default: the file's rows, or 1).")
    int batch;

    @Option(names = "--binary", description = "Send tensors as Triton's binary extension instead of JSON.")
    boolean binary;

    @Option(names = "--plot", paramLabel = "FILE", description = "Chart of latency over time and its distribution "
            + "(.png or .svg).")
    Path plot;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (concurrency != null && rate != null) {
            throw new IllegalArgumentException("--concurrency and --rate exclude each other: closed or open loop");
        }
        if (concurrency != null && concurrency < 1) throw new IllegalArgumentException("--concurrency must be >= 1");
        if (rate != null && !(rate > 0)) throw new IllegalArgumentException("--rate must be above 0");
        if (requests != null && requests < 1) throw new IllegalArgumentException("--requests must be >= 1");
        if (duration != null && !(duration > 0)) throw new IllegalArgumentException("--duration must be above 0");
        if (batch < 0) throw new IllegalArgumentException("--batch must be >= 1");
        if (!(warmup >= 0)) throw new IllegalArgumentException("--warmup must be 0 or more seconds");
        if (plot != null) BenchPlot.checkExtension(plot);
        Duration limit = duration != null ? Duration.ofNanos(Math.round(duration * 1e9))
                : requests == null ? Duration.ofNanos(Math.round(DEFAULT_SECONDS * 1e9)) : null;
        var settings = new LoadGenerator.Settings(url, model, rate == null ? (concurrency == null ? 1 : concurrency) : 0,
                rate == null ? 0 : rate, requests == null ? 0 : requests, limit,
                Duration.ofNanos(Math.round(warmup * 1e9)));
        try (LoadGenerator generator = new LoadGenerator(settings, System.err)) {
            var metadata = generator.metadata();
            InferBody body;
            if (inputs.isEmpty()) {
                body = InferBody.fromMetadata(metadata, batch, binary);
            } else {
                Map<String, Tensor> values = new LinkedHashMap<>();
                for (var e : inputs.entrySet()) {
                    Path f = e.getValue();
                    if (!Files.isRegularFile(f)) throw new IllegalArgumentException("input file " + f + " does not exist");
                    if (!f.getFileName().toString().endsWith(".npy")) {
                        throw new IllegalArgumentException("input file " + f + ": expected a .npy file");
                    }
                    values.put(e.getKey(), Npy.read(f));
                }
                body = InferBody.of(values, batch, binary);
            }
            generator.check(body);
            System.err.println("loading " + model + " at " + url + " ...");
            LoadResult result = generator.run(body);
            System.out.print(result.text());
            if (json != null) result.writeJson(json);
            if (plot != null) result.writePlot(plot);
            return 0;
        }
    }
}
