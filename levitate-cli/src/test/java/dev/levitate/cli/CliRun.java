package dev.levitate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code levitate} command in-process for the command tests. */
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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LevitateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
