package dev.levitate.cli;

import dev.levitate.sim.boot.BootImageException;
import dev.levitate.sim.boot.KernelBoot;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.elf.ElfFormatException;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.machine.InstructionTrace;
import dev.levitate.sim.machine.Machine;
import dev.levitate.sim.machine.PowerRequest;
import dev.levitate.sim.mmu.Mmu;
import dev.levitate.sim.mmu.TlbReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code levitate run IMAGE}: runs a bare-metal AArch64 image on the simulator, as
 * {@code qemu-system-aarch64 -M virt -cpu cortex-a53 -nographic -semihosting -kernel IMAGE
 * [-initrd FILE] [-append ARGS]} would: to the image's end, however many instructions that takes
 * (unless {@code --max-instructions} bounds it). The image is an ELF executable (segments in RAM or
 * in the flash window) or a Linux arm64 {@code Image}, gzip-compressed or not, loaded and entered
 * with the device tree, initrd and command line QEMU gives it ({@link KernelBoot}). Standard
 * output carries only what the guest prints (UART and semihosting); everything the simulator says
 * goes to standard error.
 *
 * <p>The run goes in slices of {@link #SLICE} instructions; between two slices, and only there,
 * the loop reports progress and checks for Ctrl-C ({@link StopOnInterrupt}, one volatile read), so
 * the simulator's own loop carries neither. On Ctrl-C it prints the statistics line and the process
 * ends with status {@link #INTERRUPTED}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a bare-metal AArch64 ELF image or Linux arm64 Image on the simulator, as QEMU virt would.", "",
            "Run a bare-metal AArch64 ELF image, or a kernel in Linux arm64 Image format (gzip-compressed or not), on the simulator (QEMU virt memory map: flash at 0x0 (128 MiB, read-only to the guest), RAM at 0x4000_0000, PL011 UART at 0x0900_0000, semihosting through HLT #0xF000, PSCI through HVC), to its end as QEMU does; Ctrl-C stops it and prints the statistics line. An Image is loaded as QEMU's -kernel loads it: at RAM + text_offset, entered at EL1 with x0 = the device tree of the machine, x1..x3 = 0, the MMU off; --initrd and --append fill the device tree's /chosen. stdout: only what the guest prints. Exit status: the image's semihosting exit code, 0 on PSCI SYSTEM_OFF or SYSTEM_RESET, 126 for a file that is not a loadable image (or a layout that does not fit in RAM), 125 when the simulator stops it for another reason (--max-instructions, undefined instruction, wild access), 130 on Ctrl-C, 2 for a bad option."})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private LevitateCommand parent;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The kernel: an ELF64 AArch64 executable, or a Linux arm64 Image (with its 64-byte header; gzip-compressed or not), as QEMU's -kernel takes them.")
    private Path image;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Load FILE as the initial RAM disk, where QEMU's -initrd puts it (RAM + min(RAM/2, 128 MiB), or past the kernel's image_size), with its range in the device tree's /chosen (linux,initrd-start/end). For a Linux Image or a raw kernel; ignored for an ELF image, as QEMU ignores it.")
    private Path initrd;

    @Option(names = "--append", paramLabel = "ARGS", description = "The kernel command line, in the device tree's /chosen/bootargs (QEMU's -append).")
    private String append;

    @Option(names = "--raw", description = "Load a file that is neither ELF nor a Linux Image as a raw binary at 0x40080000 and enter it as a Linux Image (x0 = the device tree), as QEMU's -kernel does with any file. Without it such a file is refused, so a wrong file never runs as code.")
    private boolean raw;

    @Option(names = "--max-instructions", paramLabel = "N",
            description = "Stop after N instructions (N >= 1), exit status 125. Default: no bound; the image runs to its end, as on QEMU.")
    private Long maxInstructions;

    @Option(names = "--timing", defaultValue = "fixed", paramLabel = "MODEL", description = "Cycle model: fixed (a cost per instruction class) or a53 (in-order dual-issue Cortex-A53-like). The instructions and the output are the same, only the cycle count differs; a53 simulates a real program 1.5 to 2.5 times more slowly than fixed (docs/benchmarks.md), a tight ALU loop at about the same speed (the 'levitate bench' row). Default: ${DEFAULT-VALUE}.")
    private String timing;

    @Option(names = "--ram-mib", defaultValue = "128", paramLabel = "MIB", description = "RAM size in MiB, 1.." + MAX_RAM_MIB + " (default: ${DEFAULT-VALUE}).")
    private int ramMib;

    @Option(names = "--trace-instructions", description = "Print every instruction to stderr before it runs: exception level, address, symbol, the disassembly of the word fetched through the MMU (and its physical address when that differs), and after an instruction that took an exception, the vector taken with the syndrome decoded.")
    private boolean trace;

    /** The name this option had before --trace-instructions: still accepted, no longer listed. */
    @Option(names = "--trace", hidden = true, description = "Same as --trace-instructions.")
    private boolean traceAlias;

    @Option(names = "--stats", description = "Print instruction count, time and MIPS to stderr (also printed on Ctrl-C).")
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
    /** Exit status after Ctrl-C (128 + SIGINT, as a shell reports a process the signal ended). */
    static final int INTERRUPTED = 130;
    /**
     * The largest image file read: a bound on what a file can make the loader allocate, well above
     * what QEMU virt's flash (128 MiB) and a usual RAM size hold, plus symbols.
     */
    static final long MAX_IMAGE_BYTES = 256L << 20;
    /** The most RAM: QEMU virt's RAM window runs from 0x4000_0000 up to 256 GiB. */
    static final int MAX_RAM_MIB = 255 * 1024;
    /**
     * Instructions per slice of a run: between slices (and only there) the loop checks for Ctrl-C
     * and reports progress, so the simulator's own loop stays free of both.
     */
    static final long SLICE = 10_000_000L;

    /** Creates the command (picocli instantiates it). */
    public RunCommand() {
    }

    /** The RAM size, checked: shared with {@code gdb}. */
    static long ramBytes(CommandLine cl, int mib) {
        if (mib < 1 || mib > MAX_RAM_MIB) {
            throw new CommandLine.ParameterException(cl, "--ram-mib must be 1.." + MAX_RAM_MIB + " (MiB), got " + mib);
        }
        return (long) mib << 20;
    }

    /** Reads and loads the image, or fails with {@link #BAD_IMAGE} naming the file: shared with {@code gdb}. */
    static ElfImage load(Machine m, Path image) {
        return symbols(boot(m, image, null, null, false));
    }

    /**
     * Reads the kernel (and the initrd) and loads them as QEMU's {@code -kernel} does, or fails with
     * {@link #BAD_IMAGE} naming the file.
     */
    static KernelBoot.Boot boot(Machine m, Path image, Path initrd, String append, boolean raw) {
        byte[] file = CliFiles.read(image, MAX_IMAGE_BYTES, BAD_IMAGE, "image");
        byte[] rd = initrd == null ? null : CliFiles.read(initrd, MAX_IMAGE_BYTES, BAD_IMAGE, "initrd");
        try {
            return KernelBoot.load(m, file, rd, append, raw);
        } catch (ElfFormatException e) {
            throw new CliException(BAD_IMAGE, Printable.escape(image.toString()) + ": " + e.getMessage());
        } catch (BootImageException e) {
            throw new CliException(BAD_IMAGE, Printable.escape(image.toString()) + ": " + e.getMessage()
                    + (e.getMessage().contains("raw binary") ? " (--raw does that)" : ""));
        }
    }

    /** The ELF's symbols, or none for an Image or a raw kernel. */
    private static ElfImage symbols(KernelBoot.Boot boot) {
        return boot.elf() != null ? boot.elf() : new ElfImage(boot.entry(), java.util.List.of(), new java.util.TreeMap<>());
    }

    @Override
    public Integer call() {
        PrintStream err = parent.err();
        OutputStream stdout = parent.out();
        long ram = ramBytes(spec.commandLine(), ramMib);
        if (maxInstructions != null && maxInstructions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-instructions must be at least 1, got " + maxInstructions);
        }
        long limit = maxInstructions == null ? Long.MAX_VALUE : maxInstructions;
        dev.levitate.sim.cpu.CpuConfig.Timing model;
        switch (timing.toLowerCase(java.util.Locale.ROOT)) {
            case "fixed": model = dev.levitate.sim.cpu.CpuConfig.Timing.FIXED; break;
            case "a53": model = dev.levitate.sim.cpu.CpuConfig.Timing.A53; break;
            default: throw new CommandLine.ParameterException(spec.commandLine(), "--timing must be fixed or a53, got '" + timing + "'");
        }
        Machine m = new Machine(ram, dev.levitate.sim.cpu.CpuConfig.defaults().withTiming(model).withFastTier(fastTier)
                .withCompiledTier(compiledTier ? dev.levitate.sim.cpu.CpuConfig.defaults().compileAfter() : 0).withSemihosting(semihosting),
                b -> write(stdout, b), b -> write(stdout, b), b -> write(err, b));
        KernelBoot.Boot boot = boot(m, image, initrd, append, raw);
        if (boot.initrdIgnored()) {
            err.println("levitate run: --initrd is ignored for an ELF image, as QEMU ignores -initrd for one (a Linux Image gets it)");
        }
        ElfImage elf = symbols(boot);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        StopKind stop = StopKind.BUDGET;
        boolean interrupted = false;
        try (StopOnInterrupt ctrlC = new StopOnInterrupt()) {
            if (trace || traceAlias) {
                // one instruction at a time, in its own loop: a run without the trace never pays for it
                InstructionTrace tracer = new InstructionTrace(m, pc -> {
                    String sym = elf.symbolize(pc);
                    return sym == null ? null : Printable.escape(sym);
                });
                for (long i = 0; i < limit && !(interrupted = ctrlC.requested()); i++) {
                    stop = tracer.step(err);
                    if (stop != StopKind.BUDGET) {
                        break;
                    }
                }
            } else {
                // in slices, so a long run can say how it is going (on stderr, after the first 3 s)
                // and stop on Ctrl-C
                long left = limit;
                long lastReport = start;
                boolean reported = false;
                do {
                    long chunk = Math.min(left, SLICE);
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
                    interrupted = stop == StopKind.BUDGET && ctrlC.requested();
                } while (stop == StopKind.BUDGET && left > 0 && !interrupted);
                if (reported && !interrupted) {
                    err.println("levitate run: done");
                }
            }
            long ns = System.nanoTime() - start;
            long cpuNs = threads.getCurrentThreadCpuTime() - cpuStart;
            parent.out().flush();
            Cpu cpu = m.cpu();
            if (interrupted) {
                err.printf("levitate run: interrupted (Ctrl-C) after %,d instructions at %s%n", cpu.instructions(), where(elf, cpu.pc()));
            }
            if (stats || interrupted) {
                printStats(err, cpu, ns, cpuNs);
            }
            if (tlb) {
                printTlb(err, cpu.mmu());
            }
            err.flush();
            if (interrupted) {
                return INTERRUPTED;
            }
        }
        Cpu cpu = m.cpu();
        String where = where(elf, cpu.stopPc());
        switch (stop) {
            case EXIT:
                return (int) cpu.stopValue();
            case POWER_OFF:
                if (m.powerRequest() == PowerRequest.SYSTEM_RESET) {
                    err.println("levitate run: the guest asked for a system reset (PSCI SYSTEM_RESET); the run ends there, as QEMU's with -no-reboot");
                }
                return 0;
            case BUDGET:
                err.printf("levitate run: stopped after %,d instructions (--max-instructions) at %s%n", cpu.instructions(), where);
                return STOPPED;
            case UNDEFINED:
                err.printf("levitate run: undefined or unimplemented instruction 0x%08x at %s%n", cpu.stopWord(), where);
                return STOPPED;
            case ABORT:
                // with the MMU off an external abort (outside RAM, flash and devices, or a write to
                // flash); with it on, also a translation, access-flag or permission fault: the
                // syndrome says which
                err.printf("levitate run: abort at 0x%x with no vector table to take it to (%s), %s%n", cpu.stopValue(),
                        dev.levitate.sim.cpu.Esr.describe(cpu.stopSyndrome()), where);
                return STOPPED;
            case WAIT:
                if (m.powerRequest() == PowerRequest.CPU_OFF) {
                    err.printf("levitate run: the guest turned its only core off (PSCI CPU_OFF) at %s: nothing is left to run%n", where);
                    return STOPPED;
                }
                err.printf("levitate run: stopped: %s (value 0x%x) at %s%n", stop, cpu.stopValue(), where);
                return STOPPED;
            default:
                err.printf("levitate run: stopped: %s (value 0x%x) at %s%n", stop, cpu.stopValue(), where);
                return STOPPED;
        }
    }

    /** "pc=0x40080004 &lt;_start+0x4&gt;", the symbol's control characters escaped. */
    private static String where(ElfImage elf, long pc) {
        String sym = elf.symbolize(pc);
        return String.format("pc=0x%x%s", pc, sym == null ? "" : " <" + Printable.escape(sym) + ">");
    }

    /** The statistics line: instructions, tiers, time, MIPS, cycles, exceptions, TLB. */
    private void printStats(PrintStream err, Cpu cpu, long ns, long cpuNs) {
        // the thread's CPU time too: on a shared machine the wall clock also counts other processes
        err.printf("levitate run: %,d instructions (%.1f%% in the fast tier, %.1f%% in %,d compiled blocks) in %.3f s: %.1f MIPS"
                + " (%.1f per CPU second of the simulating thread); %,d simulated cycles (%s timing, IPC %.2f), %,d exceptions, TLB: %s%n",
                cpu.instructions(), cpu.instructions() == 0 ? 0.0 : 100.0 * cpu.fastTierInstructions() / cpu.instructions(),
                cpu.instructions() == 0 ? 0.0 : 100.0 * cpu.compiledInstructions() / cpu.instructions(), cpu.compiledBlocks(),
                ns / 1e9, cpu.instructions() / (ns / 1e3),
                cpuNs <= 0 ? 0.0 : cpu.instructions() / (cpuNs / 1e3), cpu.cycles(), timing,
                cpu.cycles() == 0 ? 0.0 : cpu.instructions() / (double) cpu.cycles(), cpu.exceptionsTaken(), cpu.mmu().stats());
    }

    /** The TLB's valid entries, each compared with the tables ({@link TlbReport}), and the walk cache. */
    private static void printTlb(PrintStream err, Mmu mmu) {
        TlbReport.lines(mmu, "levitate run: ").forEach(err::println);
    }

    private static void write(OutputStream out, int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
