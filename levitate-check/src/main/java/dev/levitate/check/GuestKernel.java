package dev.levitate.check;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.CpuConfig;
import dev.levitate.sim.cpu.Esr;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.a64.Disassembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A kernel's ELF image on a simulated {@link Machine}, whose functions the host calls by symbol
 * with the AAPCS64 procedure call standard: arguments in x0–x7, the result in x0, the return
 * address in x30. The return address is a trap ({@link #RETURN_TRAP}, a debugger breakpoint on an
 * address in a hole of the memory map), so a function's {@code RET} stops the machine and the call
 * returns. Each call is bounded by an instruction budget and checked:
 * <ul>
 *   <li>an exception (abort, UNDEFINED, BRK, SVC, alignment) becomes a {@link GuestFaultException}
 *       with the ESR decoded, the PC, its symbol and the instruction disassembled — while a call
 *       runs, VBAR_EL1 points at a hole ({@link #TRAP_VECTORS}), so the guest's own vectors are
 *       never entered;</li>
 *   <li>running out of the budget becomes a {@link GuestBudgetException} with the PC and symbol;</li>
 *   <li>a return with SP, x29 or a callee-saved register x19–x28 changed becomes a
 *       {@link GuestCallConventionException} (AAPCS64 §6.1.1: those are preserved by the callee).</li>
 * </ul>
 * Functions can be serviced by the host instead ({@link #hook}): their first instruction becomes a
 * {@code BRK}, and the host computes x0 and returns to x30 — how the kernel's frame allocator is
 * routed to the testkit's tracking allocator.
 *
 * <p>Set-up: {@link #runTo(String, long)} runs the image from its entry point (its boot code, with
 * its own vectors) to a symbol; after it, calls run on the stack the boot code set up. Without
 * it, calls run on {@link #stackTop(long)}.
 *
 * <p>Not thread-safe: a kernel and its machine belong to one thread.
 */
public final class GuestKernel {
    /** The return address every call puts in x30: a hole in QEMU virt's memory map (no code can be there). */
    public static final long RETURN_TRAP = 0x0900_3000L;
    /** What VBAR_EL1 holds while a call runs: a hole, so every exception stops the machine with its syndrome. */
    public static final long TRAP_VECTORS = 0x0900_1000L;
    /** The default instruction budget of one call. */
    public static final long DEFAULT_BUDGET = 2_000_000;
    /** The first BRK immediate used for host-serviced functions ({@link #hook}). */
    static final int HOOK_BRK_BASE = 0x4C00;
    private static final int MAX_HOOKS = 256;
    private static final int CONSOLE_LIMIT = 64 * 1024;

    private final Machine machine;
    private final Cpu cpu;
    private final ElfImage image;
    private final Map<String, Long> symbols = new HashMap<>();
    private final List<HostFunction> hooks = new ArrayList<>();
    private final List<Long> hookAddresses = new ArrayList<>();
    private final StringBuilder console = new StringBuilder();
    private final long[] saved = new long[11];
    private final GuestTrace trace = new GuestTrace();
    private long stackTop;
    private long budget = DEFAULT_BUDGET;
    private long calls;
    private String current = "";

    private GuestKernel(ElfImage image, PhysicalMemory ram, CpuConfig config) {
        this.image = Objects.requireNonNull(image, "image");
        this.machine = new Machine(ram, config, this::consoleByte, this::consoleByte, this::consoleByte);
        this.cpu = machine.cpu();
        image.symbols().forEach((address, name) -> symbols.putIfAbsent(name, address));
        machine.loadElf(image);
        long end = ram.regions().get(0).base() + ram.regions().get(0).size();
        this.stackTop = end & ~15L;
    }

    /**
     * Loads a kernel ELF into a new machine over {@code ram} (which must start at
     * {@link Machine#RAM_BASE}, as QEMU virt's RAM), PC at its entry point, EL1h, MMU off.
     *
     * @param image the parsed ELF, with its symbol table
     * @param ram the machine's RAM (the testkit's models watch it)
     * @return the kernel
     * @throws IllegalArgumentException if the RAM does not start at RAM_BASE
     * @throws dev.levitate.sim.elf.ElfFormatException if a segment lies outside RAM and flash
     */
    public static GuestKernel load(ElfImage image, PhysicalMemory ram) {
        return new GuestKernel(image, ram, CpuConfig.defaults());
    }

    /**
     * Parses and loads a kernel ELF file into a new machine with {@code ramBytes} of RAM at
     * {@link Machine#RAM_BASE}.
     *
     * @param elf the ELF file's bytes
     * @param ramBytes the RAM size, a multiple of 4 KiB
     * @return the kernel
     * @throws dev.levitate.sim.elf.ElfFormatException if the file is malformed or does not fit
     */
    public static GuestKernel load(byte[] elf, long ramBytes) {
        return load(ElfImage.parse(elf), PhysicalMemory.of(Machine.RAM_BASE, ramBytes));
    }

    private void consoleByte(int b) {
        if (console.length() < CONSOLE_LIMIT) {
            console.append((char) (b & 0xFF));
        }
    }

    /**
     * Returns the machine the kernel runs on.
     *
     * @return the machine
     */
    public Machine machine() {
        return machine;
    }

    /**
     * Returns the loaded image.
     *
     * @return the ELF image
     */
    public ElfImage image() {
        return image;
    }

    /**
     * Returns what the guest wrote to the UART and through semihosting (the first 64 KiB).
     *
     * @return the text
     */
    public String console() {
        return console.toString();
    }

    /**
     * Returns the address of a symbol.
     *
     * @param name the symbol
     * @return its address (a VA)
     * @throws UnknownSymbolException if the ELF has no such symbol
     */
    public long symbol(String name) {
        Long a = symbols.get(Objects.requireNonNull(name, "name"));
        if (a == null) {
            throw new UnknownSymbolException(name, "the kernel ELF (" + symbols.size() + " symbols)");
        }
        return a;
    }

    /**
     * Tells whether the ELF has a symbol.
     *
     * @param name the symbol
     * @return true if it does
     */
    public boolean hasSymbol(String name) {
        return symbols.containsKey(name);
    }

    /**
     * Names an address as {@code symbol+0xoffset}, or hex when no symbol precedes it.
     *
     * @param address a VA
     * @return the text
     */
    public String symbolize(long address) {
        String s = image.symbolize(address);
        return s == null ? "0x" + Long.toHexString(address) : s + " (0x" + Long.toHexString(address) + ")";
    }

    /**
     * Sets the SP calls start with; 0 keeps the SP the guest has (after {@link #runTo}, its boot
     * stack). The default is the top of RAM.
     *
     * @param sp the stack top, 16-byte aligned (AAPCS64 §6.2.2), or 0
     * @return this kernel
     * @throws IllegalArgumentException if it is not 16-byte aligned
     */
    public GuestKernel stackTop(long sp) {
        if ((sp & 15) != 0) {
            throw new IllegalArgumentException("SP must be 16-byte aligned at a call (AAPCS64), got 0x" + Long.toHexString(sp));
        }
        this.stackTop = sp;
        return this;
    }

    /**
     * Sets the instruction budget of each call (host-serviced functions do not count).
     *
     * @param instructions at least 1
     * @return this kernel
     * @throws IllegalArgumentException if it is not positive
     */
    public GuestKernel budget(long instructions) {
        if (instructions < 1) {
            throw new IllegalArgumentException("a call needs a budget of at least one instruction, got " + instructions);
        }
        this.budget = instructions;
        return this;
    }

    /**
     * Returns the record of the current (or last) call's descriptor stores, TLBIs and DSBs, as
     * {@link GuestPageTable} and {@link KernelCheck} feed it.
     *
     * @return the trace
     */
    public GuestTrace trace() {
        return trace;
    }

    /**
     * Returns how many calls were made.
     *
     * @return the count
     */
    public long calls() {
        return calls;
    }

    /**
     * Runs the image from where it is (its entry point, after loading) until the PC reaches a
     * symbol, with the guest's own vectors: the boot code sets up its stack, MMU and tables. After
     * it, calls keep the guest's SP ({@link #stackTop(long)} is set to 0).
     *
     * @param symbol where to stop
     * @param maxInstructions the budget
     * @throws UnknownSymbolException if there is no such symbol
     * @throws GuestCallException if the machine stopped for another reason first
     */
    public void runTo(String symbol, long maxInstructions) {
        long target = symbol(symbol);
        current = "boot to " + symbol;
        cpu.setBreakpoint(target);
        try {
            long start = cpu.instructions();
            StopKind k = machine.run(maxInstructions);
            if (k == StopKind.DEBUG_BREAK && cpu.pc() == target) {
                stackTop = 0;
                return;
            }
            throw stopped(k, start, maxInstructions);
        } finally {
            cpu.setBreakpoint(-1);
        }
    }

    /**
     * Makes a guest function host-serviced: its first instruction is replaced by {@code BRK}, and
     * when a call reaches it the host runs {@code f}, puts its result in x0 and returns to x30.
     *
     * @param symbol the function
     * @param f what the host does instead
     * @throws UnknownSymbolException if there is no such symbol
     * @throws IllegalStateException if the function's first instruction is not in RAM or flash
     */
    public void hook(String symbol, HostFunction f) {
        Objects.requireNonNull(f, "f");
        long va = symbol(symbol);
        int i = hookAddresses.indexOf(va);
        if (i >= 0) {
            hooks.set(i, f);
            return;
        }
        if (hooks.size() == MAX_HOOKS) {
            throw new IllegalStateException("at most " + MAX_HOOKS + " host-serviced functions");
        }
        long pa = physical(va);
        PhysicalMemory where = machine.ram().contains(pa, 4) ? machine.ram() : machine.flash().contains(pa, 4) ? machine.flash() : null;
        if (where == null) {
            throw new IllegalStateException("cannot hook " + symbolize(va) + ": its PA 0x" + Long.toHexString(pa) + " is not in RAM or flash");
        }
        where.write32(pa, 0xD420_0000 | (HOOK_BRK_BASE + hooks.size()) << 5); // BRK #imm16 (C6.2.38)
        hooks.add(f);
        hookAddresses.add(va);
    }

    /** The PA a VA has now: through the guest's tables when its MMU is on, else the same. */
    private long physical(long va) {
        if (!cpu.mmu().enabled()) {
            return va;
        }
        var w = cpu.mmu().walkTables(va);
        return w.faulted() ? -1 : w.pa() | (va & 0xFFF);
    }

    /**
     * Calls a guest function by symbol (AAPCS64: up to 8 integer arguments in x0–x7, result in x0).
     *
     * @param symbol the function
     * @param args its arguments
     * @return x0 when it returned
     * @throws UnknownSymbolException if there is no such symbol
     * @throws GuestFaultException if it took an exception
     * @throws GuestBudgetException if it did not return within the budget
     * @throws GuestCallConventionException if it returned with SP, x29 or x19–x28 changed
     * @throws IllegalArgumentException for more than 8 arguments
     */
    public long call(String symbol, long... args) {
        return callAt(symbol, symbol(symbol), args);
    }

    /**
     * Calls a guest function by address; see {@link #call(String, long...)}.
     *
     * @param name the name used in reports
     * @param entry the function's address
     * @param args its arguments, at most 8
     * @return x0 when it returned
     * @throws GuestCallException if the call faulted, hung or broke the calling convention
     * @throws IllegalArgumentException for more than 8 arguments
     */
    public long callAt(String name, long entry, long... args) {
        if (args.length > 8) {
            throw new IllegalArgumentException(name + ": AAPCS64 passes at most 8 integer arguments in registers, got " + args.length);
        }
        calls++;
        current = name;
        if (stackTop != 0) {
            cpu.setReg(Cpu.SP, stackTop);
        }
        long sp = cpu.reg(Cpu.SP);
        for (int i = 0; i < saved.length; i++) {
            saved[i] = cpu.reg(19 + i);
        }
        for (int i = 0; i < 8; i++) {
            cpu.setReg(i, i < args.length ? args[i] : 0);
        }
        cpu.setReg(30, RETURN_TRAP);
        cpu.setPc(entry);
        long vbar = cpu.systemRegister(SystemRegister.VBAR_EL1);
        cpu.setSystemRegister(SystemRegister.VBAR_EL1, TRAP_VECTORS);
        cpu.setBreakpoint(RETURN_TRAP);
        long start = cpu.instructions();
        try {
            while (true) {
                long left = budget - (cpu.instructions() - start);
                StopKind k = left > 0 ? machine.run(left) : StopKind.BUDGET;
                if (k == StopKind.DEBUG_BREAK && cpu.pc() == RETURN_TRAP) {
                    checkPreserved(sp);
                    return cpu.reg(0);
                }
                if (k == StopKind.BREAKPOINT && serviceHook()) {
                    if (cpu.pc() == RETURN_TRAP) { // a run never stops before its first instruction
                        checkPreserved(sp);
                        return cpu.reg(0);
                    }
                    continue;
                }
                throw stopped(k, start, budget);
            }
        } finally {
            cpu.setBreakpoint(-1);
            cpu.setSystemRegister(SystemRegister.VBAR_EL1, vbar);
        }
    }

    /** A BRK at a hooked function's entry: run the host function, return to x30. */
    private boolean serviceHook() {
        int i = (int) (cpu.stopSyndrome() & 0xFFFF) - HOOK_BRK_BASE;
        if (Esr.ec(cpu.stopSyndrome()) != Esr.EC_BRK || i < 0 || i >= hooks.size() || hookAddresses.get(i) != cpu.pc()) {
            return false;
        }
        long result = hooks.get(i).call(cpu);
        cpu.setReg(0, result);
        cpu.setPc(cpu.reg(30));
        return true;
    }

    private void checkPreserved(long sp) {
        if (cpu.reg(Cpu.SP) != sp) {
            throw new GuestCallConventionException(String.format("%s returned with SP 0x%x, called with SP 0x%x (AAPCS64: SP is preserved)",
                    current, cpu.reg(Cpu.SP), sp), cpu.pc());
        }
        for (int i = 0; i < saved.length; i++) {
            if (cpu.reg(19 + i) != saved[i]) {
                throw new GuestCallConventionException(String.format(
                        "%s returned with x%d = 0x%x, called with 0x%x (AAPCS64: x19-x29 are callee-saved)",
                        current, 19 + i, cpu.reg(19 + i), saved[i]), cpu.pc());
            }
        }
    }

    private GuestCallException stopped(StopKind k, long start, long limit) {
        long pc = cpu.stopPc() != 0 || k == StopKind.BUDGET ? (k == StopKind.BUDGET ? cpu.pc() : cpu.stopPc()) : cpu.pc();
        String where = " at " + symbolize(pc) + instructionAt(pc);
        if (k == StopKind.BUDGET) {
            return new GuestBudgetException(String.format("%s did not return within %d instructions (a hang?); PC%s, x30 = %s",
                    current, limit, where, symbolize(cpu.reg(30))), pc);
        }
        long esr = cpu.stopSyndrome();
        String outside = image.symbolize(pc) == null ? " (outside the image: a return to the wrong place?)" : "";
        if (k == StopKind.EXIT || k == StopKind.POWER_OFF || k == StopKind.WAIT) {
            return new GuestCallConventionException(String.format("%s stopped the machine (%s, value %d) instead of returning%s",
                    current, k, cpu.stopValue(), where), pc);
        }
        return new GuestFaultException(String.format("%s faulted: %s%s; %s, FAR/value 0x%x; x30 = %s%s, %d instructions into the call",
                current, k, where, esr == 0 ? "no syndrome" : Esr.describe(esr), cpu.stopValue(), symbolize(cpu.reg(30)), outside,
                cpu.instructions() - start), pc, esr, cpu.stopValue());
    }

    /** The instruction at a VA, disassembled, or empty if it cannot be read. */
    String instructionAt(long va) {
        try {
            long pa = physical(va);
            PhysicalMemory m = machine.ram().contains(pa, 4) ? machine.ram() : machine.flash().contains(pa, 4) ? machine.flash() : null;
            return m == null ? "" : ": " + Disassembler.disassemble(m.read32(pa), va);
        } catch (RuntimeException e) {
            return "";
        }
    }
}
