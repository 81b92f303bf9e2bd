package dev.levitate.cli;

import dev.levitate.sim.gdb.GdbStub;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code levitate gdb IMAGE.elf}: loads a bare-metal AArch64 image on the simulator, stopped at
 * its entry point, and waits for GDB on a loopback port, as
 * {@code qemu-system-aarch64 -M virt -s -S -kernel IMAGE.elf} would. Standard output carries only
 * what the guest prints; the stub's messages go to standard error.
 *
 * <p>Like gdbserver, a connection that drops without GDB killing or detaching (GDB crashed, the
 * network reset it, {@code disconnect}) is reported in one line and the command waits for the
 * next GDB on the same port, the machine as it was; {@code --once} exits 0 instead, as
 * gdbserver's {@code --once} does. A kill or a detach always ends it with status 0.
 */
@Command(name = "gdb", mixinStandardHelpOptions = true,
        description = {"Serve a bare-metal image to GDB, stopped at its entry (like qemu -s -S).", "",
            "Load a bare-metal AArch64 ELF image or Linux arm64 Image on the simulator (as levitate run loads it), stopped at its entry, and serve it to one GDB over the remote serial protocol (like qemu -s -S). Then, in another terminal:",
            "  gdb-multiarch -ex 'target remote :PORT' IMAGE.elf",
            "When the connection drops without a kill or detach, it waits for the next GDB on the same port (as gdbserver does); --once exits instead.",
            "Exit status: 0 when GDB kills or detaches (or disconnects, with --once), 126 for a file that is not a loadable image, 1 when the port cannot be bound, 2 for a bad option."})
public final class GdbCommand implements Callable<Integer> {

    /** The default port, the one QEMU's {@code -s} uses. */
    static final int DEFAULT_PORT = 1234;
    /** Exit status when the port cannot be bound: a failure at run time. */
    static final int NO_PORT = LevitateCommand.FAILURE;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private LevitateCommand parent;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The ELF64 AArch64 executable or Linux arm64 Image to debug.")
    private Path image;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, paramLabel = "N",
            description = "TCP port on localhost, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--ram-mib", defaultValue = "128", paramLabel = "MIB", description = "RAM size in MiB, 1.." + RunCommand.MAX_RAM_MIB + " (default: ${DEFAULT-VALUE}).")
    private int ramMib;

    @Option(names = "--log-packets", description = "Print every packet received and sent to stderr.")
    private boolean logPackets;

    @Option(names = "--once", description = "Exit when the first GDB disconnects instead of waiting for the next one (gdbserver's --once).")
    private boolean once;

    /** Creates the command (picocli instantiates it). */
    public GdbCommand() {
    }

    @Override
    public Integer call() throws IOException {
        PrintStream err = parent.err();
        OutputStream stdout = parent.out();
        long ram = RunCommand.ramBytes(spec.commandLine(), ramMib);
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535, got " + port);
        }
        Machine m = new Machine(ram, b -> write(stdout, b), b -> write(stdout, b), b -> write(err, b));
        RunCommand.load(m, image);
        GdbStub stub;
        try {
            stub = GdbStub.listen(m, port);
        } catch (IOException e) {
            err.println("levitate gdb: cannot listen on localhost:" + port + ": " + e.getMessage());
            return NO_PORT;
        }
        try (stub) {
            if (logPackets) {
                stub.setLog(line -> err.println("levitate gdb: " + Printable.escape(line)));
            }
            int p = stub.port();
            err.println("Waiting for GDB on localhost:" + p + " \u2014 in gdb-multiarch: target remote :" + p);
            for (;;) {
                GdbStub.Ending ending;
                try {
                    ending = stub.serve();
                } catch (IOException e) { // only when it cannot listen again on the port
                    err.println("levitate gdb: cannot listen on localhost:" + p + " again: " + e.getMessage());
                    return NO_PORT;
                }
                stdout.flush();
                if (ending == GdbStub.Ending.DISCONNECTED && !once) {
                    err.println("levitate gdb: " + stub.endReason() + "; waiting for GDB on localhost:" + p + " again (--once to exit instead)");
                    continue;
                }
                err.println("levitate gdb: session ended: " + ending.name().toLowerCase(java.util.Locale.ROOT) + " (" + stub.endReason() + ")");
                return 0;
            }
        }
    }

    private static void write(OutputStream out, int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
