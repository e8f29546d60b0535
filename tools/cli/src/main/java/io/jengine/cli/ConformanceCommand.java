package io.jengine.cli;

import io.jengine.runtime.Backends;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engine conformance}: runs ONNX backend-test cases and compares with their reference outputs. Ends with the
 * line {@code N passed, M failed, K skipped}; with {@code --expect}, exits 1 when a listed case does not pass.
 */
@Command(name = "conformance", description = "Run ONNX backend test cases (model.onnx + test_data_set_N/).")
final class ConformanceCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Directories holding case directories.")
    List<Path> roots;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only cases whose name matches (find, not full match).")
    Pattern filter;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write case,op,status,max_abs_err,max_rel_err,reason.")
    Path csv;

    @Option(names = "--expect", paramLabel = "LIST",
            description = "A file of case names (one per line, # comments) that must pass; exit 1 otherwise.")
    Path expect;

    @Option(names = "--write-passed", paramLabel = "FILE", description = "Write the names of the passing cases.")
    Path writePassed;

    @Option(names = "--summary", description = "Print passed/total per op.")
    boolean summary;

    @Option(names = "--backend", paramLabel = "NAME", split = ",",
            description = "Run on these backends only (repeatable), e.g. cpu-reference to test the ground truth alone.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--jobs", paramLabel = "N", description = "Cases run concurrently (default: available processors). --threads sets the threads each case uses.")
    int jobs = Runtime.getRuntime().availableProcessors();

    @picocli.CommandLine.Mixin
    BuildOptions build = new BuildOptions();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Per-case time limit (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 120;

    @Override
    public Integer call() throws Exception {
        build.requireCalibrationForPreprocess();
        List<ConformanceCase> cases = new ArrayList<>();
        for (ConformanceCase c : ConformanceCase.discover(roots)) {
            if (filter == null || filter.matcher(c.name()).find()) cases.add(c);
        }
        Set<String> expected = expect == null ? Set.of() : readList(expect);
        List<CaseResult> results = runAll(cases);
        ConformanceReport report = new ConformanceReport(results);
        PrintStream out = System.out;
        report.printFailures(out);
        if (summary) report.printSummary(out);
        if (csv != null) report.writeCsv(csv);
        if (writePassed != null) Files.write(writePassed, report.passedNames());
        int status = 0;
        if (!expected.isEmpty()) {
            // With --filter only the selected part of the list is checked; without it, a listed case that is missing
            // from the directories counts as not passing.
            Set<String> checked = new TreeSet<>();
            for (String name : expected) if (filter == null || filter.matcher(name).find()) checked.add(name);
            List<String> regressions = report.notPassing(checked);
            if (!regressions.isEmpty()) {
                List<String> shown = regressions.subList(0, Math.min(50, regressions.size()));
                out.println(regressions.size() + " expected case(s) did not pass: " + String.join(", ", shown)
                        + (regressions.size() > shown.size() ? ", ..." : ""));
                status = 1;
            } else {
                out.println("all " + checked.size() + " expected cases passed");
            }
        }
        out.println(report.totalsLine());
        return status;
    }

    private List<CaseResult> runAll(List<ConformanceCase> cases) throws InterruptedException {
        Backends all = build.plugins.backends().forDevice(build.device());
        CaseRunner runner = new CaseRunner(backends.isEmpty() ? all : all.only(backends), build);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(null, r, "conformance", 512L << 20);
            t.setDaemon(true); // a case stuck past its time limit must not keep the JVM alive
            return t;
        });
        List<Future<CaseResult>> futures = new ArrayList<>();
        for (ConformanceCase c : cases) futures.add(pool.submit(() -> runner.run(c)));
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            ConformanceCase c = cases.get(i);
            try {
                results.add(futures.get(i).get(timeoutSeconds, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                futures.get(i).cancel(true);
                results.add(new CaseResult(c.name(), c.name(), CaseResult.Status.FAILED, Double.NaN, Double.NaN,
                        "timed out after " + timeoutSeconds + " s"));
            } catch (java.util.concurrent.ExecutionException e) {
                results.add(new CaseResult(c.name(), c.name(), CaseResult.Status.FAILED, Double.NaN, Double.NaN,
                        EngineCli.describe(e.getCause())));
            }
            if ((i + 1) % 200 == 0) System.err.printf("  %d/%d cases%n", i + 1, cases.size());
        }
        pool.shutdownNow();
        return results;
    }

    private static Set<String> readList(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("expect list " + file + " does not exist");
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) names.add(s);
        }
        return names;
    }
}
