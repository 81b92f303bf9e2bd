package dev.levitate.sim.cpu;

import dev.levitate.a64.A64;
import dev.levitate.a64.BitMasks;
import dev.levitate.a64.Decoder;
import dev.levitate.a64.SystemOperation;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.mmu.Mmu;
import dev.levitate.sim.mmu.Tlb;
import dev.levitate.sim.timer.GenericTimer;

/**
 * The A64 core: registers, PSTATE, the EL0/EL1 exception model, system registers, the MMU and the
 * generic timer, and the execute loop over decoded rows of {@link A64} (ARM ARM C6 for the
 * instructions, D1 "The AArch64 System Level Programmers' Model" for exceptions).
 *
 * <h2>State</h2>
 * <pre>
 *   x[0..30]  general registers; x[31] is the current SP (SP_EL0 or SP_EL1 by PSTATE.EL/SPSel)
 *   pc        program counter
 *   n, z, c, v  the condition flags, one int each (0 or 1)
 *   el, spSel, daif   PSTATE.EL (0 or 1), PSTATE.SP, PSTATE.DAIF (bits [9:6])
 *   cycles    the core's cycle count: the machine's time (the timer counts from it)
 * </pre>
 * 32-bit forms write the low 32 bits and zero the upper half (C1.2.5).
 *
 * <h2>Exceptions</h2>
 * Synchronous exceptions (UNDEFINED, SVC, BRK, aborts, alignment, trapped accesses) and IRQ are
 * taken to EL1 through VBAR_EL1 with ESR_EL1, ELR_EL1, SPSR_EL1 and FAR_EL1 set as the ARM ARM
 * says (D1.10); ERET returns. One deviation, for people: when the vector entry itself cannot be
 * fetched (VBAR_EL1 never set, or unmapped), real hardware would fault forever; the simulator
 * stops instead, with the {@link StopKind} of the original exception, its PC and its syndrome
 * ({@link #stopSyndrome()}).
 *
 * <h2>The loop</h2>
 * {@link #run(long)} fetches through a translated-page cache and the {@link DecodeCache} (decode
 * once per word), executes with one switch over the row, and adds each instruction's cycles. Device
 * events (timer deadlines, GIC changes, unmasking) are checked only when the cycle count passes the
 * next event, so the common path is one compare. No allocation per instruction; guest errors never
 * throw.
 *
 * <h2>Threads</h2>
 * Not thread-safe: a CPU belongs to the thread that runs its machine.
 */
public final class Cpu {
    /** The special register number that means SP or ZR depending on the encoding. */
    public static final int SP = 31;

    /** PSTATE.I in DAIF's layout (bit 7). */
    static final int DAIF_I = 1 << 7;

    private static final A64[] ROWS = A64.values();

    /** x0..x30, then the current SP (31), then {@link MicroOp#ZR} (32, always 0) and {@link MicroOp#SINK} (33). */
    final long[] x = new long[34];
    long pc;
    int n;
    int z;
    int c;
    int v;
    int el = 1;
    int spSel = 1;
    int daif = 0x3C0;
    boolean illegalState;
    /** The banked stack pointer not currently in x[31]. */
    long spEl0;
    long spEl1;
    long cycles;

    private final Bus bus;
    private final DecodeCache cache;
    private final GenericTimer timer;
    private final Mmu mmu;
    final SystemRegisters sys;
    private final CycleModel timing;
    private final boolean detailedTiming;
    /** The cycle model (its pair and misprediction counts, for tests). */
    CycleModel cycleModel() {
        return timing;
    }

    /** Whether the {@link FastLoop} runs at all ({@link CpuConfig#fastTier()}). */
    private final boolean fastTierOn;
    /** Runs the pre-decoded common instructions of a page between the general loop's checks. */
    private final FastLoop fast;
    /** The compiled tier in front of the fast loop ({@link CpuConfig#compileAfter()} above 0), or null. */
    private BlockJit jit;
    /** Cycles per row under {@link CpuConfig.Timing#FIXED}. */
    private static final byte[] FIXED_COST = CycleModel.fixedCosts();
    private SemihostingHandler semihosting;
    private MaintenanceListener maintenance;
    /** Whether HLT #0xF000 at EL1 is a semihosting call ({@link CpuConfig#semihosting()}). */
    private final boolean semihostingOn;
    private InterruptLine interrupts;
    private long instructions;
    /** Instructions retired by the {@link FastLoop} (a subset of {@link #instructions}). */
    long fastRetired;
    private long exceptionsTaken;
    private long idleCycles;
    private StopKind stop = StopKind.NONE;
    private long stopPc;
    private int stopWord;
    private long stopValue;
    private long stopSyndrome;
    private long breakpoint = -1;
    /** More breakpoints (a debugger's), and data watchpoints; checked only when there are any. */
    private final java.util.TreeSet<Long> breakpoints = new java.util.TreeSet<>();
    private final java.util.List<long[]> watchpoints = new java.util.ArrayList<>();
    private boolean debugChecks;
    /** Whether only the general interpreter may run (see {@link #fastTierFor(long)}). */
    private boolean fastBlocked;
    private boolean watching;
    private long watchHit = -1;
    private boolean watchHitWrite;
    /** The exclusive monitor of this single core (B2.9): the address LDXR marked, or -1 (open). */
    private long exclusiveAddress = -1;
    private int exclusiveSize;
    private boolean eventRegister;
    /** The cycle at which device events must next be looked at. */
    long nextEvent;
    /** Whether translation is on (SCTLR_EL1.M), and SP alignment checking at the current EL. */
    private boolean mmuOn;
    private boolean spAlignCheck = true;
    private boolean alignCheck;
    /** The translated fetch page: VA page and PA page; dropped when translations or the EL change. */
    private long fetchVpn = -1;
    private long fetchPaBase;
    /** The bus's storage epoch when the data-page caches were last known good. */
    private long storageEpochSeen = -1;
    /** Set by a memory access that took an exception; the instruction must not complete. */
    private boolean memFault;
    /**
     * The data pages read and written lately, direct-mapped by VA page (16 each): VA page and its RAM
     * backing array, checked for the current EL and access. Cleared whenever a translation may have
     * changed (the MMU tells {@link #translationsChanged()}), the EL changes, a page becomes watched
     * for decoded code, and at the start of a run when the bus's storage epoch moved since the last
     * one (the owner dropped or watched pages in between).
     */
    static final int DATA_PAGES = 16;
    final long[] readVpn = new long[DATA_PAGES];
    final byte[][] readPage = new byte[DATA_PAGES][];
    final long[] writeVpn = new long[DATA_PAGES];
    final byte[][] writePage = new byte[DATA_PAGES][];
    private static final java.lang.invoke.VarHandle LE16 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LE32 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LE64 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Services HLT #0xF000 at EL1 (Arm semihosting, when {@link CpuConfig#semihosting()} is on) and PSCI calls for the machine. */
    public interface SemihostingHandler {
        /**
         * Handles a semihosting call: operation in w0, parameter in x1, result to x0.
         *
         * @param cpu the CPU (read and write x0/x1 through it)
         * @return a stop to take (EXIT, with {@link Cpu#stopWith}), or NONE to continue
         */
        StopKind semihost(Cpu cpu);

        /**
         * Handles HVC/SMC #0 at EL1 (PSCI function id in w0, result to x0).
         *
         * @param cpu the CPU
         * @return POWER_OFF for SYSTEM_OFF and SYSTEM_RESET, WAIT for CPU_OFF of the only core,
         *     NONE when served, or EXCEPTION_CALL if this is not a PSCI conduit (the instruction is
         *     then UNDEFINED, as without EL2/EL3)
         */
        StopKind psci(Cpu cpu);
    }

    /**
     * Told about each TLB maintenance instruction and DSB the guest executes, in program order,
     * after the CPU carried it out: what a checker's model of the TLB needs to judge the guest's
     * TLB maintenance (Arm ARM D8.13: a TLBI is complete only after a DSB). Optional; with none set
     * the cost is one null test per TLBI and barrier.
     */
    public interface MaintenanceListener {
        /**
         * A TLBI was executed at EL1.
         *
         * @param op which TLBI ({@link SystemOperation#isTlbi()})
         * @param operand the Xt operand as the guest passed it: VA[55:12] in bits [43:0], ASID in
         *     [63:48] (C5.5), 0 (xzr) for those with no operand
         */
        void tlbi(SystemOperation op, long operand);

        /**
         * A DSB was executed (any domain and access type; one in-order core, so it completes
         * every earlier TLBI).
         *
         * @param crm the DSB's CRm field (its domain and access types, e.g. 0b1011 for ISH)
         */
        void dsb(int crm);
    }

    /**
     * Sets the listener told about each executed TLBI and DSB.
     *
     * @param listener the listener, or null for none
     */
    public void setMaintenanceListener(MaintenanceListener listener) {
        this.maintenance = listener;
    }

    /** The CPU's view of the interrupt controller and the devices that raise events. */
    public interface InterruptLine {
        /**
         * Brings device outputs up to date at a cycle (the timer's levels into the GIC).
         *
         * @param cycles now
         */
        void sync(long cycles);

        /**
         * Tells whether the IRQ input is asserted.
         *
         * @return true if an interrupt is signalled to the core
         */
        boolean irq();

        /**
         * Returns the next cycle at which a device output may change by itself (a timer deadline).
         *
         * @param cycles now
         * @return the cycle, or {@link Long#MAX_VALUE} for never
         */
        long nextEvent(long cycles);
    }

    /**
     * Creates a CPU on a bus with the default configuration ({@link CpuConfig#defaults()}).
     *
     * @param bus the physical memory it executes from and accesses
     * @param onNewDecodedPage told the address of each page whose instructions get cached, so the
     *     owner can watch it for writes and call {@link #invalidateDecoded(long, int)}
     */
    public Cpu(Bus bus, java.util.function.LongConsumer onNewDecodedPage) {
        this(bus, onNewDecodedPage, CpuConfig.defaults());
    }

    /**
     * Creates a CPU on a bus.
     *
     * @param bus the physical memory it executes from and accesses
     * @param onNewDecodedPage told the address of each page whose instructions get cached
     * @param config TLB geometry, clocks and timing model
     */
    public Cpu(Bus bus, java.util.function.LongConsumer onNewDecodedPage, CpuConfig config) {
        this.bus = bus;
        translationsChanged();
        this.cache = new DecodeCache(page -> {
            java.util.Arrays.fill(writeVpn, -1L); // the page becomes watched: its stores must be observed from now on
            onNewDecodedPage.accept(page);
        });
        this.timer = new GenericTimer(config.counterHz(), config.coreHz());
        this.mmu = new Mmu(new Mmu.TableMemory() {
            @Override
            public long read64(long pa) {
                return bus.read(pa, 8);
            }

            @Override
            public boolean faulted() {
                return bus.faulted();
            }
        }, new Tlb(config.tlbEntries(), config.tlbWays(), config.replacement()), config.walkCacheEntries(), CycleModel.WALK_READ);
        this.mmu.setEpochListener(this::translationsChanged);
        this.sys = new SystemRegisters(this, timer);
        this.timing = new CycleModel(config);
        this.detailedTiming = config.timing() == CpuConfig.Timing.A53;
        this.fast = new FastLoop(this, detailedTiming ? timing : null);
        this.jit = config.compileAfter() > 0 ? new BlockJit(this, fast, config.compileAfter()) : null;
        this.fastTierOn = config.fastTier();
        this.fastBlocked = !fastTierOn;
        this.semihostingOn = config.semihosting();
        regimeChanged();
    }

