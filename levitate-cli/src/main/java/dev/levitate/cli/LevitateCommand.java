package dev.levitate.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.CharBuffer;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code levitate} command: the entry point of the launcher script at the repository root.
 *
 * <p>Subcommands print what they show on standard output; progress and diagnostics go to
 * standard error. Every command runs through {@link #run(String[], PrintStream, PrintStream)},
 * which flushes both streams in one place before {@link #main} exits, and turns the two kinds of
 * failure into one line on standard error, never a stack trace:
 * <ul>
 *   <li>a bad command line (an unknown option, a value out of range): picocli's
 *       {@link CommandLine.ParameterException}, exit status {@value #USAGE};</li>
 *   <li>a failure at run time (a file that cannot be read or written): a {@link CliException},
 *       exit status {@value #FAILURE}, or the command's own ({@code run} and {@code gdb}: 126
 *       for an image that cannot be loaded).</li>
 * </ul>
 * An exception of any other type is a bug in Levitate and keeps its stack trace.
 */
@Command(name = "levitate",
        mixinStandardHelpOptions = true,
        version = "Levitate 0.1.0-SNAPSHOT",
        description = {
            "Levitate: AArch64 kernel primitives in Java, to learn, test and experiment with",
            "how a kernel manages memory and tasks.",
            ""
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "1:a failure at run time (a file that cannot be read or written, a description with a mistake)",
            "2:a bad command line (unknown option, value out of range)",
            "run, gdb:126 the image cannot be loaded; run also: 125 the simulator stopped it, 130 Ctrl-C, else the image's own exit code"
        },
        subcommands = {DemoCommand.class, ReportCommand.class, MemoryTourCommand.class, RunCommand.class, BenchCommand.class, GdbCommand.class, PageTableCommand.class, CheckCommand.class, CommandLine.HelpCommand.class})
public final class LevitateCommand implements Runnable {
    /** Exit status of a failure at run time. */
    static final int FAILURE = 1;
    /** Exit status of a bad command line (picocli's). */
    static final int USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Accepted by every subcommand; read by {@link Logging#configure(String...)} before picocli
     * runs, since slf4j-simple fixes its levels when the first logger is created.
     */
    @CommandLine.Option(names = Logging.VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "Show what the library logs at debug level on standard error: the backend opened, images loaded, the kernel booted, tasks killed and why, TLBI storms, allocator refusals.")
    private boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    /** Creates the command over the process's standard output and error. */
    public LevitateCommand() {
        this(System.out, System.err);
    }

    private LevitateCommand(PrintStream out, PrintStream err) {
        this.out = Objects.requireNonNull(out);
        this.err = Objects.requireNonNull(err);
    }

    /** The standard output every subcommand writes to (bytes from a guest, text from the others). */
    PrintStream out() {
        return out;
    }

    /** The standard error every subcommand writes its diagnostics to. */
    PrintStream err() {
        return err;
    }

    /** Without a subcommand: print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs one command line over the given streams, as {@link #main} does over the process's, and
     * returns its exit status. Both streams are flushed before it returns, whatever happened.
     *
     * @param args the arguments
     * @param out the standard output
     * @param err the standard error
     * @return the exit status (see the class comment)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Logging.configure(args);
        PrintWriter pwOut = new PrintWriter(through(out), false);
        PrintWriter pwErr = new PrintWriter(through(err), false);
        try {
            CommandLine cl = new CommandLine(new LevitateCommand(out, err));
            cl.setOut(pwOut);
            cl.setErr(pwErr);
            cl.setParameterExceptionHandler((e, a) -> {
                pwErr.flush();
                err.println(Printable.escape(e.getCommandLine().getCommandSpec().qualifiedName() + ": " + e.getMessage()
                        + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')"));
                return USAGE;
            });
            cl.setExecutionExceptionHandler((e, c, parsed) -> {
                if (!(e instanceof CliException)) {
                    throw e;
                }
                pwOut.flush();
                out.flush();
                pwErr.flush();
                err.println(c.getCommandSpec().qualifiedName() + ": " + Printable.escape(e.getMessage()));
                return ((CliException) e).status();
            });
            return cl.execute(args);
        } finally {
            pwOut.flush();
            pwErr.flush();
            out.flush();
            err.flush();
        }
    }

    /**
     * A writer that hands its text to {@code ps} as it comes, so that what a command prints
     * through picocli's writer and through the stream itself is encoded by the same charset and
     * kept in order (a {@code PrintWriter} over an {@code OutputStream} would buffer and encode on its own).
     */
    private static Writer through(PrintStream ps) {
        return new Writer() {
            @Override
            public void write(char[] chars, int off, int len) {
                ps.append(CharBuffer.wrap(chars, off, len));
            }

            @Override
            public void write(String s, int off, int len) {
                ps.append(s, off, off + len);
            }

            @Override
            public void flush() {
                ps.flush();
            }

            @Override
            public void close() {
                ps.flush();
            }
        };
    }

    /**
     * Entry point: {@link #run(String[], PrintStream, PrintStream)} over {@code System.out} and
     * {@code System.err}, then exits with its status.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }
}
