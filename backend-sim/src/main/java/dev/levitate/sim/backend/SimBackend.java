package dev.levitate.sim.backend;

import dev.levitate.core.LevitateException;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.ContextId;
import dev.levitate.core.spi.ContextSpec;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.ExceptionLevel;
import dev.levitate.core.spi.SavedContextLayout;
import dev.levitate.core.spi.StopReason;
import dev.levitate.core.spi.UnknownContextException;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.CpuConfig;
import dev.levitate.sim.cpu.Esr;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.SystemOperation;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import dev.levitate.sim.mmu.Mmu;
import dev.levitate.sim.timer.GenericTimer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The {@link CpuBackend} over the simulated machine: contexts switch in real guest code (see
 * {@link GuestRuntime}), preemption is the generic timer's interrupt through the GIC, and a stop
 * is an exception the guest's vectors took.
 *
 * <h2>How {@link #resume} maps what happened</h2>
 * <pre>
 *   IRQ (vector +0x280 / +0x480)          PREEMPTED (the quantum's timer, or another interrupt)
 *   SVC #1                                YIELDED
 *   SVC #2                                EXITED, code = x0 (also: an EL1 context's entry function returned)
 *   SVC #0                                SYSCALL, number = x8, arguments x0..x5 (readRegister)
 *   any other synchronous exception       FAULTED with ESR, FAR and the PC (ELR)
 *   instruction budget spent              BUDGET_EXHAUSTED (the context can be resumed)
 *   a fault pushing the exception frame   FAULTED (kernel stack overflow into the guard page)
 *   machine stop (power off, no vectors)  HALTED (that context cannot be resumed; the others can)
 * </pre>
 * After any stop, the next {@code resume} puts the core back in the scheduler loop's state (EL1h,
 * interrupts masked) before it switches, so a context that stopped the machine from EL0 leaves
 * the core usable for the others.
 * Kernel addresses are VAs when {@link #setKernelTranslation} has been called (the MMU is then on
 * with the kernel's TTBR1), else physical with the MMU off.
 *
 * <p>Not thread-safe: a backend belongs to the thread that runs its kernel.
 */
public final class SimBackend implements CpuBackend {
    /** The name it is found by. */
    public static final String NAME = "sim";
    /** Instructions one resume may run at most when no quantum bounds it. */
    public static final long DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000L;

    private final PhysicalMemory memory;
    private final Machine machine;
    private final Cpu cpu;
    private final long runtimePa;
    private final long maxInstructions;
    private final Map<Long, Context> contexts = new LinkedHashMap<>();
    private long nextId = 1;
    private long linearOffset;
    private GuestRuntime runtime;
    private final StringBuilder console = new StringBuilder();
    private IntConsumer consoleSink;

    private static final class Context {
        final ContextId id;
        final ContextSpec spec;
        final long tcbVa;
        long frameVa;
        boolean exited;

        Context(ContextId id, ContextSpec spec, long tcbVa) {
            this.id = id;
            this.spec = spec;
            this.tcbVa = tcbVa;
        }
    }

    /**
     * Creates a backend over the kernel's memory. Options: {@code sim.coreHz} (default 1 GHz),
     * {@code sim.maxInstructions} (per resume without a quantum), {@code sim.semihosting}
     * ({@code true}, the default, or {@code false}: whether {@code HLT #0xF000} at EL1 is an Arm
     * semihosting call, {@link CpuConfig#withSemihosting}; at EL0 it is an undefined instruction,
     * reported as a fault of the context, either way).
     *
     * @param config the memory (its first region must be QEMU virt's RAM at 0x4000_0000) and options
     * @throws IllegalArgumentException if the memory is not shaped like virt's RAM or an option is malformed
     */
    public SimBackend(BackendConfig config) {
        this.memory = config.memory();
        long coreHz = Long.parseLong(config.option("sim.coreHz", "1000000000"));
        this.maxInstructions = Long.parseLong(config.option("sim.maxInstructions", Long.toString(DEFAULT_MAX_INSTRUCTIONS)));
        String semihosting = config.option("sim.semihosting", "true");
        if (!semihosting.equals("true") && !semihosting.equals("false")) {
            throw new IllegalArgumentException("option sim.semihosting must be true or false, got '" + semihosting + "'");
        }
        this.machine = new Machine(memory, CpuConfig.defaults().withCoreHz(coreHz).withSemihosting(Boolean.parseBoolean(semihosting)),
                this::consoleByte, this::consoleByte, this::consoleByte);
        this.cpu = machine.cpu();
        this.runtimePa = Machine.RAM_BASE;
        install(0);
    }

    private void consoleByte(int b) {
        console.append((char) b);
        if (consoleSink != null) {
            consoleSink.accept(b);
        }
    }

    /**
     * Sends what guest code writes to the UART (and semihosting) to a sink as well as to
     * {@link #consoleOutput()}.
     *
     * @param sink the sink, or null
     */
    public void setConsoleSink(IntConsumer sink) {
        this.consoleSink = sink;
    }

    /**
     * Returns everything the guest printed so far.
     *
     * @return the text
     */
    public String consoleOutput() {
        return console.toString();
    }

    /**
     * Returns the simulated machine (for statistics, TLB contents and traces).
     *
     * @return the machine
     */
    public Machine machine() {
        return machine;
    }

    private void install(long offset) {
        this.linearOffset = offset;
        this.runtime = new GuestRuntime(runtimePa + offset, offset);
        memory.zero(runtimePa, GuestRuntime.SIZE);
        memory.write(runtimePa + GuestRuntime.VECTORS, runtime.code, 0, runtime.code.length); // vectors, then the code at +0x800
        // boot: vectors and GIC, on the scheduler stack, then stop at to_host
        cpu.setReg(31, runtimePa + offset + GuestRuntime.SCHED_STACK_TOP);
        cpu.setPc(runtime.boot);
        cpu.setBreakpoint(runtime.toHost);
        StopKind k = machine.run(10_000);
        if (k != StopKind.DEBUG_BREAK) {
            throw new IllegalStateException("the guest runtime did not boot: " + k + " at " + LevitateException.hex(cpu.stopPc()));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<long[]> reservedMemory() {
        return List.of(new long[] {runtimePa, GuestRuntime.SIZE});
    }

    /**
     * {@inheritDoc}
     *
     * <p>Turns the MMU on with TTBR1 = {@code ttbr1Root}, T0SZ = T1SZ = 16 (48-bit halves), 4 KiB
     * granules, {@link #MAIR}, 16-bit ASIDs from TTBR0. The kernel's map must cover RAM and QEMU virt's GIC and UART at PA + offset.
     */
    @Override
    public void setKernelTranslation(long ttbr1Root, long linearMapOffset) {
        if (!contexts.isEmpty()) {
            throw new IllegalStateException("set the kernel translation before creating contexts (" + contexts.size() + " exist)");
        }
        long tcr = 16L | 16L << 16 | 2L << 30 | 2L << 32 | 1L << 36 | 1L << 8 | 1L << 10 | 3L << 12 | 1L << 24 | 1L << 26 | 3L << 28;
        cpu.setSystemRegister(SystemRegister.MAIR_EL1, MAIR);
        cpu.setSystemRegister(SystemRegister.TCR_EL1, tcr);
        cpu.setSystemRegister(SystemRegister.TTBR1_EL1, ttbr1Root);
        cpu.setSystemRegister(SystemRegister.TTBR0_EL1, runtimePa + GuestRuntime.EMPTY_TABLE);
        cpu.setSystemRegister(SystemRegister.SCTLR_EL1, cpu.systemRegister(SystemRegister.SCTLR_EL1) | 1 | 1 << 2 | 1 << 12);
        install(linearMapOffset);
    }

    /**
     * MAIR_EL1 as the kernel's descriptors index it (levitate-mmu's MemoryType): 0 Normal write-back,
     * 1 Device-nGnRE, 2 Normal non-cacheable, 3 Device-nGnRnE.
     */
    public static final long MAIR = 0x00_44_04_FFL;

    /** A kernel VA's physical address, as the MMU translates it at EL1 (or the VA itself with the MMU off). */
    private long pa(long va) {
        if (!cpu.mmu().enabled()) {
            return va;
        }
        long pa = cpu.mmu().translate(va, Mmu.READ, 1);
        if (pa == Mmu.FAULT) {
            throw new IllegalArgumentException("kernel VA " + LevitateException.hex(va) + " is not mapped ("
                    + Esr.faultName(cpu.mmu().faultStatus()) + ")");
        }
        return pa;
    }

    private long read64(long va) {
        return memory.read64(pa(va));
    }

    private void write64(long va, long value) {
        memory.write64(pa(va), value);
    }

    @Override
    public ContextId createContext(ContextSpec spec) {
        long tcbVa = spec.stackTop() - GuestRuntime.TCB_SIZE;
        for (long probe = tcbVa - 512; probe < spec.stackTop(); probe += 8) {
            long p;
            try {
                p = pa(probe);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("context '" + spec.name() + "': kernel stack top " + LevitateException.hex(spec.stackTop())
                        + " has no mapped stack below it: " + e.getMessage(), e);
            }
            if (!memory.contains(p, 8)) {
                throw new IllegalArgumentException("context '" + spec.name() + "': kernel stack top " + LevitateException.hex(spec.stackTop())
                        + " is not in RAM (PA " + LevitateException.hex(p) + ")");
            }
        }
        for (int off = 0; off < GuestRuntime.TCB_SIZE; off += 8) {
            write64(tcbVa + off, 0);
        }
        write64(tcbVa + SavedContextLayout.offsetOfX(19), spec.entry());
        write64(tcbVa + SavedContextLayout.offsetOfX(20), spec.argument());
        write64(tcbVa + SavedContextLayout.offsetOfX(21), spec.userStackTop());
        write64(tcbVa + SavedContextLayout.LR, spec.level() == ExceptionLevel.EL0 ? runtime.entryEl0 : runtime.entryEl1);
        write64(tcbVa + SavedContextLayout.SP, tcbVa);
        long ttbr0 = spec.translationRoot() == 0 ? runtimePa + GuestRuntime.EMPTY_TABLE : spec.translationRoot() | (long) spec.asid() << 48;
        write64(tcbVa + GuestRuntime.TCB_TTBR0, ttbr0);
        ContextId id = new ContextId(NAME, nextId++);
        contexts.put(id.value(), new Context(id, spec, tcbVa));
        return id;
    }

    private Context get(ContextId id) {
        Context c = id == null || !NAME.equals(id.backendName()) ? null : contexts.get(id.value());
        if (c == null) {
            throw new UnknownContextException(NAME, id);
        }
        return c;
    }

    @Override
    public StopReason resume(ContextId id, long quantumCycles) {
        Context c = get(id);
        if (c.exited) {
            throw new IllegalStateException("context " + id + " ('" + c.spec.name() + "') has exited; it cannot be resumed");
        }
        if (quantumCycles <= 0) {
            throw new IllegalArgumentException("quantum must be positive, got " + quantumCycles + " cycles");
        }
        long mailbox = runtimePa + GuestRuntime.MAILBOX;
        memory.write64(mailbox + GuestRuntime.MB_NEXT, c.tcbVa);
        GenericTimer timer = cpu.timer();
        long cval = quantumCycles == Long.MAX_VALUE ? 0 : Math.max(1, timer.count(Math.addExact(cpu.cycles(), quantumCycles)));
        memory.write64(mailbox + GuestRuntime.MB_CVAL, cval);
        // the scheduler loop runs at EL1h with interrupts masked; a machine stop in the middle of a
        // context (a semihosting exit at EL0, say) left the core wherever that context was
        cpu.enterEl1hMasked();
        cpu.setPc(runtime.toHost);
        cpu.setBreakpoint(runtime.toHost);
        cpu.setReg(31, runtime.base + GuestRuntime.SCHED_STACK_TOP); // the scheduler loop keeps nothing on its stack between trips
        long budget = quantumCycles == Long.MAX_VALUE ? maxInstructions : Math.min(maxInstructions, quantumCycles + 100_000);
        StopKind k = machine.run(budget);
        if (k == StopKind.BUDGET) {
            return StopReason.budgetExhausted(cpu.pc());
        }
        if (k == StopKind.RECURSIVE_FAULT) {
            c.exited = true;
            return StopReason.faulted(cpu.stopPc(), cpu.stopSyndrome(), cpu.stopValue(),
                    "kernel stack overflow: the exception vector could not push its frame (" + Esr.describe(cpu.stopSyndrome())
                    + ", FAR " + LevitateException.hex(cpu.stopValue()) + ")");
        }
        if (k != StopKind.DEBUG_BREAK) {
            c.exited = true;
            return StopReason.halted(cpu.stopPc(), cpu.stopValue(), "the machine stopped: " + k
                    + (cpu.stopSyndrome() != 0 ? " (" + Esr.describe(cpu.stopSyndrome()) + ")" : ""));
        }
        long kind = memory.read64(mailbox + GuestRuntime.MB_KIND);
        long esr = memory.read64(mailbox + GuestRuntime.MB_ESR);
        long far = memory.read64(mailbox + GuestRuntime.MB_FAR);
        c.frameVa = memory.read64(mailbox + GuestRuntime.MB_FRAME);
        long elr = frame(c, GuestRuntime.FRAME_ELR);
        int offset = (int) kind & 0x780;
        boolean fromEl0 = offset >= 0x400;
        int vectorKind = (int) kind & 0x180;
        if (vectorKind == 0x080 && (offset == 0x280 || offset == 0x480)) {
            long irq = memory.read64(mailbox + GuestRuntime.MB_IRQ) & 0x3FF;
            return irq == GenericTimer.PPI_PHYSICAL ? StopReason.preempted(elr)
                    : new StopReason(StopReason.Kind.PREEMPTED, elr, irq, 0, 0, "interrupt " + irq);
        }
        if (vectorKind != 0 || offset < 0x200) {
            c.exited = true;
            return StopReason.faulted(elr, esr, far, "unexpected exception vector +0x" + Integer.toHexString(offset)
                    + (fromEl0 ? " from EL0" : ""));
        }
        if (Esr.ec(esr) == Esr.EC_SVC) {
            int imm = (int) esr & 0xFFFF;
            switch (imm) {
                case GuestRuntime.SVC_YIELD: return StopReason.yielded(elr);
                case GuestRuntime.SVC_EXIT: {
                    c.exited = true;
                    return StopReason.exited(elr, frame(c, 0));
                }
                default: return StopReason.syscall(elr, imm == GuestRuntime.SVC_SYSCALL ? frame(c, 8 * 8) : imm, esr);
            }
        }
        return StopReason.faulted(elr, esr, far, Esr.describe(esr) + (fromEl0 ? " from EL0" : " at EL1")
                + ", FAR " + LevitateException.hex(far));
    }

    private long frame(Context c, int offset) {
        return read64(c.frameVa + offset);
    }

    private static void checkRegister(int register) {
        if (register < 0 || register > 31) {
            throw new IllegalArgumentException("register " + register + " is outside 0..31 (x0..x30, 31 = sp)");
        }
    }

    @Override
    public long readRegister(ContextId id, int register) {
        checkRegister(register);
        Context c = get(id);
        if (c.frameVa == 0) {
            if (register == 0) {
                return c.spec.argument();
            }
            if (register == 31) {
                return c.spec.level() == ExceptionLevel.EL0 ? c.spec.userStackTop() : c.tcbVa;
            }
            return register >= 19 && register <= 30 ? read64(c.tcbVa + SavedContextLayout.offsetOfX(register)) : 0;
        }
        if (register == 31) {
            return c.spec.level() == ExceptionLevel.EL0 ? frame(c, GuestRuntime.FRAME_SP_EL0) : c.frameVa + GuestRuntime.FRAME_SIZE;
        }
        return frame(c, 8 * register);
    }

    @Override
    public void writeRegister(ContextId id, int register, long value) {
        checkRegister(register);
        Context c = get(id);
        if (c.frameVa == 0) {
            throw new IllegalStateException("context " + id + " has not stopped in an exception yet: no frame to write x" + register + " into");
        }
        if (register == 31) {
            if (c.spec.level() != ExceptionLevel.EL0) {
                throw new IllegalArgumentException("the SP of an EL1 context is its kernel stack; it cannot be written");
            }
            write64(c.frameVa + GuestRuntime.FRAME_SP_EL0, value);
            return;
        }
        write64(c.frameVa + 8L * register, value);
    }

    @Override
    public long readSavedContext(ContextId id, int offset) {
        Context c = get(id);
        if (offset < 0 || offset > SavedContextLayout.SP || offset % SavedContextLayout.SLOT != 0) {
            throw new IllegalArgumentException("offset " + offset + " is not a slot of the saved context (0..96, multiples of 8)");
        }
        return read64(c.tcbVa + offset);
    }

    /**
     * Returns the guest virtual address of a context's TCB (its saved context).
     *
     * @param id the context
     * @return the VA
     * @throws UnknownContextException if the context is unknown
     */
    public long tcbAddress(ContextId id) {
        return get(id).tcbVa;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Rewrites the TTBR0 value in the context's TCB, which {@code sched_switch} loads into
     * TTBR0_EL1 when it switches to the context (no TLB maintenance: the kernel's).
     */
    @Override
    public void setTranslation(ContextId id, long translationRoot, int asid) {
        Context c = get(id);
        if (c.spec.translationRoot() == 0) {
            throw new IllegalArgumentException("context " + id + " ('" + c.spec.name() + "') has no translated address space");
        }
        if ((translationRoot & PhysicalMemory.PAGE_MASK) != 0 || translationRoot <= 0) {
            throw new IllegalArgumentException("context " + id + ": TTBR0 table " + LevitateException.hex(translationRoot)
                    + " is not a 4 KiB aligned physical address");
        }
        if (asid < 0 || asid > 0xFFFF) {
            throw new IllegalArgumentException("context " + id + ": ASID " + asid + " is outside 0..65535");
        }
        write64(c.tcbVa + GuestRuntime.TCB_TTBR0, translationRoot | (long) asid << 48);
    }

    @Override
    public void destroyContext(ContextId id) {
        get(id);
        contexts.remove(id.value());
    }

    @Override
    public TlbMaintenance tlb() {
        return new TlbMaintenance() {
            @Override
            public void vae1(long va, int asid) {
                cpu.mmu().tlbi(SystemOperation.TLBI_VAE1IS, operand(va, asid));
            }

            @Override
            public void vale1(long va, int asid) {
                cpu.mmu().tlbi(SystemOperation.TLBI_VALE1IS, operand(va, asid));
            }

            @Override
            public void vaae1(long va) {
                cpu.mmu().tlbi(SystemOperation.TLBI_VAAE1IS, operand(va, 0));
            }

            @Override
            public void vaale1(long va) {
                cpu.mmu().tlbi(SystemOperation.TLBI_VAALE1IS, operand(va, 0));
            }

            @Override
            public void aside1(int asid) {
                cpu.mmu().tlbi(SystemOperation.TLBI_ASIDE1IS, (long) asid << 48);
            }

            @Override
            public void vmalle1() {
                cpu.mmu().tlbi(SystemOperation.TLBI_VMALLE1IS, 0);
            }

            @Override
            public void dsb() {
                // one core, in order: the invalidations above are complete when they return
            }

            private long operand(long va, int asid) {
                return (va >>> 12) & 0xFFF_FFFF_FFFFL | (long) asid << 48;
            }
        };
    }

    @Override
    public long cycles() {
        return cpu.cycles();
    }

    @Override
    public void close() {
        contexts.clear();
    }
}
