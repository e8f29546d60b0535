package io.jengine.cli;

import io.jengine.errors.EngineException;
import io.jengine.tensor.UnsupportedDTypeException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code engine} command. Every user-facing failure ends as one line on stderr naming what is wrong and exit
 * code 2; {@code --verbose} adds the stack trace.
 */
@Command(name = "engine", mixinStandardHelpOptions = true, version = "jengine 0.1.0",
        description = "An ONNX inference engine for the JVM.")
public final class EngineCli {
    /**
     * The subcommands, in the order help lists them. Added to the command line in code rather than named in the
     * annotation, so that a run builds the model of its own subcommand only: picocli reflects over every option of
     * every command it is given, and building all eleven took a quarter of a second of each run.
     */
    static final SequencedMap<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static SequencedMap<String, Supplier<Object>> subcommands() {
        SequencedMap<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("run", RunCommand::new);
        m.put("build", BuildCommand::new);
        m.put("inspect", InspectCommand::new);
        m.put("bench", BenchCommand::new);
        m.put("eval", EvalCommand::new);
        m.put("compare", CompareCommand::new);
        m.put("conformance", ConformanceCommand::new);
        m.put("serve", ServeCommand::new);
        m.put("loadgen", LoadgenCommand::new);
        m.put("devices", DevicesCommand::new);
        m.put("plugins", PluginsCommand::new);
        return Collections.unmodifiableSequencedMap(m);
    }

    /** Exit code of every user error (bad model, bad input, bad flag). */
    static final int USER_ERROR = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI in-process and returns its exit code (used by tests). */
    public static int execute(String... args) {
        CommandLine cl = commandLine(args);
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

    /** The command line that parses {@code args}: the top level with the subcommand they name, or with all of them. */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new EngineCli());
        String named = subcommandNamed(args);
        SUBCOMMANDS.forEach((name, command) -> {
            if (named == null || named.equals(name)) cl.addSubcommand(name, command.get());
        });
        return cl;
    }

    /**
     * The subcommand {@code args} run: their first word that is not one of the top level's options, where it names a
     * subcommand; null otherwise (no subcommand, help, a misspelt name), and then every subcommand is added, for the
     * usage message or picocli's suggestions.
     */
    static String subcommandNamed(String[] args) {
        for (String a : args) {
            if (a.startsWith("-")) continue;
            return SUBCOMMANDS.containsKey(a) ? a : null;
        }
        return null;
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