    /**
     * Sets the semihosting and PSCI handler. Its {@link SemihostingHandler#semihost} is called only
     * for {@code HLT #0xF000} at EL1 and only when {@link CpuConfig#semihosting()} is on; at EL0,
     * or with semihosting off, the instruction is UNDEFINED (EC 0x00), as on QEMU.
     *
     * @param h the handler, or null for none (HLT, HVC and SMC then UNDEFINED)
     */
    public void setSemihosting(SemihostingHandler h) {
        this.semihosting = h;
    }

    /**
     * Connects the interrupt controller.
     *
     * @param line the IRQ input and event source
     */
    public void setInterruptLine(InterruptLine line) {
        this.interrupts = line;
        requestEventCheck();
    }

    /**
     * Drops the decoded instructions that {@code [pa, pa + length)} overlaps (it was written).
     *
     * @param pa the first byte written
     * @param length the number of bytes written, within one page
     */
    public void invalidateDecoded(long pa, int length) {
        cache.invalidate(pa, length);
    }

    /** Makes the loop look at devices and interrupts before the next instruction. */
    public void requestEventCheck() {
        nextEvent = 0;
    }

    /** SCTLR, TCR, TTBRn or MAIR changed: tell the MMU, drop the fetch page. */
    void regimeChanged() {
        mmu.setRegime(sys.sctlr, sys.tcr, sys.ttbr0, sys.ttbr1, sys.mair);
        mmuOn = mmu.enabled();
        levelChanged();
    }

    /** The MMU's translations may have changed (TLBI, fill, regime write): drop what the CPU caches. */
    private void translationsChanged() {
        fetchVpn = -1;
        java.util.Arrays.fill(readVpn, -1L);
        java.util.Arrays.fill(writeVpn, -1L);
    }

    private void levelChanged() {
        levelChanged(0);
    }

    /**
     * The EL, SCTLR or regime changed; {@code retiring} is 1 when the instruction that changed the
     * EL (ERET) retires at the old one, for the PMU's EL filters.
     */
    private void levelChanged(int retiring) {
        sys.pmu.levelChanged(retiring);
        spAlignCheck = ((sys.sctlr >>> (el == 0 ? 4 : 3)) & 1) != 0;
        alignCheck = (sys.sctlr & 2) != 0;
        translationsChanged(); // what was checked for the old EL is not checked for the new one
    }

    boolean irqAsserted() {
        return interrupts != null && interrupts.irq();
    }

    // ------------------------------------------------------------------ registers

    /**
     * Reads x{@code r} (0..30), or the current SP for 31.
     *
     * @param r 0..31
     * @return the value
     */
    public long reg(int r) {
        return x[r];
    }

    /**
     * Writes x{@code r} (0..30), or the current SP for 31.
     *
     * @param r 0..31
     * @param value the value
     */
    public void setReg(int r, long value) {
        x[r] = value;
    }

    /**
     * Returns the PC.
     *
     * @return the program counter
     */
    public long pc() {
        return pc;
    }

    /**
     * Sets the PC.
     *
     * @param value the new PC
     */
    public void setPc(long value) {
        pc = value;
    }

    /**
     * Returns NZCV as bits [31:28].
     *
     * @return the flags
     */
    public int nzcv() {
        return n << 31 | z << 30 | c << 29 | v << 28;
    }

    /**
     * Sets NZCV from bits [31:28].
     *
     * @param bits the flags
     */
    public void setNzcv(int bits) {
        n = bits >>> 31 & 1;
        z = bits >>> 30 & 1;
        c = bits >>> 29 & 1;
        v = bits >>> 28 & 1;
    }

    /**
     * Returns the current exception level.
     *
     * @return 0 or 1
     */
    public int exceptionLevel() {
        return el;
    }

    /**
     * Returns PSTATE as SPSR_EL1 would save it: NZCV, DAIF, IL, and M[3:0] (EL0t 0, EL1t 4, EL1h 5).
     *
     * @return the value
     */
    public long pstate() {
        return Integer.toUnsignedLong(nzcv()) | daif | (illegalState ? 1L << 20 : 0) | (el == 0 ? 0 : spSel == 1 ? 5 : 4);
    }

    /**
     * Puts PSTATE where an exception entry to EL1 leaves it (Arm ARM D1.10.2): EL1 on SP_EL1
     * (EL1h), D, A, I and F masked, PSTATE.IL clear, no exclusive reservation. The stack pointer is
     * banked as an EL change banks it (SP_EL0 keeps the old SP if it came from EL0 or EL1t). The PC,
     * the registers and the system registers are untouched.
     *
     * <p>For a host taking the core back after a stop in the middle of guest code (a semihosting
     * exit at EL0 leaves the core at EL0): the host's monitor code then runs in the state it was
     * written for. Does nothing if the core is already in that state.
     */
    public void enterEl1hMasked() {
        if (el == 1 && spSel == 1 && daif == 0x3C0 && !illegalState) {
            return;
        }
        bankSp(1, 1);
        daif = 0x3C0;
        illegalState = false;
        exclusiveAddress = -1;
        levelChanged();
        requestEventCheck();
    }

    /**
     * Returns a system register's value as EL1 would read it (for debuggers, tests and traces;
     * no side effects, no access checks).
     *
     * @param r the register
     * @return its value
     */
    public long systemRegister(SystemRegister r) {
        int saved = el;
        el = 1;
        try {
            return sys.read(r.key());
        } finally {
            el = saved;
        }
    }

    /**
     * Writes a system register as EL1 would (for loaders and tests that set up a machine).
     *
     * @param r the register
     * @param value the value
     * @throws IllegalArgumentException if the register is read-only
     */
    public void setSystemRegister(SystemRegister r, long value) {
        int saved = el;
        el = 1;
        try {
            sys.write(r.key(), value);
            if (sys.status != SystemRegisters.OK) {
                throw new IllegalArgumentException(r + " is read-only");
            }
        } finally {
            el = saved;
        }
    }

    /**
     * Returns the MMU (its TLB, statistics and translation function).
     *
     * @return the MMU
     */
    public Mmu mmu() {
        return mmu;
    }

    /**
     * Returns the generic timer.
     *
     * @return the timer
     */
    public GenericTimer timer() {
        return timer;
    }

    /**
     * Returns the cycle count: the machine's time.
     *
     * @return cycles since reset
     */
    public long cycles() {
        return cycles;
    }

    /**
     * Returns the cycles skipped by WFI waiting for the next event.
     *
     * @return idle cycles
     */
    public long idleCycles() {
        return idleCycles;
    }

    /**
     * Returns the number of exceptions taken (synchronous and IRQ).
     *
     * @return the count
     */
    public long exceptionsTaken() {
        return exceptionsTaken;
    }

    /**
     * Returns how many of the {@link #instructions() retired instructions} the fast tier ran (the
     * pre-decoded common forms; the rest went through the general interpreter). Architecturally
     * the two tiers are indistinguishable: this is for seeing where the time goes.
     *
     * @return the count, at most {@link #instructions()}
     */
    public long fastTierInstructions() {
        return fastRetired;
    }

    /**
     * Returns how many of the {@link #fastTierInstructions() fast tier's instructions} ran as
     * compiled blocks (JVM bytecode generated for hot guest blocks, see docs/simulator.md). Only
     * the speed depends on it: the results are the interpreters'.
     *
     * @return instructions retired in compiled blocks
     */
    public long compiledInstructions() {
        return jit != null ? jit.retired : 0;
    }

    /**
     * Sets after how many entries a block is compiled (0: never), for tests that compare the
     * compiled tier with the interpreters.
     */
    void compileBlocksAfter(int entries) {
        jit = entries > 0 ? new BlockJit(this, fast, entries) : null;
    }

    /**
     * Decodes {@code words} instructions from physical address {@code pa} into the decode cache
     * now, as their first executions would, so that tests see whole blocks compiled on a first entry.
     */
    void decodeAhead(long pa, int words) {
        for (int i = 0; i < words; i++) {
            long a = pa + 4L * i;
            DecodeCache.Page page = cache.page(a);
            int slot = DecodeCache.slot(a);
            if (page.ids[slot] == DecodeCache.NOT_DECODED) {
                DecodeCache.decode(page, slot, bus.fetch(a));
            }
        }
    }

    /**
     * Returns how many guest blocks have been compiled to JVM bytecode.
     *
     * @return compiled blocks
     */
    public long compiledBlocks() {
        return jit != null ? jit.compiled : 0;
    }

    /**
     * Returns the number of instructions retired.
     *
     * @return the count
     */
    public long instructions() {
        return instructions;
    }

    /**
     * Stops at {@code address} before executing it (one debugger breakpoint), or -1 for none.
     *
     * @param address the address
     */
    public void setBreakpoint(long address) {
        breakpoint = address;
        updateDebugChecks();
    }

    private void updateDebugChecks() {
        watching = !watchpoints.isEmpty();
        debugChecks = breakpoint != -1 || !breakpoints.isEmpty() || watching;
        // watchpoints check every access and a debugger's breakpoints every PC: general tier only;
        // the one setBreakpoint address (the sim backend's return to the host) only keeps the fast
        // tier off its own page
        fastBlocked = !fastTierOn || watching || !breakpoints.isEmpty();
    }

    /**
     * Whether the fast tier may run the page of {@code va}: no watchpoints or debugger breakpoints,
     * and not the page of the {@link #setBreakpoint(long)} address (the fast tier leaves a page only
     * by a branch or by running off its end, so it never reaches an instruction there).
     */
    private boolean fastTierFor(long va) {
        return !fastBlocked && (va >>> 12) != (breakpoint >>> 12);
    }

    /**
     * Adds a breakpoint: {@link #run(long)} stops with {@link StopKind#DEBUG_BREAK} before executing
     * the instruction at {@code address} (except as the first instruction of a run, so a debugger
     * can continue from it).
     *
     * @param address a VA
     */
    public void addBreakpoint(long address) {
        breakpoints.add(address);
        updateDebugChecks();
    }

    /**
     * Removes a breakpoint added with {@link #addBreakpoint(long)}.
     *
     * @param address the VA
     * @return true if there was one
     */
    public boolean removeBreakpoint(long address) {
        boolean had = breakpoints.remove(address);
        updateDebugChecks();
        return had;
    }

