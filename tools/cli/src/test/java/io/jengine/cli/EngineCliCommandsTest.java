package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** The subcommands the CLI adds by name: each name is its command's own, and help still lists them all. */
class EngineCliCommandsTest {
    @Test
    void everyNameIsItsCommandsOwn() {
        EngineCli.SUBCOMMANDS.forEach((name, command) -> {
            Command c = command.get().getClass().getAnnotation(Command.class);
            assertEquals(name, c.name(), command.get().getClass().getName());
        });
        assertEquals(11, EngineCli.SUBCOMMANDS.size());
    }

    @Test
    void theSubcommandIsTheFirstWordThatIsNotATopLevelOption() {
        assertEquals("build", EngineCli.subcommandNamed(new String[] {"--verbose", "build", "m.onnx", "-o", "run"}));
        assertEquals("run", EngineCli.subcommandNamed(new String[] {"run", "m.onnx"}));
        assertNull(EngineCli.subcommandNamed(new String[] {"--help"}));
        assertNull(EngineCli.subcommandNamed(new String[] {"biuld", "m.onnx"}));
        assertNull(EngineCli.subcommandNamed(new String[] {}));
    }

    @Test
    void helpListsEveryCommandAndAMisspeltOneGetsASuggestion() {
        String help = run("--help");
        EngineCli.SUBCOMMANDS.keySet().forEach(name -> assertTrue(help.contains("\n  " + name + " "), name + ": " + help));
        assertTrue(run("biuld", "m.onnx").contains("Did you mean: engine build?"));
    }

    private static String run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
            System.setOut(p);
            System.setErr(p);
            EngineCli.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
