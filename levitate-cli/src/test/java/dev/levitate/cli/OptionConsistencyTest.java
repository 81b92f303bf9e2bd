package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Issue 23, item 6: the commands' options read alike, and each title says which command printed it. */
class OptionConsistencyTest {
    @TempDir
    Path dir;

    @Test
    void everyOptionThatTakesAValueNamesItInCapitals() {
        CommandLine root = new CommandLine(new LevitateCommand());
        List<String> bad = new ArrayList<>();
        for (CommandLine sub : root.getSubcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (o.typeInfo().isBoolean() || o.arity().max() == 0) {
                    continue;
                }
                if (!o.paramLabel().matches("[A-Z][A-Z0-9.]*")) {
                    bad.add(sub.getCommandName() + " " + o.longestName() + " <" + o.paramLabel() + ">");
                }
            }
        }
        assertEquals(List.of(), bad, "picocli's default labels are the Java field names (<ramMib>, <html>)");
    }

    @Test
    void runTracesInstructionsUnderItsNewNameAndItsOldOne() throws Exception {
        Path spin = dir.resolve("spin.elf");
        Files.write(spin, GdbCommandTest.spinImage());
        String[] now = CliRun.run("run", "--trace-instructions", "--max-instructions", "2", spin.toString());
        String[] old = CliRun.run("run", "--trace", "--max-instructions", "2", spin.toString());
        assertEquals(Integer.toString(RunCommand.STOPPED), now[0], now[2]);
        assertTrue(now[2].startsWith("EL1 0000000040080000                          b 0x40080000\n"), now[2]);
        assertEquals(now[2], old[2], "--trace is kept as an alias");
        String help = CliRun.run("run", "--help")[1];
        assertTrue(help.contains("--trace-instructions"), help);
        assertFalse(help.contains("--trace "), "the alias is not listed: " + help);
        assertTrue(CliRun.run("demo", "--help")[1].contains("--trace=FILE"), "demo --trace still takes a FILE");
    }

    @Test
    void theTourSaysItIsTheTourToTheEnd() {
        String out = CliRun.run("tour")[1];
        assertFalse(out.contains("Levitate demo"), out);
        assertTrue(out.contains("Levitate memory tour, part 1") && out.contains("Levitate memory tour, part 2"), out);
    }
}
