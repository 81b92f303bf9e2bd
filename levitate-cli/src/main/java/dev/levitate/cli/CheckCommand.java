package dev.levitate.cli;

import dev.levitate.check.GuestCallException;
import dev.levitate.check.KernelBinding;
import dev.levitate.check.KernelCheck;
import dev.levitate.sim.elf.ElfFormatException;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.testkit.PageTableOp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code levitate check KERNEL.elf --binding FILE [--tries N]}: property-tests a kernel's own
 * page-table functions on the simulator (levitate-check's {@link KernelCheck}): generated
 * map/unmap sequences run as guest calls, checked after every call against the reference model,
 * the simulator's MMU walk and the TLB model; the first failure is shrunk and printed as the call
 * sequence with the check that caught it.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Property-test a kernel's own map/unmap code on the simulator.", "",
            "Load KERNEL.elf, bind its page-table functions as the binding file says (key = value lines: map, unmap, map_range, unmap_range, protect, init, root, alloc, free, error.*; see docs/testkit.md), run generated operation sequences as guest calls and check every call against the reference model, the simulator's own MMU walk and the TLB model (stale entries, break-before-make, TLBI before DSB, tables freed before invalidation, leaks). Exit status: 0 when every try passed, 1 with the shrunk counterexample, 126 for a kernel or binding that cannot be loaded, 2 for a bad option."})
public final class CheckCommand implements Callable<Integer> {
    /** Exit status for a kernel image or binding that cannot be loaded. */
    static final int BAD_INPUT = 126;
    /** The largest binding file read. */
    static final long MAX_BINDING_BYTES = 1L << 20;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KERNEL.elf", description = "The kernel's ELF image, with its symbol table.")
    private Path kernel;

    @Option(names = "--binding", required = true, paramLabel = "FILE", description = "Which symbols map, unmap, allocate and free, and how their arguments are laid out.")
    private Path binding;

    @Option(names = "--tries", defaultValue = "200", paramLabel = "N", description = "How many generated sequences to run (default: ${DEFAULT-VALUE}).")
    private int tries;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "The random seed: the same seed runs the same sequences (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--max-ops", defaultValue = "20", paramLabel = "N", description = "The longest sequence (default: ${DEFAULT-VALUE}).")
    private int maxOps;

    /** Creates the command (picocli instantiates it). */
    public CheckCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (tries < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tries must be at least 1, got " + tries);
        }
        if (maxOps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-ops must be at least 1, got " + maxOps);
        }
        byte[] elf = CliFiles.read(kernel, RunCommand.MAX_IMAGE_BYTES, BAD_INPUT, "kernel image");
        String text = CliFiles.readUtf8(binding, MAX_BINDING_BYTES, BAD_INPUT, "binding");
        KernelCheck check;
        try {
            check = KernelCheck.of(ElfImage.parse(elf), KernelBinding.parse(text));
            check.load(); // the image loads and boots, the binding's symbols exist: say so before searching
        } catch (ElfFormatException e) {
            throw new CliException(BAD_INPUT, Printable.escape(kernel.toString()) + ": " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | GuestCallException e) {
            throw new CliException(BAD_INPUT, Printable.escape(binding.toString()) + ": " + e.getMessage());
        }
        Optional<KernelCheck.Counterexample> found;
        try {
            found = check.search(tries, seed, maxOps);
        } catch (dev.levitate.check.UnknownSymbolException e) {
            throw new CliException(BAD_INPUT, Printable.escape(binding.toString()) + ": " + e.getMessage());
        }
        if (found.isEmpty()) {
            out.printf("%d sequences passed (seed %d, up to %d operations each): the tables agree with the model and the "
                    + "simulator's walk, no stale TLB entry, break-before-make kept, every table invalidated before it was freed, "
                    + "no frame leaked%n", tries, seed, maxOps);
            return 0;
        }
        KernelCheck.Counterexample c = found.get();
        out.printf("FAILED on try %d (seed %d); shrunk to %d call(s) in %d runs:%n", c.tryNumber(), c.seed(), c.ops().size(), c.shrinkRuns());
        for (PageTableOp op : c.ops()) {
            out.println("  " + op);
        }
        out.println("  (then the check unmaps whatever is left, and checks that every frame came back)");
        out.println();
        c.message().lines().forEach(line -> out.println(Printable.escape(line))); // symbol names come from the guest
        return LevitateCommand.FAILURE;
    }
}