    /**
     * Adds a data watchpoint: after an instruction whose load ({@code onRead}) or store
     * ({@code onWrite}) touches {@code [va, va + length)}, {@link #run(long)} stops with
     * {@link StopKind#WATCHPOINT}; {@link #stopValue()} is the accessed address, the instruction has
     * completed and {@link #stopPc()} is the next one.
     *
     * @param va the first watched byte (a VA)
     * @param length how many bytes, at least 1
     * @param onRead stop on loads
     * @param onWrite stop on stores
     * @throws IllegalArgumentException if the length is not positive or neither kind is watched
     */
    public void addWatchpoint(long va, long length, boolean onRead, boolean onWrite) {
        if (length < 1 || !onRead && !onWrite) {
            throw new IllegalArgumentException("a watchpoint needs a length of at least 1 and reads or writes to watch: length "
                    + length + ", read " + onRead + ", write " + onWrite);
        }
        watchpoints.add(new long[] {va, length, onRead ? 1 : 0, onWrite ? 1 : 0});
        updateDebugChecks();
    }

    /** Removes every breakpoint added with {@link #addBreakpoint(long)} and every watchpoint. */
    public void clearDebugPoints() {
        breakpoints.clear();
        watchpoints.clear();
        watchHit = -1;
        updateDebugChecks();
    }

    /**
     * Returns, and forgets, the address of a watchpoint hit that a run ended on before it could
     * stop for it (a run whose budget ran out with the watched instruction as its last one): a
     * debugger stepping one instruction at a time learns of the hit here, instead of from a
     * {@link StopKind#WATCHPOINT} at the start of the next run.
     *
     * @return the accessed address that matched a watchpoint, or -1 if none is pending
     */
    public long takeWatchHit() {
        long hit = watchHit;
        watchHit = -1;
        return hit;
    }

    /**
     * Returns SP_EL1 wherever it is banked now: the current SP at EL1h, the saved one otherwise
     * (for debuggers; ARM ARM D1.6.2, "The stack pointer registers").
     *
     * @return SP_EL1
     */
    public long stackPointerEl1() {
        return el == 1 && spSel == 1 ? x[31] : spEl1;
    }

    /**
     * Writes SP_EL1 wherever it is banked now (see {@link #stackPointerEl1()}).
     *
     * @param value the new SP_EL1
     */
    public void setStackPointerEl1(long value) {
        if (el == 1 && spSel == 1) {
            x[31] = value;
        } else {
            spEl1 = value;
        }
    }

    /**
     * Writes PSTATE from a value in the SPSR_EL1 layout, as a debugger writes {@code cpsr}: NZCV,
     * DAIF and IL always; M[3:0] (EL and SPSel, with the stack pointer banked as an EL change banks
     * it) only when it names a state this core has: EL0t (0), EL1t (4) or EL1h (5). Any other
     * M[4:0] leaves EL and SPSel as they were (no exception: a debugger is not an ERET).
     *
     * @param spsr the value
     */
    public void setPstate(long spsr) {
        setNzcv((int) spsr);
        daif = (int) spsr & 0x3C0;
        illegalState = ((spsr >>> 20) & 1) != 0;
        int m = (int) spsr & 0x1F;
        if (m == 0 || m == 4 || m == 5) {
            bankSp(m == 0 ? 0 : 1, m == 5 ? 1 : 0);
        }
        levelChanged();
        requestEventCheck();
    }

    private void checkWatch(long va, int size, boolean write) {
        for (long[] w : watchpoints) {
            if (va < w[0] + w[1] && w[0] < va + size && (write ? w[3] : w[2]) != 0) {
                watchHit = va;
                watchHitWrite = write;
                return;
            }
        }
    }

    /**
     * Returns why the last run stopped.
     *
     * @return the kind
     */
    public StopKind stop() {
        return stop;
    }

    /**
     * Returns the PC of the last stop.
     *
     * @return the address
     */
    public long stopPc() {
        return stopPc;
    }

    /**
     * Returns the instruction word at the last stop (for UNDEFINED).
     *
     * @return the word
     */
    public int stopWord() {
        return stopWord;
    }

    /**
     * Returns the value of the last stop (exit code, BRK/SVC immediate, fault address, the word of an
     * UNDEFINED instruction).
     *
     * @return the value
     */
    public long stopValue() {
        return stopValue;
    }

    /**
     * Returns the syndrome (ESR_EL1 layout, see {@link Esr}) of the exception that caused the last
     * stop, or 0 when the stop was not an exception.
     *
     * @return the syndrome
     */
    public long stopSyndrome() {
        return stopSyndrome;
    }

    /**
     * Records a stop (used by the semihosting handler for EXIT).
     *
     * @param kind the kind
     * @param value its value
     */
    public void stopWith(StopKind kind, long value) {
        stop = kind;
        stopPc = pc;
        stopValue = value;
        stopSyndrome = 0;
    }

    private void halt(StopKind kind, int word, long value) {
        stop = kind;
        stopPc = pc;
        stopWord = word;
        stopValue = value;
        stopSyndrome = 0;
    }

    // ------------------------------------------------------------------ the loop

    /**
     * Runs until a stop or until {@code budget} instructions have retired (exception entries count
     * against the budget too, so a guest that faults forever still stops).
     *
     * @param budget the most instructions to run
     * @return why it stopped
     */
    public StopKind run(long budget) {
        long epoch = bus.storageEpoch();
        if (epoch == -1 || epoch != storageEpochSeen) {
            translationsChanged(); // the owner dropped pages between runs: the cached arrays may be stale
            storageEpochSeen = epoch;
        }
        return runLoop(budget);
    }

    /** {@link #run(long)} without dropping the data-page caches first (tests prime them). */
    StopKind runLoop(long budget) {
        stop = StopKind.NONE;
        long left = budget;
        while (left > 0) {
            if (cycles >= nextEvent) {
                serviceEvents();
                if (stop != StopKind.NONE) {
                    return stop;
                }
            }
            if (debugChecks) {
                if (pc == breakpoint && breakpoint != -1 && left != budget) {
                    halt(StopKind.DEBUG_BREAK, 0, pc);
                    return stop;
                }
                if (watchHit != -1) { // an upper-half VA is negative as a long
                    long at = watchHit;
                    watchHit = -1;
                    halt(StopKind.WATCHPOINT, 0, at);
                    return stop;
                }
                if (left != budget && !breakpoints.isEmpty() && breakpoints.contains(pc)) {
                    halt(StopKind.DEBUG_BREAK, 0, pc);
                    return stop;
                }
            }
            if ((pc & 3) != 0 || illegalState) {
                // priority (ARM ARM, synchronous exception prioritization): PC alignment, then an
                // Instruction Abort on the fetch, then Illegal Execution state
                if ((pc & 3) != 0) {
                    takeSync(Esr.of(Esr.EC_PC_ALIGNMENT, 0), pc, pc, true, 0);
                } else if (translateFetch(pc) != Mmu.FAULT) {
                    if (bus.executable(fetchPaBase | (pc & 0xFFF))) {
                        takeSync(Esr.of(Esr.EC_ILLEGAL_STATE, 0), pc, 0, false, 0);
                    } else {
                        takeSync(Esr.of(el == 0 ? Esr.EC_IABT_LOWER : Esr.EC_IABT_SAME, Mmu.FSC_EXTERNAL), pc, pc, true, 0);
                    }
                }
                if (stop != StopKind.NONE) {
                    return stop;
                }
                left--;
                continue;
            }
            long pa;
            if ((pc >>> 12) == fetchVpn) {
                pa = fetchPaBase | (pc & 0xFFF);
            } else {
                pa = translateFetch(pc);
                if (pa == Mmu.FAULT) {
                    if (stop != StopKind.NONE) {
                        return stop;
                    }
                    left--;
                    continue;
                }
            }
            DecodeCache.Page page = cache.page(pa);
            if (fastTierFor(pc)) {
                long ran = jit != null ? jit.run(page, left) : fast.run(page, left);
                if (ran > 0) {
                    left -= ran;
                    instructions += ran;
                    fastRetired += ran;
                    continue;
                }
            }
            int slot = DecodeCache.slot(pa);
            int id = page.ids[slot];
            int word;
            if (id == DecodeCache.NOT_DECODED) {
                word = bus.fetch(pa);
                if (bus.faulted()) {
                    takeSync(Esr.of(el == 0 ? Esr.EC_IABT_LOWER : Esr.EC_IABT_SAME, Mmu.FSC_EXTERNAL), pc, pc, true, 0);
                    if (stop != StopKind.NONE) {
                        return stop;
                    }
                    left--;
                    continue;
                }
                id = DecodeCache.decode(page, slot, word);
                if (page.uops[slot] != MicroOp.NONE && fastTierFor(pc)) {
                    continue; // it has a fast form: run it there from its first execution on
                }
            } else {
                word = page.words[slot];
            }
            left--;
            final long va = pc;
            if (id == Decoder.UNDEFINED) {
                undefined(word);
            } else if (execute(ROWS[id], word)) {
                if (detailedTiming) {
                    cycles = timing.retire(cycles, page.timings[slot], va, pc);
                } else {
                    cycles += FIXED_COST[id];
                }
                instructions++;
                continue;
            }
            if (stop != StopKind.NONE) {
                return stop;
            }
        }
        halt(StopKind.BUDGET, 0, 0);
        return stop;
    }

    /**
     * Fills the data-page caches for {@code pages} pages from {@code va}, for reads and writes, as
     * the first access to each would (translation, permission and RAM checks included; a page that
     * fails them stays out, and no exception is taken). For tests that drive the {@link FastLoop}
     * with {@link #runLoop(long)}.
     */
    void primeDataPages(long va, int pages) {
        for (int i = 0; i < pages; i++) {
            long page = va + ((long) i << 12);
            for (boolean write : new boolean[] {false, true}) {
                long pa = mmuOn ? mmu.translate(page, write ? Mmu.WRITE : Mmu.READ, el) : page;
                mmu.drainWalkCycles(); // priming is not the guest's time
                if (pa != Mmu.FAULT) {
                    cacheDataPage(page, pa, write);
                }
            }
        }
    }

    /** Translates the PC for a fetch and caches the page; FAULT after taking the instruction abort. */
    private long translateFetch(long va) {
        long pa = mmuOn ? mmu.translate(va, Mmu.EXEC, el) : va;
        cycles += mmu.drainWalkCycles();
        if (pa == Mmu.FAULT || !mmuOn && (va >>> Mmu.PA_BITS) != 0) {
            int fsc = mmuOn ? mmu.faultStatus() : Mmu.FSC_ADDRESS_SIZE; // MMU off beyond the PA size: level 0
            takeSync(Esr.of(el == 0 ? Esr.EC_IABT_LOWER : Esr.EC_IABT_SAME, fsc), va, va, true, 0);
            return Mmu.FAULT;
        }
        fetchVpn = va >>> 12;
        fetchPaBase = pa & ~0xFFFL;
        return pa;
    }

