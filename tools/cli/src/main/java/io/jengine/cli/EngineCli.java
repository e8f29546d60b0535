package io.jengine.cli;

import io.jengine.errors.EngineException;
import io.jengine.tensor.UnsupportedDTypeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code engine} command. Every user-facing failure ends as one line on stderr naming what is wrong and exit
 * code 2; {@code --verbose} adds the stack trace.
 */
@Command(name = "engine", mixinStandardHelpOptions = true, version = "jengine 0.1.0",
        description = "An ONNX inference engine for the JVM.",
        subcommands = {RunCommand.class, BuildCommand.class, InspectCommand.class, BenchCommand.class, EvalCommand.class,
                CompareCommand.class, ConformanceCommand.class, ServeCommand.class,
                LoadgenCommand.class, DevicesCommand.class, PluginsCommand.class})
public final class EngineCli {
    /** Exit code of every user error (bad model, bad input, bad flag). */
    static final int USER_ERROR = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI in-process and returns its exit code (used by tests). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new EngineCli());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("error: " + describe(ex));
            if (isVerbose(parsed)) ex.printStackTrace(line.getErr());
            return USER_ERROR;
        });
        cl.setExecutionStrategy(parsed -> {
            // Which native libraries loaded decides which tactics exist: say so once, under --verbose.
            if (isVerbose(parsed)) {
                cl.getErr().println("native: " + io.jengine.cpu.nativelib.NativeLibraries.dnnlStatus());
                cl.getErr().println("native: " + io.jengine.cpu.nativelib.NativeLibraries.openBlasStatus());
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl.execute(args);
    }

    private static boolean isVerbose(CommandLine.ParseResult parsed) {
        return parsed.matchedOption("--verbose") != null
                || parsed.subcommands().stream().anyMatch(p -> p.matchedOption("--verbose") != null);
    }

    /** The one-line message of an error, for errors the engine knows and for anything unexpected. */
    static String describe(Throwable ex) {
        if (ex instanceof EngineException || ex instanceof UnsupportedDTypeException
                || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        if (ex instanceof OutOfMemoryError) return "out of memory: " + ex.getMessage() + " (raise -Xmx via JAVA_OPTS)";
        return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
    }
}
