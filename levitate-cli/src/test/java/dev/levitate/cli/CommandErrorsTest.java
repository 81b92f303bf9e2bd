package dev.levitate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every way the commands were found to die with a stack trace (issue 16, item 6) now ends in one
 * line on stderr that names the option or the file, with the documented exit status: 2 for a bad
 * command line, 1 for a failure at run time, 126 for an image {@code run} or {@code gdb} cannot load.
 * Each goes through {@link LevitateCommand#run}, the body of {@code main}.
 */
class CommandErrorsTest {
    @TempDir
    Path dir;

    /** Asserts a one-line error from {@code levitate COMMAND} with that status, mentioning each of {@code names}. */
    static void oneLineError(String[] r, int status, String command, String... names) {
        String err = r[2];
        assertEquals(Integer.toString(status), r[0], "exit status; stdout: " + r[1] + "; stderr: " + err);
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertTrue(err.endsWith("\n"), err);
        assertTrue(err.startsWith("levitate " + command + ": "), err);
        for (String n : names) {
            assertTrue(err.contains(n), "'" + n + "' named in: " + err);
        }
        assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("Error:"), "no stack trace: " + err);
        assertTrue(err.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7F), "no control characters: " + err);
    }

    private Path spin() throws Exception {
        Path elf = dir.resolve("spin.elf");
        Files.write(elf, GdbCommandTest.spinImage());
        return elf;
    }

    @ParameterizedTest(name = "{0} --ram-mib {1}")
    @CsvSource({"run,0", "run,-1", "run,2147483647", "gdb,0", "gdb,-1", "gdb,2147483647"})
    void aRamSizeOutOfRangeIsAUsageError(String command, String mib) throws Exception {
        oneLineError(CliRun.run(command, "--ram-mib", mib, spin().toString()), 2, command, "--ram-mib", mib);
    }

    @ParameterizedTest(name = "gdb --port {0}")
    @CsvSource({"-1", "70000", "65536"})
    void aPortOutOfRangeIsAUsageError(String port) throws Exception {
        oneLineError(CliRun.run("gdb", "--port", port, spin().toString()), 2, "gdb", "--port", port);
    }

    @ParameterizedTest(name = "{0} DIRECTORY")
    @CsvSource({"run,126", "gdb,126", "pagetable,1"})
    void aDirectoryIsNotAFile(String command, int status) {
        oneLineError(CliRun.run(command, dir.toString()), status, command, dir.toString(), "is a directory");
    }

    @Test
    void aDescriptionThatIsNotUtf8IsNamedWithItsOffsetAndLine() throws Exception {
        Path f = dir.resolve("latin1.txt");
        byte[] text = "space lower 48 asid 5\nmap 0x1000 0x4000_0000 user-data # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, text);
        int at = new String(text, StandardCharsets.ISO_8859_1).indexOf('\u00e9');
        oneLineError(CliRun.run("pagetable", f.toString()), 1, "pagetable", f.toString(),
                "is not UTF-8 text: byte 0xe9 at offset " + at + " (line 2)");
    }

    @Test
    void aReportIntoADirectoryFailsBeforeTheRun() {
        String[] r = CliRun.run("report", "--html", "/");
        oneLineError(r, 1, "report", "cannot write the HTML report to /: it is a directory");
        assertEquals("", r[1], "nothing ran");
    }

    @Test
    void aTraceIntoAMissingDirectoryMakesItAndOneUnderAFileIsAClearError() throws Exception {
        Path trace = dir.resolve("new/deeper/trace.json");
        String[] ok = CliRun.run("demo", "--rounds", "1", "--trace", trace.toString());
        assertEquals("0", ok[0], ok[2]);
        assertTrue(Files.readString(trace).startsWith("{\"traceEvents\":["), "the trace was written");

        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        String[] r = CliRun.run("demo", "--rounds", "1", "--trace", file.resolve("trace.json").toString());
        oneLineError(r, 1, "demo", "cannot write the trace to " + file.resolve("trace.json"), file + " is not a directory");
        assertEquals("", r[1], "it failed before the run");
    }

    @Test
    void aDeviceIsNotReadToItsEnd() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        oneLineError(CliRun.run("run", "/dev/zero"), RunCommand.BAD_IMAGE, "run", "/dev/zero", "is not a regular file");
        oneLineError(CliRun.run("gdb", "/dev/zero"), RunCommand.BAD_IMAGE, "gdb", "/dev/zero", "is not a regular file");
    }

    @Test
    void anImageLargerThanTheBoundIsRefusedUnread() throws Exception {
        Path big = dir.resolve("big.elf");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(RunCommand.MAX_IMAGE_BYTES + 1); // sparse: no disk, and never read
        }
        oneLineError(CliRun.run("run", big.toString()), RunCommand.BAD_IMAGE, "run", big.toString(), "too large for an image",
                String.format("%,d", RunCommand.MAX_IMAGE_BYTES));
    }

    @ParameterizedTest(name = "run --max-instructions {0}")
    @CsvSource({"-1", "0", "-9223372036854775808"})
    void aMaxInstructionsBelowOneIsAUsageError(String n) throws Exception {
        oneLineError(CliRun.run("run", "--max-instructions", n, spin().toString()), 2, "run", "--max-instructions", n);
    }

    @Test
    void symbolNamesWithEscapeCodesArePrintedEscaped() throws Exception {
        Path elf = dir.resolve("evil.elf");
        String evil = "\u001b]0;pwned\u0007main\u001b[2J\u009b31m";
        Files.write(elf, TestElf.image(GdbCommandTest.ENTRY, new byte[] {0, 0, 0, 0x14}, evil)); // b .
        String[] r = CliRun.run("run", "--trace-instructions", "--max-instructions", "2", elf.toString());
        assertEquals(Integer.toString(RunCommand.STOPPED), r[0], r[2]);
        String escaped = "\\x1b]0;pwned\\x07main\\x1b[2J\\x9b31m";
        assertTrue(r[2].contains("<" + escaped + ">"), "the trace: " + r[2]);
        assertTrue(r[2].contains("at pc=0x40080000 <" + escaped + ">"), "the stop line: " + r[2]);
        assertTrue(r[2].chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b), "no raw control character reached the terminal: " + r[2]);
    }

    @Test
    void anUnknownOptionOrABadNumberIsOneLine() throws Exception {
        oneLineError(CliRun.run("run", "--frobnicate", spin().toString()), 2, "run", "--frobnicate");
        oneLineError(CliRun.run("run", "--ram-mib", "lots", spin().toString()), 2, "run", "--ram-mib", "lots");
        oneLineError(CliRun.run("pagetable", "--unmap", "nowhere", "../examples/pagetables/user-space.txt"), 2, "pagetable", "--unmap", "nowhere");
    }

    @ParameterizedTest(name = "demo --width {0}")
    @CsvSource({"0", "9", "1001"})
    void aTimelineWidthOutOfRangeIsAUsageError(String width) {
        oneLineError(CliRun.run("demo", "--width", width), 2, "demo", "--width", width);
    }
}
