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
    /** The option that turns on the library's debug log (SLF4J, on standard error). */
    static final String VERBOSE = "--verbose";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Accepted by every subcommand; read by {@link #configureLogging(String...)} before picocli
     * runs, since slf4j-simple fixes its levels when the first logger is created.
     */
    @CommandLine.Option(names = VERBOSE, scope = CommandLine.ScopeType.INHERIT,
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
        configureLogging(args);
        CommandLine cl = new CommandLine(new LevitateCommand());
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * Sets slf4j-simple's configuration from the arguments, before any logger exists: the
     * library's loggers ({@code dev.levitate.*}) at debug level with {@value #VERBOSE}, at info
     * otherwise (the library logs nothing at info); short logger names, no thread names, on
     * standard error. A level the user set with {@code -Dorg.slf4j.simpleLogger.log.dev.levitate=...}
     * wins.
     *
     * @param args the command line (options after {@code --} are not options)
     */
    static void configureLogging(String... args) {
        boolean on = false;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            on |= a.equals(VERBOSE);
        }
        setIfAbsent("org.slf4j.simpleLogger.log.dev.levitate", on ? "debug" : "info");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
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