    /** Timer deadlines, the IRQ line and unmasking: take an IRQ if one is due. */
    private void serviceEvents() {
        if (interrupts == null) {
            nextEvent = Long.MAX_VALUE;
            return;
        }
        interrupts.sync(cycles);
        boolean irq = interrupts.irq();
        if (irq && (daif & DAIF_I) == 0) {
            takeException(0x80, pc, 0, false, 0, 0);
        }
        nextEvent = interrupts.nextEvent(cycles);
    }

    // ------------------------------------------------------------------ exceptions

    /** Takes an UNDEFINED instruction exception; always returns false (the instruction did not complete). */
    private boolean undefined(int word) {
        takeSync(Esr.of(Esr.EC_UNKNOWN, 0), pc, 0, false, word);
        return false;
    }

    /** Takes a synchronous exception whose preferred return address is {@code returnAddress}. */
    private void takeSync(long esr, long returnAddress, long far, boolean farValid, long stopValueIfUnhandled) {
        takeException(0, returnAddress, esr, farValid, far, stopValueIfUnhandled);
    }

    /**
     * Exception entry to EL1 (D1.10.2): SPSR_EL1 = PSTATE, ELR_EL1 = return address, ESR and FAR,
     * PSTATE.{EL, SP} = EL1h, DAIF all masked, PC = VBAR_EL1 + offset of the source and kind.
     */
    private void takeException(int kindOffset, long returnAddress, long esr, boolean farValid, long far, long stopValueIfUnhandled) {
        int offset = (el == 0 ? 0x400 : spSel == 1 ? 0x200 : 0) + kindOffset;
        long vector = sys.vbar + offset;
        int savedEl = el;
        el = 1;
        long pa = mmuOn ? mmu.translate(vector, Mmu.EXEC, 1) : vector;
        el = savedEl;
        boolean inVectors = kindOffset == 0 && el == 1 && returnAddress - sys.vbar >= 0 && returnAddress - sys.vbar < 0x800;
        boolean onStack = Esr.ec(esr) == Esr.EC_SP_ALIGNMENT
                || Esr.ec(esr) == Esr.EC_DABT_SAME && farValid && Math.abs(far - x[31]) < 0x1000;
        if (inVectors && onStack) {
            // a vector's own stack access (its frame push) faulted: the stack is gone, and the
            // hardware would take the same fault forever; stop with the reason instead
            stop = StopKind.RECURSIVE_FAULT;
            stopPc = returnAddress;
            stopWord = 0;
            stopValue = far;
            stopSyndrome = esr;
            sys.far = farValid ? far : sys.far;
            return;
        }
        if (pa == Mmu.FAULT || !bus.executable(pa)) {
            stop = kindOffset == 0x80 ? StopKind.UNHANDLED_IRQ : stopKindOf(esr);
            stopPc = kindOffset == 0x80 ? returnAddress : pc;
            // an UNDEFINED instruction passes its word as stopValueIfUnhandled: report it
            stopWord = kindOffset == 0 && Esr.ec(esr) == Esr.EC_UNKNOWN ? (int) stopValueIfUnhandled : 0;
            stopValue = farValid ? far : stopValueIfUnhandled != 0 ? stopValueIfUnhandled : esr & 0xFFFF;
            stopSyndrome = esr;
            if (farValid) {
                sys.far = far;
            }
            return;
        }
        sys.spsr = pstate();
        sys.elr = returnAddress;
        if (kindOffset == 0) {
            sys.esr = esr;
            if (farValid) {
                sys.far = far;
            }
        }
        if (el == 0 || spSel == 0) {
            spEl0 = x[31];
            x[31] = spEl1;
        }
        el = 1;
        spSel = 1;
        daif = 0x3C0;
        illegalState = false;
        exclusiveAddress = -1;
        pc = vector;
        exceptionsTaken++;
        cycles += timing.exceptionEntry();
        levelChanged();
    }

    private static StopKind stopKindOf(long esr) {
        switch (Esr.ec(esr)) {
            case Esr.EC_SVC:
            case Esr.EC_HVC:
            case Esr.EC_SMC:
                return StopKind.EXCEPTION_CALL;
            case Esr.EC_BRK:
                return StopKind.BREAKPOINT;
            case Esr.EC_PC_ALIGNMENT:
            case Esr.EC_SP_ALIGNMENT:
                return StopKind.ALIGNMENT;
            case Esr.EC_IABT_LOWER:
            case Esr.EC_IABT_SAME:
            case Esr.EC_DABT_LOWER:
            case Esr.EC_DABT_SAME:
                return Esr.faultStatus(esr) == Mmu.FSC_ALIGNMENT ? StopKind.ALIGNMENT : StopKind.ABORT;
            default:
                return StopKind.UNDEFINED;
        }
    }

    /**
     * ERET (D1.11): PSTATE from SPSR_EL1, PC from ELR_EL1. Only M[4:0] = EL0t (0), EL1t (4) and
     * EL1h (5) are legal targets; every other value is an illegal exception return (ARM ARM
     * "Illegal return events from AArch64 state"): M[4] = 1 (AArch32, which this core lacks), EL2
     * or EL3 (higher than EL1, and not implemented), M[1] = 1 (reserved), EL0 with M[0] = 1 (SP_EL1
     * at EL0). Then only NZCV and DAIF are restored, the PC is ELR_EL1, EL and SP stay, and
     * PSTATE.IL is set: the next instruction takes an Illegal Execution state exception (EC 0x0E).
     */
    private void exceptionReturn() {
        long spsr = sys.spsr;
        int m = (int) spsr & 0x1F;
        setNzcv((int) spsr);
        daif = (int) spsr & 0x3C0;
        pc = sys.elr;
        exclusiveAddress = -1;
        eventRegister = true; // an exception return is a WFE wake-up event (D1.16.1)
        boolean legal = m == 0 || m == 4 || m == 5;
        if (!legal) {
            illegalState = true; // EL and SP unchanged; the next instruction takes an illegal state exception
        } else {
            illegalState = ((spsr >>> 20) & 1) != 0;
            int newEl = m == 0 ? 0 : 1;
            int newSpSel = m == 5 ? 1 : 0;
            bankSp(newEl, newSpSel);
        }
        levelChanged(1); // the ERET itself retires at EL1
        requestEventCheck();
    }

    /** Moves x[31] to its bank and loads the SP for the new EL/SPSel. */
    private void bankSp(int newEl, int newSpSel) {
        boolean oldUsesEl0 = el == 0 || spSel == 0;
        boolean newUsesEl0 = newEl == 0 || newSpSel == 0;
        if (oldUsesEl0 != newUsesEl0) {
            if (oldUsesEl0) {
                spEl0 = x[31];
                x[31] = spEl1;
            } else {
                spEl1 = x[31];
                x[31] = spEl0;
            }
        }
        el = newEl;
        spSel = newSpSel;
    }

    /** MSR SPSel. */
    void selectSp(int newSpSel) {
        bankSp(el, newSpSel);
    }

    private void dataAbort(long va, int fsc, boolean write) {
        memFault = true;
        takeSync(Esr.of(el == 0 ? Esr.EC_DABT_LOWER : Esr.EC_DABT_SAME, fsc | (write ? 1 << 6 : 0)), pc, va, true, 0);
    }

    private boolean spAlignmentFault() {
        takeSync(Esr.of(Esr.EC_SP_ALIGNMENT, 0), pc, 0, false, x[31]);
        return false;
    }

    // ------------------------------------------------------------------ memory

    /** Translates a data access; on a fault takes the data abort and returns FAULT. */
    private long translateData(long va, int size, boolean write) {
        long pa;
        if (mmuOn) {
            pa = mmu.translate(va, write ? Mmu.WRITE : Mmu.READ, el);
            cycles += mmu.drainWalkCycles();
            if (pa == Mmu.FAULT) {
                dataAbort(va, mmu.faultStatus(), write);
                return Mmu.FAULT;
            }
            if ((va & (size - 1)) != 0 && (alignCheck || mmu.lastDevice())) {
                dataAbort(va, Mmu.FSC_ALIGNMENT, write);
                return Mmu.FAULT;
            }
            return pa;
        }
        if ((va >>> Mmu.PA_BITS) != 0) { // MMU off: beyond the PA size is an Address size fault, level 0
            dataAbort(va, Mmu.FSC_ADDRESS_SIZE, write);
            return Mmu.FAULT;
        }
        if (alignCheck && (va & (size - 1)) != 0) {
            dataAbort(va, Mmu.FSC_ALIGNMENT, write);
            return Mmu.FAULT;
        }
        return va;
    }

    /** Reads guest memory at a VA; on a fault sets memFault (the exception is already taken). */
    private long vread(long va, int size) {
        memFault = false;
        if (watching) {
            checkWatch(va, size, false);
        }
        int off = (int) va & 0xFFF;
        if (off + size > 0x1000) {
            return vreadSplit(va, size);
        }
        int way = (int) (va >>> 12) & (DATA_PAGES - 1);
        if ((va >>> 12) == readVpn[way]) {
            byte[] p = readPage[way];
            switch (size) {
                case 8: return (long) LE64.get(p, off);
                case 4: return Integer.toUnsignedLong((int) LE32.get(p, off));
                case 2: return Short.toUnsignedLong((short) LE16.get(p, off));
                default: return p[off] & 0xFF;
            }
        }
        long pa = translateData(va, size, false);
        if (pa == Mmu.FAULT) {
            return 0;
        }
        long value = bus.read(pa, size);
        if (bus.faulted()) {
            dataAbort(va, Mmu.FSC_EXTERNAL, false);
            return 0;
        }
        cacheDataPage(va, pa, false);
        return value;
    }

    private long vreadSplit(long va, int size) {
        if (alignCheck) {
            translateData(va, size, false); // misaligned: the alignment fault comes first
            return 0;
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            long pa = translateData(va + i, 1, false);
            if (pa == Mmu.FAULT) {
                return 0;
            }
            long b = bus.read(pa, 1);
            if (bus.faulted()) {
                dataAbort(va + i, Mmu.FSC_EXTERNAL, false);
                return 0;
            }
            value |= b << (8 * i);
        }
        return value;
    }

    /** Writes guest memory at a VA; on a fault sets memFault. */
    private void vwrite(long va, int size, long value) {
        memFault = false;
        if (watching) {
            checkWatch(va, size, true);
        }
        int off = (int) va & 0xFFF;
        if (off + size > 0x1000) {
            vwriteSplit(va, size, value);
            return;
        }
        int way = (int) (va >>> 12) & (DATA_PAGES - 1);
        if ((va >>> 12) == writeVpn[way]) {
            byte[] p = writePage[way];
            switch (size) {
                case 8: LE64.set(p, off, value); return;
                case 4: LE32.set(p, off, (int) value); return;
                case 2: LE16.set(p, off, (short) value); return;
                default: p[off] = (byte) value; return;
            }
        }
        long pa = translateData(va, size, true);
        if (pa == Mmu.FAULT) {
            return;
        }
        bus.write(pa, size, value);
        if (bus.faulted()) {
            dataAbort(va, Mmu.FSC_EXTERNAL, true);
            return;
        }
        cacheDataPage(va, pa, true);
    }

