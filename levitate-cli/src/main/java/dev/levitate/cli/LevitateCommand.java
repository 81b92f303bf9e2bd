package dev.levitate.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code levitate} command: the entry point of the launcher script at the repository root.
 *
 * <p>Subcommands print what they show on standard output; progress and diagnostics go to
 * standard error.
 */
@Command(name = "levitate",
        mixinStandardHelpOptions = true,
        version = "Levitate 0.1.0-SNAPSHOT",
        description = {
            "Levitate: AArch64 kernel primitives in Java, to learn, test and experiment with",
            "how a kernel manages memory and tasks.",
            ""
        },
        subcommands = {DemoCommand.class, ReportCommand.class, MemoryTourCommand.class, RunCommand.class, BenchCommand.class, GdbCommand.class, PageTableCommand.class, CommandLine.HelpCommand.class})
public final class LevitateCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Accepted by every subcommand; read by {@link Logging#configure(String...)} before picocli
     * runs, since slf4j-simple fixes its levels when the first logger is created.
     */
    @CommandLine.Option(names = Logging.VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "Show what the library logs at debug level on standard error: the backend opened, images loaded, the kernel booted, tasks killed and why, TLBI storms, allocator refusals.")
    private boolean verbose;

    /** Creates the command (picocli instantiates it). */
    public LevitateCommand() {
    }

    /** Without a subcommand: print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and returns its exit status.
     *
     * @param out where results go
     * @param err where diagnostics go
     * @param args the arguments
     * @return the exit status
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        Logging.configure(args);
        CommandLine cl = new CommandLine(new LevitateCommand());
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * Entry point.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }
}
