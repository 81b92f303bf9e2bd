package dev.levitate.sim.machine;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.Esr;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.Disassembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.mmu.Mmu;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * An instruction trace ({@code levitate run --trace-instructions}): one line per instruction,
 * before it runs, with the exception level and the instruction as fetched through the MMU; and,
 * after an instruction that took an exception, a line with the vector taken and the syndrome
 * decoded.
 *
 * <pre>
 *   EL1 ffff000040100034 &lt;do_svc&gt;              svc #0x42                      pa 0x40100034
 *       -&gt; exception: SVC #0x42 (ESR 0x56000042: EC 0x15, IL 1, imm16 0x42) taken to EL1 at VBAR_EL1 + 0x200
 *          (current EL with SP_ELx, synchronous) = 0xffff000040100a00 &lt;el1h_sync&gt;, ELR 0xffff000040100038
 * </pre>
 * The word is read where the core would fetch it: the fetched VA's translation as the core sees it
 * now ({@link Mmu#translateForDebugger}: the TLB's entry, else the tables; the VA itself with the
 * MMU off), in RAM or the flash window. The {@code pa} column appears only when it differs from the
 * VA. A PC with no translation, or outside RAM and flash, says so instead of a disassembly (the
 * instruction then takes an Instruction Abort, which the next line shows).
 *
 * <p>The trace runs the machine one instruction at a time, so it is only for when it is asked
 * for: a run without it never calls this class. Not thread-safe: it belongs to the machine's
 * thread.
 */
public final class InstructionTrace {
    private final Machine machine;
    private final Cpu cpu;
    private final PhysicalMemory ram;
    private final PhysicalMemory flash;
    private final LongFunction<String> symbols;

    /**
     * Creates a trace of a machine.
     *
     * @param machine the machine to step
     * @param symbols names an address ({@code "name+0x4"}), or returns null
     */
    public InstructionTrace(Machine machine, LongFunction<String> symbols) {
        this.machine = Objects.requireNonNull(machine, "machine");
        this.cpu = machine.cpu();
        this.ram = machine.ram();
        this.flash = machine.flash();
        this.symbols = Objects.requireNonNull(symbols, "symbols");
    }

    /**
     * Prints the instruction at the PC, runs it, and prints the exception it took, if any.
     *
     * @param out where the lines go
     * @return why the one-instruction run stopped ({@link StopKind#BUDGET} when it simply ran)
     */
    public StopKind step(PrintStream out) {
        out.println(describeNext());
        long exceptions = cpu.exceptionsTaken();
        long pc = cpu.pc();
        StopKind stop = machine.run(1);
        if (cpu.exceptionsTaken() != exceptions) {
            out.println(describeException(pc));
        }
        return stop;
    }

    /**
     * Describes the instruction the core runs next: EL, VA, symbol, disassembly, PA.
     *
     * @return one line
     */
    public String describeNext() {
        long pc = cpu.pc();
        String sym = symbols.apply(pc);
        long pa = cpu.mmu().translateForDebugger(pc);
        String text;
        if (pa == Mmu.FAULT) {
            text = "(no translation for this VA: an instruction abort follows)";
        } else if (ram.contains(pa, 4)) {
            text = Disassembler.disassemble(ram.read32(pa), pc);
        } else if (flash.contains(pa, 4)) {
            text = Disassembler.disassemble(flash.read32(pa), pc);
        } else {
            text = String.format("(pa 0x%x is neither RAM nor flash: an instruction abort follows)", pa);
        }
        String where = pa != Mmu.FAULT && pa != pc ? String.format("  pa 0x%x", pa) : "";
        return String.format("EL%d %016x %-24s %-30s%s", cpu.exceptionLevel(), pc, sym == null ? "" : "<" + sym + ">", text, where)
                .stripTrailing();
    }

    /** The line for an exception taken by the instruction at {@code from}: cause, vector, return address. */
    private String describeException(long from) {
        long vbar = cpu.systemRegister(SystemRegister.VBAR_EL1);
        long offset = cpu.pc() - vbar;
        boolean irq = (offset & 0x180) == 0x80;
        String cause;
        if (irq) {
            cause = "IRQ";
        } else {
            long esr = cpu.systemRegister(SystemRegister.ESR_EL1);
            cause = syndrome(esr);
            int ec = Esr.ec(esr);
            if (ec == Esr.EC_DABT_LOWER || ec == Esr.EC_DABT_SAME || ec == Esr.EC_IABT_LOWER || ec == Esr.EC_IABT_SAME
                    || ec == Esr.EC_PC_ALIGNMENT) {
                cause += String.format(", FAR 0x%x", cpu.systemRegister(SystemRegister.FAR_EL1));
            }
        }
        String target = symbols.apply(cpu.pc());
        return String.format("    -> exception: %s%n       taken to EL%d at VBAR_EL1 + 0x%03x (%s) = 0x%016x%s, ELR 0x%x, SPSR 0x%x",
                cause, cpu.exceptionLevel(), offset, vectorName(offset), cpu.pc(), target == null ? "" : " <" + target + ">",
                cpu.systemRegister(SystemRegister.ELR_EL1), cpu.systemRegister(SystemRegister.SPSR_EL1));
    }

    /**
     * Names a vector by its offset from VBAR_EL1 (ARM ARM D1.10.2, "Exception vectors").
     *
     * @param offset 0x000..0x780
     * @return for example {@code "lower EL using AArch64, synchronous"}
     */
    static String vectorName(long offset) {
        String from;
        switch ((int) (offset >>> 9) & 3) {
            case 0: from = "current EL with SP_EL0"; break;
            case 1: from = "current EL with SP_ELx"; break;
            case 2: from = "lower EL using AArch64"; break;
            default: from = "lower EL using AArch32"; break;
        }
        String[] kinds = {"synchronous", "IRQ", "FIQ", "SError"};
        return from + ", " + kinds[(int) (offset >>> 7) & 3];
    }

    /**
     * Decodes a syndrome: the exception class by name and the ISS fields that matter for it
     * (ARM ARM D17.2.37, ESR_EL1).
     *
     * <pre>
     *   data abort         DFSC by name, WnR, and with ISV = 1 the access size (SAS), SSE, SRT, SF, AR
     *   instruction abort  IFSC by name
     *   SVC / HVC / BRK    the immediate
     *   system register    Op0, Op1, CRn, CRm, Op2, Rt and the direction (MRS or MSR)
     *   WFI / WFE          which one (TI)
     * </pre>
     *
     * @param esr the ESR_EL1 value
     * @return one line, starting with {@link Esr#describe(long)}
     */
    static String syndrome(long esr) {
        int ec = Esr.ec(esr);
        int iss = (int) esr & 0x1FF_FFFF;
        StringBuilder sb = new StringBuilder(Esr.describe(esr));
        sb.append(String.format(" (EC 0x%02x, IL %d", ec, (esr >>> 25) & 1));
        switch (ec) {
            case Esr.EC_DABT_LOWER:
            case Esr.EC_DABT_SAME:
                sb.append(String.format(", DFSC 0x%02x, WnR %d", iss & 0x3F, (iss >>> 6) & 1));
                if (((iss >>> 24) & 1) != 0) {
                    sb.append(String.format(", ISV 1: %d-byte access, SSE %d, SRT x%d, SF %d, AR %d", 1 << ((iss >>> 22) & 3),
                            (iss >>> 21) & 1, (iss >>> 16) & 31, (iss >>> 15) & 1, (iss >>> 14) & 1));
                }
                break;
            case Esr.EC_IABT_LOWER:
            case Esr.EC_IABT_SAME:
                sb.append(String.format(", IFSC 0x%02x", iss & 0x3F));
                break;
            case Esr.EC_SVC:
            case Esr.EC_HVC:
            case Esr.EC_SMC:
            case Esr.EC_BRK:
                sb.append(String.format(", imm16 0x%x", iss & 0xFFFF));
                break;
            case Esr.EC_SYSREG:
                sb.append(String.format(", %s S%d_%d_C%d_C%d_%d, Rt x%d", (iss & 1) != 0 ? "MRS" : "MSR", (iss >>> 20) & 3,
                        (iss >>> 14) & 7, (iss >>> 10) & 15, (iss >>> 1) & 15, (iss >>> 17) & 7, (iss >>> 5) & 31));
                break;
            case Esr.EC_WFX:
                sb.append((iss & 1) != 0 ? ", WFE" : ", WFI");
                break;
            default:
                if (iss != 0) {
                    sb.append(String.format(", ISS 0x%x", iss));
                }
                break;
        }
        return sb.append(')').toString();
    }
}
