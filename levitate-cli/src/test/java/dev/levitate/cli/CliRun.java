package dev.levitate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the {@code levitate} command in-process for the command tests, through
 * {@link LevitateCommand#run(String[], PrintStream, PrintStream)}: the same path as {@code main},
 * on streams the test reads afterwards, so that output a command printed without a newline (and
 * never flushed itself) is seen as a user would see it. {@link MainProcessTest} runs the real
 * {@code main} in a child JVM.
 */
final class CliRun {
    private CliRun() {
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments
     * @return {exit status, stdout, stderr}
     */
    static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // no autoflush: LevitateCommand.run must flush what the command wrote
        int code = LevitateCommand.run(args, new PrintStream(new java.io.BufferedOutputStream(out), false, StandardCharsets.UTF_8),
                new PrintStream(new java.io.BufferedOutputStream(err), false, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