    /**
     * After an access through the bus, keeps the page for the fast path if it may be: plain RAM
     * (the bus hands out its array), no alignment checking, not Device memory.
     */
    private void cacheDataPage(long va, long pa, boolean write) {
        if (!alignCheck && !(mmuOn && mmu.lastDevice())) {
            byte[] p = bus.ramPage(pa, write);
            if (p != null) {
                int way = (int) (va >>> 12) & (DATA_PAGES - 1);
                (write ? writeVpn : readVpn)[way] = va >>> 12;
                (write ? writePage : readPage)[way] = p;
            }
        }
    }

    private void vwriteSplit(long va, int size, long value) {
        if (alignCheck) {
            translateData(va, size, true);
            return;
        }
        for (int i = 0; i < size; i++) { // check every byte first: a faulting store changes nothing
            if (translateData(va + i, 1, true) == Mmu.FAULT) {
                return;
            }
        }
        for (int i = 0; i < size; i++) {
            bus.write(translateData(va + i, 1, true), 1, value >>> (8 * i));
            if (bus.faulted()) {
                dataAbort(va + i, Mmu.FSC_EXTERNAL, true);
                return;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private long rz(int r) {
        return r == 31 ? 0 : x[r];
    }

    private void wz(int r, long value, boolean is64) {
        if (r != 31) {
            x[r] = is64 ? value : value & 0xFFFF_FFFFL;
        }
    }

    private void wsp(int r, long value, boolean is64) {
        x[r] = is64 ? value : value & 0xFFFF_FFFFL;
    }

    private static int bits(int w, int lo, int len) {
        return (w >>> lo) & ((1 << len) - 1);
    }

    private static long sext(long value, int width) {
        return value << (64 - width) >> (64 - width);
    }

    /** ConditionHolds (J1.1) on the current NZCV. */
    private boolean condition(int cond) {
        return Condition.holds(cond, n << 3 | z << 2 | c << 1 | v);
    }

    /** AddWithCarry (J1.1): returns the result, sets NZCV when {@code setFlags}. */
    private long addWithCarry(long a, long b, int carryIn, boolean is64, boolean setFlags) {
        if (is64) {
            long r = a + b + carryIn;
            if (setFlags) {
                n = (int) (r >>> 63);
                z = r == 0 ? 1 : 0;
                // unsigned carry out of bit 63
                long lo = (a & 0xFFFF_FFFFL) + (b & 0xFFFF_FFFFL) + carryIn;
                long hi = (a >>> 32) + (b >>> 32) + (lo >>> 32);
                c = (int) (hi >>> 32) & 1;
                v = (int) ((~(a ^ b) & (a ^ r)) >>> 63);
            }
            return r;
        }
        long ua = a & 0xFFFF_FFFFL;
        long ub = b & 0xFFFF_FFFFL;
        long r = ua + ub + carryIn;
        int r32 = (int) r;
        if (setFlags) {
            n = r32 >>> 31;
            z = r32 == 0 ? 1 : 0;
            c = (int) (r >>> 32) & 1;
            v = ((~((int) a ^ (int) b) & ((int) a ^ r32)) >>> 31);
        }
        return r & 0xFFFF_FFFFL;
    }

    /** ExtendReg (C6.2): UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX by option. */
    private static long extend(long value, int option) {
        switch (option) {
            case 0: return value & 0xFF;
            case 1: return value & 0xFFFF;
            case 2: return value & 0xFFFF_FFFFL;
            case 3: return value;
            case 4: return (byte) value;
            case 5: return (short) value;
            case 6: return (int) value;
            default: return value;
        }
    }

    private static long shift(long value, int type, int amount, boolean is64) {
        if (!is64) {
            int w = (int) value;
            switch (type) {
                case 0: return (w << amount) & 0xFFFF_FFFFL;
                case 1: return (w >>> amount) & 0xFFFF_FFFFL;
                case 2: return (w >> amount) & 0xFFFF_FFFFL;
                default: return Integer.rotateRight(w, amount) & 0xFFFF_FFFFL;
            }
        }
        switch (type) {
            case 0: return value << amount;
            case 1: return value >>> amount;
            case 2: return value >> amount;
            default: return Long.rotateRight(value, amount);
        }
    }

    private boolean load(int rt, long address, int size, boolean signed, boolean to64) {
        long value = vread(address, size);
        if (memFault) {
            return false;
        }
        if (signed) {
            value = sext(value, size * 8);
            if (!to64) {
                value &= 0xFFFF_FFFFL;
            }
        }
        wz(rt, value, true);
        return true;
    }

    private boolean store(long address, int size, long value) {
        vwrite(address, size, value);
        return !memFault;
    }

    /** Exclusives and acquire/release need natural alignment whatever SCTLR.A says (B2.5.2). */
    private boolean checkAligned(long address, int size, boolean write) {
        if ((address & (size - 1)) != 0) {
            dataAbort(address, Mmu.FSC_ALIGNMENT, write);
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ execute

    /** Which handler executes each row: small methods that the JIT compiles and inlines well. */
    private static final byte[] GROUP = new byte[ROWS.length];
    /** Rows whose bits [9:5] are not a base register (literal loads). */
    private static final boolean[] LITERAL = new boolean[ROWS.length];
    /** Rows that store (by name: ST...), so the execute path never compares strings. */
    private static final boolean[] IS_STORE = new boolean[ROWS.length];
    private static final byte G_IMM = 0;
    private static final byte G_BRANCH = 1;
    private static final byte G_SYSTEM = 2;
    private static final byte G_REG = 3;
    private static final byte G_MEM = 4;

    static {
        for (A64 r : ROWS) {
            String n = r.name();
            byte g;
            if (n.matches("(ADD|ADDS|SUB|SUBS|AND|ORR|EOR|ANDS)_imm|MOV[NZK]|S?BFM|UBFM|ADRP?")) {
                g = G_IMM;
            } else if (n.matches("B|BL|B_cond|CBN?Z|TBN?Z|BR|BLR|RET")) {
                g = G_BRANCH;
            } else if (n.matches("SVC|HVC|SMC|BRK|HLT|HINT|BARRIER|CLREX|MRS|MSR_reg|MSR_imm|SYS|ERET")) {
                g = G_SYSTEM;
            } else if (n.matches("(LD|ST).*|CAS|ATOMIC|PRFM_lit")) {
                g = G_MEM;
            } else {
                g = G_REG;
            }
            GROUP[r.ordinal()] = g;
            LITERAL[r.ordinal()] = n.endsWith("_lit");
            IS_STORE[r.ordinal()] = n.startsWith("ST");
        }
    }

    /** Executes one instruction; false when it stopped the CPU. */
    private boolean execute(A64 row, int w) {
        switch (GROUP[row.ordinal()]) {
            case G_IMM: return dataProcessingImmediate(row, w);
            case G_BRANCH: return branch(row, w);
            case G_SYSTEM: return system(row, w);
            case G_REG: return dataProcessingRegister(row, w);
            default: return loadStore(row, w);
        }
    }

    /** Data processing — immediate (C4.1.86). */
    private boolean dataProcessingImmediate(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row.ordinal()) {
            // ---- add/sub immediate
            case Ops.ADD_imm:
            case Ops.ADDS_imm:
            case Ops.SUB_imm:
            case Ops.SUBS_imm: {
                long imm = (long) bits(w, 10, 12) << (bits(w, 22, 1) * 12);
                boolean sub = row == A64.SUB_imm || row == A64.SUBS_imm;
                boolean flags = row == A64.ADDS_imm || row == A64.SUBS_imm;
                long r = sub ? addWithCarry(x[rn], ~imm, 1, sf, flags) : addWithCarry(x[rn], imm, 0, sf, flags);
                if (flags) {
                    wz(rd, r, sf);
                } else {
                    wsp(rd, r, sf);
                }
                break;
            }
            // ---- logical immediate
            case Ops.AND_imm:
            case Ops.ORR_imm:
            case Ops.EOR_imm:
            case Ops.ANDS_imm: {
                int nBit = bits(w, 22, 1);
                if (!sf && nBit == 1) {
                    return undefined(w);
                }
                long imm = BitMasks.logicalImmediate(nBit, bits(w, 10, 6), bits(w, 16, 6), sf ? 64 : 32);
                if (imm == BitMasks.INVALID) {
                    return undefined(w);
                }
                long a = rz(rn);
                long r = row == A64.ORR_imm ? a | imm : row == A64.EOR_imm ? a ^ imm : a & imm;
                if (!sf) {
                    r &= 0xFFFF_FFFFL;
                }
                if (row == A64.ANDS_imm) {
                    setLogicFlags(r, sf);
                    wz(rd, r, sf);
                } else {
                    wsp(rd, r, sf);
                }
                break;
            }
            // ---- move wide
            case Ops.MOVN:
            case Ops.MOVZ:
            case Ops.MOVK: {
                int hw = bits(w, 21, 2);
                if (!sf && hw > 1) {
                    return undefined(w);
                }
                long imm = (long) bits(w, 5, 16) << (hw * 16);
                long r;
                if (row == A64.MOVK) {
                    r = (rz(rd) & ~(0xFFFFL << (hw * 16))) | imm;
                } else {
                    r = row == A64.MOVN ? ~imm : imm;
                }
                wz(rd, r, sf);
                break;
            }
            // ---- bitfield
            case Ops.SBFM:
            case Ops.BFM:
            case Ops.UBFM: {
                int nBit = bits(w, 22, 1);
                int datasize = sf ? 64 : 32;
                int immr = bits(w, 16, 6);
                int imms = bits(w, 10, 6);
                if ((sf ? 1 : 0) != nBit || (!sf && (immr > 31 || imms > 31))) {
                    return undefined(w);
                }
                long wmask = BitMasks.bitfieldWmask(nBit, imms, immr, datasize);
                long tmask = BitMasks.bitfieldTmask(nBit, imms, immr, datasize);
                long src = rz(rn);
                long bot = rotateRight(src, immr, datasize) & wmask;
                long r;
                if (row == A64.UBFM) {
                    r = bot & tmask;
                } else if (row == A64.SBFM) {
                    long top = ((src >>> imms) & 1) == 1 ? -1L : 0;
                    r = (top & ~tmask) | (bot & tmask);
                } else {
                    long dst = rz(rd);
                    long b = (dst & ~wmask) | bot;
                    r = (dst & ~tmask) | (b & tmask);
                }
                wz(rd, r, sf);
                break;
            }
            case Ops.ADR:
            case Ops.ADRP: {
                long imm = sext(((long) bits(w, 5, 19) << 2) | bits(w, 29, 2), 21);
                wz(rd, row == A64.ADR ? pc + imm : (pc & ~0xFFFL) + (imm << 12), true);
                break;
            }
            default:
                return undefined(w);
        }
        pc = next;
        return true;
    }

    /** Branches (C4.1.87). */
    private boolean branch(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row.ordinal()) {
            // ---- branches
            case Ops.B:
            case Ops.BL: {
                if (row == A64.BL) {
                    x[30] = pc + 4;
                }
                next = pc + (sext(w & 0x3FF_FFFF, 26) << 2);
                break;
            }
            case Ops.B_cond:
                if (condition(w & 15)) {
                    next = pc + (sext(bits(w, 5, 19), 19) << 2);
                }
                break;
            case Ops.CBZ:
            case Ops.CBNZ: {
                long val = sf ? rz(rd) : rz(rd) & 0xFFFF_FFFFL;
                if ((val == 0) == (row == A64.CBZ)) {
                    next = pc + (sext(bits(w, 5, 19), 19) << 2);
                }
                break;
            }
            case Ops.TBZ:
            case Ops.TBNZ: {
                int bit = (bits(w, 31, 1) << 5) | bits(w, 19, 5);
                long set = (rz(rd) >>> bit) & 1;
                if ((set == 0) == (row == A64.TBZ)) {
                    next = pc + (sext(bits(w, 5, 14), 14) << 2);
                }
                break;
            }
            case Ops.BR:
            case Ops.BLR:
            case Ops.RET: {
                long target = rz(rn);
                if (row == A64.BLR) {
                    x[30] = pc + 4;
                }
                next = target;
                break;
            }
            default:
                return undefined(w);
        }
        pc = next;
        return true;
    }

    /** Exception generation, hints, barriers and system instructions (C4.1.87). */
    private boolean system(A64 row, int w) {
        final int rt = w & 31;
        long next = pc + 4;
        switch (row.ordinal()) {
            case Ops.SVC:
                takeSync(Esr.of(Esr.EC_SVC, bits(w, 5, 16)), pc + 4, 0, false, bits(w, 5, 16));
                return false;
            case Ops.HVC:
            case Ops.SMC: {
                StopKind k = el == 0 || semihosting == null ? StopKind.EXCEPTION_CALL : semihosting.psci(this);
                if (k == StopKind.EXCEPTION_CALL) {
                    return undefined(w); // no EL2/EL3 to take it: UNDEFINED
                }
                if (k != StopKind.NONE) {
                    halt(k, w, bits(w, 5, 16));
                    return false;
                }
                break;
            }
            case Ops.BRK:
                takeSync(Esr.of(Esr.EC_BRK, bits(w, 5, 16)), pc, 0, false, bits(w, 5, 16));
                return false;
            case Ops.HLT: {
                // semihosting is an EL1 facility (QEMU: EL0 only with -semihosting-config
                // userspace=on), and switched off with CpuConfig.withSemihosting(false)
                if (bits(w, 5, 16) == 0xF000 && el == 1 && semihostingOn && semihosting != null) {
                    StopKind k = semihosting.semihost(this);
                    if (k != StopKind.NONE) {
                        stopPc = pc;
                        stopWord = w;
                        return false;
                    }
                    break;
                }
                return undefined(w); // halting debug is not enabled: HLT is UNDEFINED
            }
            case Ops.HINT: {
                int op = bits(w, 5, 7);
                if (op == 3 || op == 2) {
                    return waitForInterrupt(w, op == 2);
                }
                if (op == 4 || op == 5) { // SEV, SEVL
                    eventRegister = true;
                }
                break; // NOP, YIELD, the PAC/BTI hints and the rest of the space: no-ops
            }
            case Ops.BARRIER:
                // one in-order core, no caches modelled: DMB/DSB/ISB complete at once; a DSB
                // (op2 = 0b100, CRm not 0b0000/0b0100, which are SSBB/PSSBB) is reported
                if (maintenance != null && bits(w, 5, 3) == 4 && (bits(w, 8, 4) & 0b1011) != 0) {
                    maintenance.dsb(bits(w, 8, 4));
                }
                break;
            case Ops.CLREX:
                exclusiveAddress = -1; // the local exclusive monitor to Open Access (B2.9)
                break;
            case Ops.MRS: {
                int key = (w >>> 5) & 0xFFFF;
                long value = sys.read(key);
                if (sys.status != SystemRegisters.OK) {
                    return systemAccessFault(w, key, true);
                }
                wz(rt, value, true);
                break;
            }
            case Ops.MSR_reg: {
                int key = (w >>> 5) & 0xFFFF;
                sys.write(key, rz(rt));
                if (sys.status != SystemRegisters.OK) {
                    return systemAccessFault(w, key, false);
                }
                break;
            }
            case Ops.MSR_imm: {
                int field = bits(w, 16, 3) << 3 | bits(w, 5, 3);
                int crm = bits(w, 8, 4);
                if (field == 0x05 && el == 1) { // SPSel
                    selectSp(crm & 1);
                } else if (field == 0x1E || field == 0x1F) { // DAIFSet, DAIFClr
                    if (el == 0 && (sys.sctlr & (1L << 9)) == 0) {
                        return systemAccessFault(w, (w >>> 5) & 0xFFFF, false);
                    }
                    daif = field == 0x1E ? daif | crm << 6 : daif & ~(crm << 6);
                    requestEventCheck();
                } else {
                    return undefined(w);
                }
                break;
            }
            case Ops.SYS:
                if (!systemInstruction(w, (w >>> 5) & 0xFFFF, rt)) {
                    return false;
                }
                break;
            case Ops.ERET:
                if (el == 0) {
                    return undefined(w);
                }
                exceptionReturn();
                return true;
            default:
                return undefined(w);
        }
        pc = next;
        return true;
    }

    /** An MRS, MSR or SYS refused at this EL: UNDEFINED, or trapped with EC 0x18 and the encoding. */
    private boolean systemAccessFault(int w, int key, boolean read) {
        if (sys.status == SystemRegisters.UNDEFINED) {
            return undefined(w);
        }
        int op0 = key >>> 14;
        int op1 = (key >>> 11) & 7;
        int crn = (key >>> 7) & 15;
        int crm = (key >>> 3) & 15;
        int op2 = key & 7;
        int iss = op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | (w & 31) << 5 | crm << 1 | (read ? 1 : 0);
        takeSync(Esr.of(Esr.EC_SYSREG, iss), pc, 0, false, w);
        return false;
    }

    /** DC, IC, AT and TLBI (C5.2-C5.5): the EL0 rules of {@link CacheMaintenance}, then the operation. */
    private boolean systemInstruction(int w, int key, int rt) {
        SystemOperation op = SystemOperation.ofKey(key);
        if (op == null) {
            return undefined(w);
        }
        long operand = rz(rt);
        if (el == 0) {
            int access = CacheMaintenance.el0Access(op, sys.sctlr);
            if (access != SystemRegisters.OK) {
                sys.status = access;
                return systemAccessFault(w, key, false);
            }
        }
        if (op.isTlbi()) {
            mmu.tlbi(op, operand);
            cycles += timing.tlbi();
            if (maintenance != null) {
                maintenance.tlbi(op, operand);
            }
            return true;
        }
        switch (op) {
            case DC_ZVA:
                return zeroBlock(operand);
            case AT_S1E1R:
            case AT_S1E1W:
            case AT_S1E0R:
            case AT_S1E0W:
                sys.par = AddressTranslation.translate(op, operand, mmu);
                return true;
            default:
                if (CacheMaintenance.byVa(op)) {
                    return maintainByVa(op, operand);
                }
                return true; // by set/way, IC IALLU(IS): no caches modelled
        }
    }

    /** DC ZVA: zeroes the aligned block as stores of the current EL (permission checks, watchpoints). */
    private boolean zeroBlock(long va) {
        long base = va & -(long) IdRegisters.ZVA_BLOCK;
        for (int i = 0; i < IdRegisters.ZVA_BLOCK; i += 8) {
            vwrite(base + i, 8, 0);
            if (memFault) {
                return false;
            }
        }
        return true;
    }

    /**
     * DC IVAC/CVAC/CVAU/CIVAC, IC IVAU: translate the VA (no data moves); a fault is a data abort
     * with CM and WnR set and FAR = the VA.
     */
    private boolean maintainByVa(SystemOperation op, long va) {
        int fsc = -1;
        if (mmuOn) {
            long pa = mmu.translate(va, CacheMaintenance.access(op), el);
            cycles += mmu.drainWalkCycles();
            if (pa == Mmu.FAULT) {
                fsc = mmu.faultStatus();
            }
        } else if ((va >>> Mmu.PA_BITS) != 0) {
            fsc = Mmu.FSC_ADDRESS_SIZE;
        }
        if (fsc < 0) {
            return true;
        }
        memFault = true;
        int iss = fsc | CacheMaintenance.ISS_CM | CacheMaintenance.ISS_WNR;
        takeSync(Esr.of(el == 0 ? Esr.EC_DABT_LOWER : Esr.EC_DABT_SAME, iss), pc, va, true, 0);
        return false;
    }

    /**
     * WFI/WFE (ARM ARM D1.16, "Mechanisms for entering a low-power state"): a WFE with the event
     * register set clears it and goes on; a pending interrupt (masked or not) means no wait; EL0
     * with SCTLR.nTWI/nTWE = 0 traps (EC 0x01); otherwise time skips to the next device event.
     * When nothing can ever wake the core, a WFI stops the machine (WAIT) while a WFE completes
     * as a hint, as QEMU runs it (a yield): WFE is a hint that may complete at any time, and a
     * kernel's idle or spin loop around it goes on.
     */
    private boolean waitForInterrupt(int w, boolean wfe) {
        if (wfe && eventRegister) {
            eventRegister = false;
            pc += 4;
            return true;
        }
        if (interrupts != null) {
            interrupts.sync(cycles);
        }
        if (irqAsserted()) {
            pc += 4;
            return true;
        }
        if (el == 0 && ((sys.sctlr >>> (wfe ? 18 : 16)) & 1) == 0) {
            takeSync(Esr.of(Esr.EC_WFX, 0x1E0_0000 | (wfe ? 1 : 0)), pc, 0, false, w);
            return false;
        }
        long wake = interrupts == null ? Long.MAX_VALUE : interrupts.nextEvent(cycles);
        pc += 4;
        if (wake == Long.MAX_VALUE) {
            if (wfe) {
                return true; // nothing can wake it: the hint completes
            }
            halt(StopKind.WAIT, w, 3);
            return false;
        }
        if (wake > cycles) {
            idleCycles += wake - cycles;
            cycles = wake;
        }
        requestEventCheck();
        return true;
    }

    /** Data processing — register (C4.1.89). */
    private boolean dataProcessingRegister(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        switch (row.ordinal()) {
            // ---- logical shifted register
            case Ops.AND_shift:
            case Ops.BIC_shift:
            case Ops.ORR_shift:
            case Ops.ORN_shift:
            case Ops.EOR_shift:
            case Ops.EON_shift:
            case Ops.ANDS_shift:
            case Ops.BICS_shift: {
                int amount = bits(w, 10, 6);
                if (!sf && amount > 31) {
                    return undefined(w);
                }
                long b = shift(rz(rm), bits(w, 22, 2), amount, sf);
                if (bits(w, 21, 1) == 1) {
                    b = ~b;
                }
                long a = rz(rn);
                int opc = bits(w, 29, 2);
                long r = opc == 1 ? a | b : opc == 2 ? a ^ b : a & b;
                if (!sf) {
                    r &= 0xFFFF_FFFFL;
                }
                if (opc == 3) {
                    setLogicFlags(r, sf);
                }
                wz(rd, r, sf);
                break;
            }
            case Ops.ADD_shift:
            case Ops.ADDS_shift:
            case Ops.SUB_shift:
            case Ops.SUBS_shift: {
                int type = bits(w, 22, 2);
                int amount = bits(w, 10, 6);
                if (type == 3 || (!sf && amount > 31)) {
                    return undefined(w);
                }
                long b = shift(rz(rm), type, amount, sf);
                boolean sub = row == A64.SUB_shift || row == A64.SUBS_shift;
                boolean flags = row == A64.ADDS_shift || row == A64.SUBS_shift;
                long r = sub ? addWithCarry(rz(rn), ~b, 1, sf, flags) : addWithCarry(rz(rn), b, 0, sf, flags);
                wz(rd, r, sf);
                break;
            }
            case Ops.CSEL:
            case Ops.CSINC:
            case Ops.CSINV:
            case Ops.CSNEG: {
                long r;
                if (condition(bits(w, 12, 4))) {
                    r = rz(rn);
                } else {
                    long b = rz(rm);
                    r = row == A64.CSEL ? b : row == A64.CSINC ? b + 1 : row == A64.CSINV ? ~b : -b;
                }
                wz(rd, r, sf);
                break;
            }
            case Ops.UDIV:
            case Ops.SDIV: {
                long a = rz(rn);
                long b = rz(rm);
                long r;
                if (sf) {
                    r = b == 0 ? 0 : row == A64.UDIV ? Long.divideUnsigned(a, b) : (a == Long.MIN_VALUE && b == -1 ? a : a / b);
                } else {
                    int ai = (int) a;
                    int bi = (int) b;
                    r = bi == 0 ? 0 : row == A64.UDIV ? Integer.toUnsignedLong(Integer.divideUnsigned(ai, bi))
                            : (ai == Integer.MIN_VALUE && bi == -1 ? ai : ai / bi);
                }
                wz(rd, r, sf);
                break;
            }
            case Ops.LSLV:
            case Ops.LSRV:
            case Ops.ASRV:
            case Ops.RORV: {
                int amount = (int) (rz(rm) & (sf ? 63 : 31));
                wz(rd, shift(rz(rn), row.ordinal() - A64.LSLV.ordinal(), amount, sf), sf);
                break;
            }
            // ---- add/sub extended register
            case Ops.ADD_ext:
            case Ops.ADDS_ext:
            case Ops.SUB_ext:
            case Ops.SUBS_ext: {
                int amount = bits(w, 10, 3);
                if (amount > 4) {
                    return undefined(w);
                }
                long b = extend(rz(rm), bits(w, 13, 3)) << amount;
                boolean sub = row == A64.SUB_ext || row == A64.SUBS_ext;
                boolean flags = row == A64.ADDS_ext || row == A64.SUBS_ext;
                long r = sub ? addWithCarry(x[rn], ~b, 1, sf, flags) : addWithCarry(x[rn], b, 0, sf, flags);
                if (flags) {
                    wz(rd, r, sf);
                } else {
                    wsp(rd, r, sf);
                }
                break;
            }
            case Ops.EXTR: {
                int lsb = bits(w, 10, 6);
                if ((sf ? 1 : 0) != bits(w, 22, 1) || (!sf && lsb > 31)) {
                    return undefined(w);
                }
                long hi = rz(rn);
                long lo = rz(rm);
                long r;
                if (sf) {
                    r = lsb == 0 ? lo : (lo >>> lsb) | (hi << (64 - lsb));
                } else {
                    long concat = ((hi & 0xFFFF_FFFFL) << 32) | (lo & 0xFFFF_FFFFL);
                    r = concat >>> lsb;
                }
                wz(rd, r, sf);
                break;
            }
            case Ops.CCMN_reg:
            case Ops.CCMN_imm:
            case Ops.CCMP_reg:
            case Ops.CCMP_imm: {
                if (condition(bits(w, 12, 4))) {
                    long b = row == A64.CCMN_imm || row == A64.CCMP_imm ? rm : rz(rm);
                    if (row == A64.CCMP_reg || row == A64.CCMP_imm) {
                        addWithCarry(rz(rn), ~b, 1, sf, true);
                    } else {
                        addWithCarry(rz(rn), b, 0, sf, true);
                    }
                } else {
                    setNzcv(bits(w, 0, 4) << 28);
                }
                break;
            }
            case Ops.RBIT:
                wz(rd, sf ? Long.reverse(rz(rn)) : Integer.reverse((int) rz(rn)), sf);
                break;
            case Ops.REV16: {
                long a = rz(rn);
                wz(rd, ((a & 0x00FF_00FF_00FF_00FFL) << 8) | ((a >>> 8) & 0x00FF_00FF_00FF_00FFL), sf);
                break;
            }
            case Ops.REV32: {
                long a = rz(rn);
                wz(rd, ((long) Integer.reverseBytes((int) (a >>> 32)) << 32) | (Integer.reverseBytes((int) a) & 0xFFFF_FFFFL), true);
                break;
            }
            case Ops.REV_w:
                wz(rd, Integer.reverseBytes((int) rz(rn)), false);
                break;
            case Ops.REV_x:
                wz(rd, Long.reverseBytes(rz(rn)), true);
                break;
            case Ops.CLZ:
                wz(rd, sf ? Long.numberOfLeadingZeros(rz(rn)) : Integer.numberOfLeadingZeros((int) rz(rn)), sf);
                break;
            case Ops.CLS: {
                long a = rz(rn);
                wz(rd, sf ? Long.numberOfLeadingZeros(a ^ (a >> 1)) - 1
                        : Integer.numberOfLeadingZeros((int) a ^ ((int) a >> 1)) - 1, sf);
                break;
            }
            case Ops.ADC:
            case Ops.ADCS:
            case Ops.SBC:
            case Ops.SBCS: {
                boolean sub = row == A64.SBC || row == A64.SBCS;
                boolean flags = row == A64.ADCS || row == A64.SBCS;
                wz(rd, addWithCarry(rz(rn), sub ? ~rz(rm) : rz(rm), c, sf, flags), sf);
                break;
            }
            case Ops.SMADDL:
            case Ops.SMSUBL:
            case Ops.UMADDL:
            case Ops.UMSUBL: {
                boolean signed = row == A64.SMADDL || row == A64.SMSUBL;
                long a = signed ? (long) (int) rz(rn) : rz(rn) & 0xFFFF_FFFFL;
                long b = signed ? (long) (int) rz(rm) : rz(rm) & 0xFFFF_FFFFL;
                long acc = rz((w >>> 10) & 31);
                wz(rd, row == A64.SMADDL || row == A64.UMADDL ? acc + a * b : acc - a * b, true);
                break;
            }
            case Ops.SMULH:
                wz(rd, Math.multiplyHigh(rz(rn), rz(rm)), true);
                break;
            case Ops.UMULH: {
                long a = rz(rn);
                long b = rz(rm);
                long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
                wz(rd, hi, true);
                break;
            }
            case Ops.MADD:
            case Ops.MSUB: {
                long prod = rz(rn) * rz(rm);
                long a = rz((w >>> 10) & 31);
                wz(rd, row == A64.MADD ? a + prod : a - prod, sf);
                break;
            }
            default:
                return undefined(w);
        }
        pc = next;
        return true;
    }

    /** Loads and stores (C4.1.88). */
    private boolean loadStore(A64 row, int w) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long next = pc + 4;
        if (rn == 31 && spAlignCheck && (x[31] & 15) != 0 && !LITERAL[row.ordinal()]) {
            return spAlignmentFault();
        }
        switch (row.ordinal()) {
            // ---- loads and stores
            case Ops.STRB_uimm:
            case Ops.STRH_uimm:
            case Ops.STRW_uimm:
            case Ops.STRX_uimm: {
                int size = row.encoding().scale();
                if (!store(x[rn] + (long) bits(w, 10, 12) * size, size, rz(rd))) {
                    return false;
                }
                break;
            }
            case Ops.LDRB_uimm:
            case Ops.LDRH_uimm:
            case Ops.LDRW_uimm:
            case Ops.LDRX_uimm:
            case Ops.LDRSB_uimm:
            case Ops.LDRSH_uimm:
            case Ops.LDRSW_uimm: {
                int size = row.encoding().scale();
                boolean signed = row == A64.LDRSB_uimm || row == A64.LDRSH_uimm || row == A64.LDRSW_uimm;
                if (!load(rd, x[rn] + (long) bits(w, 10, 12) * size, size, signed, true)) {
                    return false;
                }
                break;
            }
            case Ops.STRB_reg:
            case Ops.STRH_reg:
            case Ops.STRW_reg:
            case Ops.STRX_reg:
            case Ops.LDRB_reg:
            case Ops.LDRH_reg:
            case Ops.LDRW_reg:
            case Ops.LDRSW_reg:
            case Ops.LDRX_reg: {
                int option = bits(w, 13, 3);
                if ((option & 2) == 0) {
                    return undefined(w);
                }
                int size = row.encoding().scale();
                long off = extend(rz(rm), option) << (bits(w, 12, 1) == 1 ? Integer.numberOfTrailingZeros(size) : 0);
                long address = x[rn] + off;
                boolean ok = IS_STORE[row.ordinal()] ? store(address, size, rz(rd))
                        : load(rd, address, size, row == A64.LDRSW_reg, true);
                if (!ok) {
                    return false;
                }
                break;
            }
            case Ops.STURB:
            case Ops.STURH:
            case Ops.STURW:
            case Ops.STURX:
            case Ops.LDURB:
            case Ops.LDURH:
            case Ops.LDURW:
            case Ops.LDURX: {
                int size = row.encoding().scale();
                long address = x[rn] + sext(bits(w, 12, 9), 9);
                boolean ok = IS_STORE[row.ordinal()] ? store(address, size, rz(rd)) : load(rd, address, size, false, true);
                if (!ok) {
                    return false;
                }
                break;
            }
            case Ops.PRFM_lit:
                break; // a prefetch hint: no memory access, never a fault
            case Ops.LDRW_lit:
            case Ops.LDRX_lit:
            case Ops.LDRSW_lit: {
                long address = pc + (sext(bits(w, 5, 19), 19) << 2);
                if (!load(rd, address, row.encoding().scale(), row == A64.LDRSW_lit, true)) {
                    return false;
                }
                break;
            }
            case Ops.STPW_off:
            case Ops.LDPW_off:
            case Ops.STPW_pre:
            case Ops.LDPW_pre:
            case Ops.STPW_post:
            case Ops.LDPW_post:
            case Ops.LDPSW_off:
            case Ops.LDPSW_pre:
            case Ops.LDPSW_post:
            case Ops.STNP_w:
            case Ops.LDNP_w: {
                long off = sext(bits(w, 15, 7), 7) * 4;
                int rt2 = (w >>> 10) & 31;
                boolean post = row == A64.STPW_post || row == A64.LDPW_post || row == A64.LDPSW_post;
                boolean writeback = post || row == A64.STPW_pre || row == A64.LDPW_pre || row == A64.LDPSW_pre;
                boolean isLoad = !IS_STORE[row.ordinal()];
                long address = post ? x[rn] : x[rn] + off;
                if (isLoad) {
                    long a = vread(address, 4);
                    if (memFault) {
                        return false;
                    }
                    long b = vread(address + 4, 4);
                    if (memFault) {
                        return false;
                    }
                    if (row == A64.LDPSW_off || row == A64.LDPSW_pre || row == A64.LDPSW_post) {
                        a = (long) (int) a;
                        b = (long) (int) b;
                    }
                    wz(rd, a, true);
                    wz(rt2, b, true);
                } else if (!store(address, 4, rz(rd)) || !store(address + 4, 4, rz(rt2))) {
                    return false;
                }
                if (writeback) {
                    x[rn] = x[rn] + off;
                }
                break;
            }
            case Ops.LDXR_w:
            case Ops.LDXR_x:
            case Ops.LDAXR_w:
            case Ops.LDAXR_x:
            case Ops.LDAR_w:
            case Ops.LDAR_x: {
                int size = row.encoding().scale();
                long address = x[rn];
                if (!checkAligned(address, size, false)) {
                    return false;
                }
                if (!load(rd, address, size, false, true)) {
                    return false;
                }
                if (row != A64.LDAR_w && row != A64.LDAR_x) {
                    exclusiveAddress = address;
                    exclusiveSize = size;
                }
                break;
            }
            case Ops.STXR_w:
            case Ops.STXR_x:
            case Ops.STLXR_w:
            case Ops.STLXR_x: {
                int size = row.encoding().scale();
                long address = x[rn];
                if (!checkAligned(address, size, true)) {
                    return false;
                }
                boolean pass = exclusiveAddress == address && exclusiveSize == size;
                exclusiveAddress = -1;
                if (pass && !store(address, size, rz(rd))) {
                    return false;
                }
                wz(rm, pass ? 0 : 1, false);
                break;
            }
            case Ops.STLR_w:
            case Ops.STLR_x: {
                int size = row.encoding().scale();
                long address = x[rn];
                if (!checkAligned(address, size, true)) {
                    return false;
                }
                if (!store(address, size, rz(rd))) {
                    return false;
                }
                break;
            }
            case Ops.LDST_uimm:
            case Ops.LDST_unscaled:
            case Ops.LDST_post:
            case Ops.LDST_pre:
            case Ops.LDST_reg:
                if (!loadStoreSingle(row, w, rd, rn, rm)) {
                    return false;
                }
                break;
            case Ops.CAS:
                if (!compareAndSwap(w, rd, rn, rm)) {
                    return false;
                }
                break;
            case Ops.ATOMIC:
                if (!atomic(w, rd, rn, rm)) {
                    return false;
                }
                break;
            case Ops.STRX_pre:
            case Ops.LDRX_pre:
            case Ops.STRX_post:
            case Ops.LDRX_post: {
                long off = sext(bits(w, 12, 9), 9);
                boolean pre = row == A64.STRX_pre || row == A64.LDRX_pre;
                long address = pre ? x[rn] + off : x[rn];
                boolean ok = row == A64.STRX_pre || row == A64.STRX_post ? store(address, 8, rz(rd)) : load(rd, address, 8, false, true);
                if (!ok) {
                    return false;
                }
                if (!(rd == rn && rn != 31 && (row == A64.LDRX_pre || row == A64.LDRX_post))) {
                    x[rn] = x[rn] + off;
                }
                break;
            }
            case Ops.STP_off:
            case Ops.LDP_off:
            case Ops.STP_pre:
            case Ops.LDP_pre:
            case Ops.STP_post:
            case Ops.LDP_post:
            case Ops.STNP_x:
            case Ops.LDNP_x: {
                long off = sext(bits(w, 15, 7), 7) * 8;
                int rt2 = (w >>> 10) & 31;
                boolean post = row == A64.STP_post || row == A64.LDP_post;
                boolean writeback = post || row == A64.STP_pre || row == A64.LDP_pre;
                boolean isLoad = row == A64.LDP_off || row == A64.LDP_pre || row == A64.LDP_post || row == A64.LDNP_x;
                long address = post ? x[rn] : x[rn] + off;
                if (isLoad) {
                    long a = vread(address, 8);
                    if (memFault) {
                        return false;
                    }
                    long b = vread(address + 8, 8);
                    if (memFault) {
                        return false;
                    }
                    wz(rd, a, true);
                    wz(rt2, b, true);
                } else {
                    long a = rz(rd);
                    long b = rz(rt2);
                    if (!store(address, 8, a) || !store(address + 8, 8, b)) {
                        return false;
                    }
                }
                if (writeback) {
                    x[rn] = x[rn] + off;
                }
                break;
            }
            default:
                return undefined(w);
        }
        pc = next;
        return true;
    }


    /**
     * The general single-register load/store (C6.2: LDR/STR/LDRS* immediate, unscaled, pre/post
     * index, register offset; PRFM/PRFUM as no-ops). opc 0 store, 1 load, 2 load signed to 64
     * bits, 3 load signed to 32 bits.
     */
    private boolean loadStoreSingle(A64 row, int w, int rt, int rn, int rm) {
        int sizeLog = bits(w, 30, 2);
        int size = 1 << sizeLog;
        int opc = bits(w, 22, 2);
        boolean prefetch = size == 8 && opc == 2;
        if (prefetch && (row == A64.LDST_pre || row == A64.LDST_post) || size == 8 && opc == 3 || size == 4 && opc == 3) {
            return undefined(w);
        }
        long address;
        long offset = 0;
        switch (row.ordinal()) {
            case Ops.LDST_uimm: address = x[rn] + ((long) bits(w, 10, 12) << sizeLog); break;
            case Ops.LDST_reg: {
                int option = bits(w, 13, 3);
                if ((option & 2) == 0) {
                    return undefined(w);
                }
                address = x[rn] + (extend(rz(rm), option) << (bits(w, 12, 1) == 1 ? sizeLog : 0));
                break;
            }
            case Ops.LDST_pre:
                offset = sext(bits(w, 12, 9), 9);
                address = x[rn] + offset;
                break;
            case Ops.LDST_post:
                offset = sext(bits(w, 12, 9), 9);
                address = x[rn];
                break;
            default: address = x[rn] + sext(bits(w, 12, 9), 9); break;
        }
        if (prefetch) {
            return true; // PRFM: a hint, never faults
        }
        if (opc == 0) {
            if (!store(address, size, rz(rt))) {
                return false;
            }
        } else {
            long value = vread(address, size);
            if (memFault) {
                return false;
            }
            if (opc >= 2) {
                value = sext(value, size * 8);
                if (opc == 3) {
                    value &= 0xFFFF_FFFFL;
                }
            }
            boolean writebackOverlap = (row == A64.LDST_pre || row == A64.LDST_post) && rt == rn && rn != 31;
            if (!writebackOverlap) {
                wz(rt, value, true);
            }
        }
        if (row == A64.LDST_pre || row == A64.LDST_post) {
            x[rn] = x[rn] + offset;
        }
        return true;
    }

    /** CAS{A}{L}{B,H}: compare memory with Rs, store Rt if equal; Rs gets the old value (C6.2.41). */
    private boolean compareAndSwap(int w, int rt, int rn, int rs) {
        int size = 1 << bits(w, 30, 2);
        long address = x[rn];
        if (!checkAligned(address, size, true)) {
            return false;
        }
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        long old = vread(address, size);
        if (memFault) {
            return false;
        }
        if (old == (rz(rs) & mask)) {
            if (!store(address, size, rz(rt))) {
                return false;
            }
        }
        wz(rs, old, true);
        return true;
    }

    /** SWP and the LD&lt;op&gt; atomics (C6.2.124 and friends): Rt gets the old value, memory the result; and LDAPR. */
    private boolean atomic(int w, int rt, int rn, int rs) {
        int sizeLog = bits(w, 30, 2);
        int size = 1 << sizeLog;
        int op = bits(w, 12, 4);
        boolean ldapr = op == 12 && rs == 31 && bits(w, 22, 2) == 2; // LDAPR (ARMv8.3 RCpc): a load-acquire
        if (op > 8 && !ldapr) {
            return undefined(w);
        }
        long address = x[rn];
        if (ldapr) {
            return load(rt, address, size, false, true);
        }
        if (!checkAligned(address, size, true)) {
            return false;
        }
        int bitsWide = 8 * size;
        long mask = size == 8 ? -1L : (1L << bitsWide) - 1;
        long old = vread(address, size);
        if (memFault) {
            return false;
        }
        long operand = rz(rs) & mask;
        long result;
        switch (op) {
            case 0: result = old + operand; break;
            case 1: result = old & ~operand; break;
            case 2: result = old ^ operand; break;
            case 3: result = old | operand; break;
            case 4: result = sext(old, bitsWide) >= sext(operand, bitsWide) ? old : operand; break;
            case 5: result = sext(old, bitsWide) <= sext(operand, bitsWide) ? old : operand; break;
            case 6: result = Long.compareUnsigned(old, operand) >= 0 ? old : operand; break;
            case 7: result = Long.compareUnsigned(old, operand) <= 0 ? old : operand; break;
            default: result = operand; break; // SWP
        }
        if (!store(address, size, result & mask)) {
            return false;
        }
        wz(rt, old, true);
        return true;
    }

    private void setLogicFlags(long r, boolean is64) {
        n = (int) (is64 ? r >>> 63 : (r >>> 31) & 1);
        z = r == 0 ? 1 : 0;
        c = 0;
        v = 0;
    }

    private static long rotateRight(long value, int amount, int width) {
        if (width == 64) {
            return Long.rotateRight(value, amount);
        }
        return Integer.rotateRight((int) value, amount) & 0xFFFF_FFFFL;
    }
}
