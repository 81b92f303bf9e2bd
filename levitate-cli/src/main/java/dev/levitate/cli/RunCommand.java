package dev.levitate.cli;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.elf.ElfFormatException;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.isa.Disassembler;
import dev.levitate.sim.machine.Machine;
import dev.levitate.sim.mmu.Mmu;
import dev.levitate.sim.mmu.Tlb;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code levitate run IMAGE.elf}: runs a bare-metal AArch64 image on the simulator, as
 * {@code qemu-system-aarch64 -M virt -cpu cortex-a53 -nographic -semihosting -kernel IMAGE.elf}
 * would. Standard output carries only what the guest prints (UART and semihosting); everything
 * the simulator says goes to standard error.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a bare-metal AArch64 ELF image on the simulator, as QEMU virt would.", "",
            "Run a bare-metal AArch64 ELF image on the simulator (QEMU virt memory map: RAM at 0x4000_0000, PL011 UART at 0x0900_0000, semihosting through HLT #0xF000). stdout: only what the guest prints. Exit status: the image's semihosting exit code, 0 on PSCI SYSTEM_OFF, 126 for a file that is not a loadable image, 125 when the simulator stops it for another reason (budget, undefined instruction, wild access)."})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE.elf", description = "The ELF64 AArch64 executable to run.")
    private Path image;

    @Option(names = "--max-instructions", defaultValue = "1000000000", paramLabel = "N",
            description = "Stop after N instructions (default: ${DEFAULT-VALUE}).")
    private long maxInstructions;

    @Option(names = "--timing", defaultValue = "fixed", description = "Cycle model: fixed (a cost per instruction class) or a53 (in-order dual-issue Cortex-A53-like; slower). Default: ${DEFAULT-VALUE}.")
    private String timing;

    @Option(names = "--ram-mib", defaultValue = "128", description = "RAM size in MiB (default: ${DEFAULT-VALUE}).")
    private int ramMib;

    @Option(names = "--trace", description = "Print every instruction (address, symbol, disassembly) to stderr.")
    private boolean trace;

    @Option(names = "--stats", description = "Print instruction count, time and MIPS to stderr.")
    private boolean stats;

    @Option(names = "--tlb", description = "After the run, print the TLB's valid entries to stderr (VA -> PA, ASID or global, the descriptor's size and level, the permissions; STALE where the tables now say otherwise) and the walk cache's table descriptors: what QEMU's softmmu cannot show.")
    private boolean tlb;

    @Option(names = "--fast-tier", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the common instructions pre-decoded in the fast tier (default); --no-fast-tier leaves every one to the general interpreter. The results are identical; only the speed differs.")
    private boolean fastTier;

    @Option(names = "--compiled-tier", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Compile hot blocks of the fast tier to JVM bytecode (default); --no-compiled-tier leaves them to the fast tier's interpreter. The results are identical; only the speed differs.")
    private boolean compiledTier;

    @Option(names = "--semihosting", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Serve Arm semihosting calls (HLT #0xF000) made at EL1, as QEMU's -semihosting (default); --no-semihosting makes them undefined instructions. At EL0 they are undefined either way.")
    private boolean semihosting;

    /** Exit status for a file that is not a loadable image. */
    static final int BAD_IMAGE = 126;
    /** Exit status when the simulator stops the image for a reason other than its own exit. */
    static final int STOPPED = 125;

    /** Creates the command (picocli instantiates it). */
    public RunCommand() {
    }

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        byte[] file;
        try {
            file = Files.readAllBytes(image);
        } catch (NoSuchFileException e) {
            err.println("levitate run: no such file: " + image);
            return BAD_IMAGE;
        }
        ElfImage elf;
        OutputStream stdout = System.out;
        dev.levitate.sim.cpu.CpuConfig.Timing model;
        switch (timing.toLowerCase(java.util.Locale.ROOT)) {
            case "fixed": model = dev.levitate.sim.cpu.CpuConfig.Timing.FIXED; break;
            case "a53": model = dev.levitate.sim.cpu.CpuConfig.Timing.A53; break;
            default: throw new CommandLine.ParameterException(spec.commandLine(), "--timing must be fixed or a53, got '" + timing + "'");
        }
        Machine m = new Machine((long) ramMib << 20, dev.levitate.sim.cpu.CpuConfig.defaults().withTiming(model).withFastTier(fastTier)
                .withCompiledTier(compiledTier ? dev.levitate.sim.cpu.CpuConfig.defaults().compileAfter() : 0).withSemihosting(semihosting),
                b -> write(stdout, b), b -> write(stdout, b), b -> write(err, b));
        try {
            elf = ElfImage.parse(file);
            m.loadElf(elf);
        } catch (ElfFormatException e) {
            err.println("levitate run: " + image + ": " + e.getMessage());
            return BAD_IMAGE;
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        StopKind stop;
        if (trace) {
            stop = StopKind.BUDGET;
            Cpu cpu = m.cpu();
            for (long i = 0; i < maxInstructions; i++) {
                long pc = cpu.pc();
                String sym = elf.symbolize(pc);
                int word = m.ram().contains(pc, 4) ? m.ram().read32(pc) : 0;
                err.printf("%016x %-24s %s%n", pc, sym == null ? "" : "<" + sym + ">", Disassembler.disassemble(word, pc));
                stop = m.run(1);
                if (stop != StopKind.BUDGET) {
                    break;
                }
            }
        } else {
            // in chunks, so a long run can say how it is going (on stderr, after the first 3 s)
            long left = maxInstructions;
            long lastReport = start;
            boolean reported = false;
            do {
                long chunk = Math.min(left, 50_000_000L);
                stop = m.run(chunk);
                left -= chunk; // a BUDGET stop spent the whole chunk (instructions and exception entries)
                long now = System.nanoTime();
                if (stop == StopKind.BUDGET && left > 0 && now - lastReport > 3_000_000_000L) {
                    err.printf("levitate run: %,d instructions so far (%.0f s), pc=0x%x ...%n", m.cpu().instructions(),
                            (now - start) / 1e9, m.cpu().pc());
                    err.flush();
                    lastReport = now;
                    reported = true;
                }
            } while (stop == StopKind.BUDGET && left > 0);
            if (reported) {
                err.println("levitate run: done");
            }
        }
        long ns = System.nanoTime() - start;
        long cpuNs = threads.getCurrentThreadCpuTime() - cpuStart;
        System.out.flush();
        Cpu cpu = m.cpu();
        if (stats) {
            // the thread's CPU time too: on a shared machine the wall clock also counts other processes
            err.printf("levitate run: %,d instructions (%.1f%% in the fast tier, %.1f%% in %,d compiled blocks) in %.3f s: %.1f MIPS"
                    + " (%.1f per CPU second of the simulating thread); %,d simulated cycles (%s timing, IPC %.2f), %,d exceptions, TLB: %s%n",
                    cpu.instructions(), cpu.instructions() == 0 ? 0.0 : 100.0 * cpu.fastTierInstructions() / cpu.instructions(),
                    cpu.instructions() == 0 ? 0.0 : 100.0 * cpu.compiledInstructions() / cpu.instructions(), cpu.compiledBlocks(),
                    ns / 1e9, cpu.instructions() / (ns / 1e3),
                    cpuNs <= 0 ? 0.0 : cpu.instructions() / (cpuNs / 1e3), cpu.cycles(), timing,
                    cpu.cycles() == 0 ? 0.0 : cpu.instructions() / (double) cpu.cycles(), cpu.exceptionsTaken(), cpu.mmu().stats());
        }
        if (tlb) {
            printTlb(err, cpu.mmu());
        }
        String where = String.format("pc=0x%x%s", cpu.stopPc(), elf.symbolize(cpu.stopPc()) == null ? "" : " <" + elf.symbolize(cpu.stopPc()) + ">");
        switch (stop) {
            case EXIT:
                return (int) cpu.stopValue();
            case POWER_OFF:
                return 0;
            case BUDGET:
                err.printf("levitate run: stopped after %,d instructions (--max-instructions) at %s%n", cpu.instructions(), where);
                return STOPPED;
            case UNDEFINED:
                err.printf("levitate run: undefined or unimplemented instruction 0x%08x at %s%n", cpu.stopWord(), where);
                return STOPPED;
            case ABORT:
                // with the MMU off an external abort (outside RAM and devices); with it on, also a
                // translation, access-flag or permission fault: the syndrome says which
                err.printf("levitate run: abort at 0x%x with no vector table to take it to (%s), %s%n", cpu.stopValue(),
                        dev.levitate.sim.cpu.Esr.describe(cpu.stopSyndrome()), where);
                return STOPPED;
            default:
                err.printf("levitate run: stopped: %s (value 0x%x) at %s%n", stop, cpu.stopValue(), where);
                return STOPPED;
        }
    }

    /**
     * The TLB's valid entries, each compared with what the translation tables say now
     * ({@link Mmu#walkTables}) where that is the same address space: an entry that differs is
     * stale, still used until a TLBI covers it.
     */
    private static void printTlb(PrintStream err, Mmu mmu) {
        java.util.List<Tlb.Entry> entries = mmu.tlb().entries();
        java.util.List<String> lines = new java.util.ArrayList<>();
        int stale = 0;
        for (Tlb.Entry e : entries) {
            String note = "";
            if (!mmu.enabled()) {
                note = "  (the MMU is off now: not compared with the tables)";
            } else if (!e.global() && e.asid() != mmu.currentAsid()) {
                note = "  (ASID " + e.asid() + " is not the current one: not compared with the tables)";
            } else {
                Mmu.TableWalk now = mmu.walkTables(e.va());
                if (now.faulted()) {
                    note = String.format("  STALE: the tables now fault here (fault status 0x%02x, level %d)", now.faultStatus(), now.level());
                    stale++;
                } else if (now.pa() != e.pa() || now.permissions() != e.permissions()) {
                    note = String.format("  STALE: the tables now say pa 0x%010x %s", now.pa(), Mmu.permString(now.permissions()));
                    stale++;
                }
            }
            lines.add("  " + e + note);
        }
        err.printf("levitate run: TLB, %d of %d entries valid%s%n", entries.size(), mmu.tlb().capacity(),
                entries.isEmpty() ? " (nothing translated through it: the MMU was off, or everything was invalidated)"
                        : stale == 0 ? ", none stale:" : ", " + stale + " stale (the tables changed and no TLBI covered them yet):");
        lines.forEach(err::println);
        java.util.List<Mmu.WalkCacheEntry> walks = mmu.walkCacheEntries();
        err.printf("levitate run: walk cache, %d entries%s%n", walks.size(),
                walks.isEmpty() ? " (no table descriptor cached: block mappings only, or invalidated)"
                        : " (table descriptors later walks start below; TLBI VALE1/VAALE1 leave them):");
        walks.forEach(w -> err.println("  " + w));
    }

    private static void write(OutputStream out, int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
