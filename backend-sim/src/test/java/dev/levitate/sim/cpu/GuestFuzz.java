package dev.levitate.sim.cpu;

import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.SYSREG;

import dev.levitate.sim.Rig;
import dev.levitate.sim.Tier;
import dev.levitate.a64.A64;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.Disassembler;
import dev.levitate.a64.SystemOperation;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The guest side of the fuzz campaign (issue #16): a random program at EL0 or EL1, with the MMU
 * off or on, with or without returning exception handlers and a timer interrupt, run through every tier (general
 * interpreter, fast loop, compiled blocks) under both timing models, bounded by an instruction
 * count, and checked after each run:
 * <ul>
 *   <li>no Java exception escapes, and the machine stops with a clean {@link StopKind} within the
 *       budget (an exception stop carries its syndrome); a second run after it stops cleanly too;
 *   <li>EL0 code never reaches semihosting or PSCI (nothing printed, no EXIT or POWER_OFF stop),
 *       never changes an EL1 system register or PSTATE.DAIF, never runs at EL1 outside the
 *       vectors, and with the MMU on never writes a byte of EL1 memory nor touches a device
 *       (checked where EL1's memory is protected: with the MMU on, or with no vectors so that no
 *       EL1 code runs; with the MMU off EL0 may rewrite the vectors, as on hardware);
 *   <li>differential: the three tiers end in the same architectural state (registers, PC,
 *       PSTATE, system registers, the stop with its PC and syndrome, instructions, cycles, every
 *       materialised RAM page and every byte of output) under each timing model.
 * </ul>
 * An {@link Input} prints as a line that {@link Input#parse} reads back: failing inputs are kept
 * under {@code src/test/resources/fuzz-regressions/guest/} and replayed by
 * {@code GuestFuzzRegressionTest}.
 */
final class GuestFuzz {
    /** Instructions per run (exception entries count too). */
    static final long BUDGET = 2_000;
    static final long RAM_SIZE = 16L << 20;
    /** A user page for EL0 with the MMU on: VA {@value} maps frames 0-3 with EL0 read-write access. */
    static final long USER_VA = 0x8000_0000L;
    static final int USER_PAGES = 4;
    static final Set<StopKind> EXCEPTION_STOPS = EnumSet.of(StopKind.UNDEFINED, StopKind.BREAKPOINT,
            StopKind.EXCEPTION_CALL, StopKind.ABORT, StopKind.ALIGNMENT);
    /** The EL1 registers EL0 code must never change (its exceptions change only ESR, ELR, SPSR, FAR). */
    static final SystemRegister[] EL1_ONLY = {SystemRegister.SCTLR_EL1, SystemRegister.TCR_EL1, SystemRegister.TTBR0_EL1,
        SystemRegister.TTBR1_EL1, SystemRegister.MAIR_EL1, SystemRegister.AMAIR_EL1, SystemRegister.VBAR_EL1,
        SystemRegister.CONTEXTIDR_EL1, SystemRegister.TPIDR_EL1, SystemRegister.TPIDRRO_EL0, SystemRegister.CPACR_EL1,
        SystemRegister.CNTKCTL_EL1, SystemRegister.PAR_EL1, SystemRegister.MDSCR_EL1, SystemRegister.CSSELR_EL1};
    /** The system registers compared between tiers. */
    static final SystemRegister[] COMPARED = {SystemRegister.SCTLR_EL1, SystemRegister.TCR_EL1, SystemRegister.TTBR0_EL1,
        SystemRegister.TTBR1_EL1, SystemRegister.MAIR_EL1, SystemRegister.VBAR_EL1, SystemRegister.ESR_EL1, SystemRegister.ELR_EL1,
        SystemRegister.SPSR_EL1, SystemRegister.FAR_EL1, SystemRegister.PAR_EL1, SystemRegister.CONTEXTIDR_EL1,
        SystemRegister.TPIDR_EL1, SystemRegister.TPIDR_EL0, SystemRegister.TPIDRRO_EL0, SystemRegister.CNTP_CTL_EL0,
        SystemRegister.CNTP_CVAL_EL0, SystemRegister.CNTV_CTL_EL0, SystemRegister.CNTV_CVAL_EL0};

    private GuestFuzz() {
    }

    /**
     * One program and the state it starts in.
     *
     * @param el0 whether it runs at EL0 (entered by an ERET from EL1), else at EL1
     * @param mmu whether the MMU is on (RAM identity-mapped for EL1 only, plus the user page)
     * @param vectors whether VBAR_EL1 points at handlers that skip the instruction and return
     * @param registerSeed the seed of the starting registers
     * @param timer 0, or the physical timer's deadline in counter ticks (CNTP_CVAL_EL0, enabled,
     *     its PPI 30 enabled at the GIC): an IRQ that the handlers return from without
     *     acknowledging, so it comes again whenever PSTATE.I is clear (at EL0 from the start)
     * @param words the program, from {@code Rig.CODE + 4}
     */
    record Input(boolean el0, boolean mmu, boolean vectors, long registerSeed, int timer, int[] words) {
        /**
         * The one-line form: {@code el0|el1 mmu|nommu vectors|novectors registers=N [timer=T]
         * words=hex,hex,...}.
         */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s %s %s registers=%d %swords=",
                    el0 ? "el0" : "el1", mmu ? "mmu" : "nommu", vectors ? "vectors" : "novectors", registerSeed,
                    timer == 0 ? "" : "timer=" + timer + " "));
            for (int i = 0; i < words.length; i++) {
                b.append(i == 0 ? "" : ",").append(String.format("%08x", words[i]));
            }
            return b.toString();
        }

        /** The program disassembled, for a failure message. */
        String listing() {
            StringBuilder b = new StringBuilder();
            long pc = Rig.CODE + 4;
            for (int w : words) {
                b.append(String.format("  0x%08x  %08x  %s%n", pc, w, Disassembler.disassemble(w, pc)));
                pc += 4;
            }
            return b.toString();
        }

        /**
         * Reads the one-line form back.
         *
         * @param line what {@link #toString()} printed
         * @return the input
         * @throws IllegalArgumentException if the line is not in that form
         */
        static Input parse(String line) {
            String[] f = line.trim().split("\\s+");
            boolean timed = f.length == 6 && f[4].startsWith("timer=");
            if (f.length != (timed ? 6 : 5) || !f[3].startsWith("registers=") || !f[f.length - 1].startsWith("words=")) {
                throw new IllegalArgumentException("not a guest fuzz input: '" + line + "'");
            }
            int timer = timed ? Integer.parseInt(f[4].substring("timer=".length())) : 0;
            String[] hex = f[f.length - 1].substring("words=".length()).split(",");
            int[] words = new int[hex.length];
            for (int i = 0; i < hex.length; i++) {
                words[i] = Integer.parseUnsignedInt(hex[i], 16);
            }
            return new Input(f[0].equals("el0"), f[1].equals("mmu"), f[2].equals("vectors"),
                    Long.parseLong(f[3].substring("registers=".length())), timer, words);
        }
    }

    // ------------------------------------------------------------------ generation

    private static final A64[] ROWS = A64.values();
    private static final SystemRegister[] SYSREGS = SystemRegister.values();
    private static final SystemOperation[] SYSOPS = SystemOperation.values();

    /**
     * A random input: a third of the words fully random, the rest biased to real encodings (a
     * random row of the encoding table with random fields: loads and stores, branches with short
     * offsets, system instructions), to MRS/MSR of the registers the core names, SYS operations,
     * and the exception-generating and returning instructions (SVC, HVC, SMC, BRK, HLT #0xF000,
     * ERET, WFI, DAIF and SPSel writes).
     *
     * @param rnd the source
     * @return the input
     */
    static Input generate(SplittableRandom rnd) {
        int n = 1 + rnd.nextInt(32);
        int[] words = new int[n];
        for (int i = 0; i < n; i++) {
            words[i] = word(rnd);
        }
        boolean el0 = rnd.nextBoolean();
        boolean mmu = rnd.nextBoolean();
        boolean vectors = rnd.nextInt(4) != 0;
        long registers = rnd.nextLong(1_000_000_000L);
        // a quarter of the inputs with a timer due within the first 2,000 instructions (16 cycles a tick)
        int timer = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(120) : 0;
        return new Input(el0, mmu, vectors, registers, timer, words);
    }

    static int word(SplittableRandom rnd) {
        int kind = rnd.nextInt(20);
        if (kind < 6) {
            return rnd.nextInt();
        }
        if (kind < 13) {
            A64 row = ROWS[rnd.nextInt(ROWS.length)];
            int w = row.encoding().value() | (rnd.nextInt() & ~row.encoding().mask());
            return shortBranch(row, w, rnd);
        }
        if (kind < 15) {
            SystemRegister r = SYSREGS[rnd.nextInt(SYSREGS.length)];
            A64 row = rnd.nextBoolean() ? A64.MRS : A64.MSR_reg;
            return row.encoding().encode(SYSREG, r.key() & 0x7FFF, RD, rnd.nextInt(32));
        }
        if (kind < 16) {
            SystemOperation op = SYSOPS[rnd.nextInt(SYSOPS.length)];
            return A64.SYS.encoding().encode(SYSREG, op.key() & 0x3FFF, RD, rnd.nextInt(32));
        }
        int[] special = {
            0xD45E_0000,                  // hlt #0xf000: semihosting
            0xD400_0001 | rnd.nextInt(4) << 5, // svc #0..3
            0xD400_0002,                  // hvc #0: PSCI
            0xD400_0003,                  // smc #0
            0xD420_0000,                  // brk #0
            Rig.ERET, Rig.WFI, 0xD503_205F, // eret, wfi, wfe
            Rig.msrDaif(false, 15), Rig.msrDaif(true, 15), Rig.msrSpSel(0), Rig.msrSpSel(1),
            0xD61F_0000 | rnd.nextInt(32) << 5, // br xN
            0xD65F_03C0,                  // ret
            0xD50B_7420,                  // dc zva, x0
        };
        return special[rnd.nextInt(special.length)];
    }

    /** Branches of the table get offsets of at most 8 instructions either way, so that they mostly stay in the program. */
    private static int shortBranch(A64 row, int w, SplittableRandom rnd) {
        int off = rnd.nextInt(-8, 9);
        switch (row) {
            case B:
            case BL:
                return (w & ~0x03FF_FFFF) | (off & 0x03FF_FFFF);
            case B_cond:
            case CBZ:
            case CBNZ:
                return (w & ~(0x7FFFF << 5)) | (off & 0x7FFFF) << 5;
            case TBZ:
            case TBNZ:
                return (w & ~(0x3FFF << 5)) | (off & 0x3FFF) << 5;
            default:
                return w;
        }
    }

    // ------------------------------------------------------------------ running and checking

    /** What one run left behind, for the invariants and the comparison between tiers. */
    static final class Run {
        final Machine machine;
        final StopKind stop;
        final List<String> state = new ArrayList<>();
        final StringBuilder uart = new StringBuilder();
        final StringBuilder semihosting = new StringBuilder();
        final long[] el1Before = new long[EL1_ONLY.length];
        long ramBefore;

        Run(Machine machine, StopKind stop) {
            this.machine = machine;
            this.stop = stop;
        }
    }

    /**
     * Runs the input in every tier under both timing models and checks every invariant.
     *
     * @param in the input
     * @return what the runs did, for the campaign's statistics
     * @throws AssertionError naming the invariant, the tier and timing, and the input
     */
    static Summary check(Input in) {
        StopKind firstStop = null;
        long fast = 0;
        long compiled = 0;
        long exceptions = 0;
        for (CpuConfig.Timing timing : CpuConfig.Timing.values()) {
            Run reference = null;
            for (Tier tier : Tier.values()) {
                Run r;
                try {
                    r = run(in, tier, timing);
                    invariants(in, r);
                    // the machine stays usable: a second run neither throws nor hangs (not
                    // compared: the first run's state is what the tiers must agree on)
                    if (r.stop != StopKind.EXIT && r.stop != StopKind.POWER_OFF && r.machine.run(100) == StopKind.NONE) {
                        throw new AssertionError("a second run ended with no stop reason");
                    }
                } catch (AssertionError e) {
                    throw new AssertionError(tier + ", " + timing + " timing: " + e.getMessage(), e);
                } catch (Throwable t) {
                    throw new AssertionError(tier + ", " + timing + " timing: a Java exception escaped: " + t, t);
                }
                if (reference == null) {
                    reference = r;
                } else {
                    compare(reference, r, Tier.GENERAL + " vs " + tier + ", " + timing + " timing");
                }
                firstStop = firstStop == null ? r.stop : firstStop;
                fast += r.machine.cpu().fastTierInstructions();
                compiled += r.machine.cpu().compiledInstructions();
                exceptions += r.machine.cpu().exceptionsTaken();
            }
        }
        return new Summary(firstStop, fast, compiled, exceptions);
    }

    /**
     * What the six runs of one input did (after the second runs).
     *
     * @param stop how the first run stopped
     * @param fastInstructions instructions the fast tier ran, over all runs
     * @param compiledInstructions instructions compiled blocks ran, over all runs
     * @param exceptions exceptions taken, over all runs
     */
    record Summary(StopKind stop, long fastInstructions, long compiledInstructions, long exceptions) {
    }

    static Run run(Input in, Tier tier, CpuConfig.Timing timing) {
        StringBuilder uart = new StringBuilder();
        StringBuilder semi = new StringBuilder();
        Machine m = new Machine(RAM_SIZE, tier.config(timing), b -> uart.append((char) (b & 0xFF)),
                b -> semi.append((char) (b & 0xFF)), b -> semi.append((char) (b & 0xFF)));
        Rig rig = new Rig(m);
        Cpu cpu = m.cpu();
        if (in.vectors()) {
            for (int i = 0; i < 16; i++) { // skip the instruction and return
                A64Assembler v = new A64Assembler(Rig.VECTORS + 0x80L * i);
                Rig.mrs(v, 28, SystemRegister.ELR_EL1);
                v.addImm(28, 28, 4);
                Rig.msr(v, SystemRegister.ELR_EL1, 28);
                v.word(Rig.ERET);
                rig.load(v, Rig.VECTORS + 0x80L * i);
            }
            cpu.setSystemRegister(SystemRegister.VBAR_EL1, Rig.VECTORS);
        }
        if (in.mmu()) {
            long root = rig.identityRoot();
            for (int i = 0; i < USER_PAGES; i++) {
                rig.map4k(root, USER_VA + 0x1000L * i, Rig.frame(i), Rig.AP_EL0 | Rig.NG);
            }
            rig.enableMmu(root, 1);
        }
        if (in.timer() > 0) {
            int ppi = dev.levitate.sim.timer.GenericTimer.PPI_PHYSICAL;
            m.gic().writeDistributor(0x000, 4, 1);        // GICD_CTLR: on
            m.gic().writeDistributor(0x100, 4, 1L << ppi); // GICD_ISENABLER0
            m.gic().writeDistributor(0x400 + ppi, 1, 0x80); // priority
            m.gic().writeCpuInterface(0x00, 4, 1);        // GICC_CTLR: on
            m.gic().writeCpuInterface(0x04, 4, 0xF0);     // GICC_PMR
            cpu.setSystemRegister(SystemRegister.CNTP_CVAL_EL0, in.timer());
            cpu.setSystemRegister(SystemRegister.CNTP_CTL_EL0, 1);
        }
        A64Assembler a = Rig.code().word(in.el0() ? Rig.ERET : 0xD503_201F);
        for (int w : in.words()) {
            a.word(w);
        }
        rig.load(a);
        SplittableRandom r = new SplittableRandom(in.registerSeed());
        for (int i = 0; i < 31; i++) {
            int kind = r.nextInt(8);
            long v;
            if (kind < 3) {
                v = Rig.CODE + (r.nextLong(0x2_0000) & ~7L); // near the code
            } else if (kind == 3) {
                v = USER_VA + (r.nextLong(0x1000L * USER_PAGES) & ~7L); // the user page
            } else if (kind == 4) {
                // x0: a semihosting operation (SYS_WRITEC, SYS_WRITE0, SYS_WRITE, SYS_EXIT,
                // SYS_EXIT_EXTENDED) or a PSCI function; the others small: shifts, counts
                long[] calls = {0x03, 0x04, 0x05, 0x18, 0x20, 0x8400_0000L, 0x8400_0008L};
                v = i == 0 ? calls[r.nextInt(calls.length)] : r.nextInt(0x30);
            } else {
                v = r.nextLong();
            }
            cpu.setReg(i, v);
        }
        cpu.setReg(31, Rig.CODE + 0x8_0000);
        cpu.setSystemRegister(SystemRegister.SP_EL0, in.mmu() && in.el0() ? USER_VA + 0x3000 : Rig.CODE + 0x9_0000);
        cpu.setSystemRegister(SystemRegister.SPSR_EL1, 0); // EL0t, DAIF clear
        cpu.setSystemRegister(SystemRegister.ELR_EL1, Rig.CODE + 4);

        long[] el1 = new long[EL1_ONLY.length];
        for (int i = 0; i < el1.length; i++) {
            el1[i] = cpu.systemRegister(EL1_ONLY[i]);
        }
        long ramBefore = ramDigest(m, in);
        StopKind stop = m.run(BUDGET);
        Run run = new Run(m, stop);
        System.arraycopy(el1, 0, run.el1Before, 0, el1.length);
        run.ramBefore = ramBefore;
        run.uart.append(uart);
        run.semihosting.append(semi);
        List<String> s = run.state;
        s.add("stop " + stop + " at 0x" + Long.toHexString(cpu.stopPc()) + " syndrome 0x" + Long.toHexString(cpu.stopSyndrome())
                + " value 0x" + Long.toHexString(cpu.stopValue()) + " word 0x" + Integer.toHexString(cpu.stopWord()));
        s.add("pc 0x" + Long.toHexString(cpu.pc()) + " pstate 0x" + Long.toHexString(cpu.pstate()));
        for (int i = 0; i < 32; i++) {
            s.add((i == 31 ? "sp" : "x" + i) + " 0x" + Long.toHexString(cpu.reg(i)));
        }
        for (SystemRegister sr : COMPARED) {
            s.add(sr + " 0x" + Long.toHexString(cpu.systemRegister(sr)));
        }
        s.add("instructions " + cpu.instructions() + ", cycles " + cpu.cycles() + ", exceptions " + cpu.exceptionsTaken());
        s.add("RAM digest " + Long.toHexString(ramDigest(m, null)));
        s.add("UART " + hex(uart) + " semihosting " + hex(semi));
        return run;
    }

    static void invariants(Input in, Run r) {
        Cpu cpu = r.machine.cpu();
        if (r.stop == StopKind.NONE) {
            throw new AssertionError("stopped with no stop reason");
        }
        if (cpu.instructions() > BUDGET) {
            throw new AssertionError("retired " + cpu.instructions() + " instructions, more than the budget of " + BUDGET);
        }
        if (cpu.exceptionLevel() != 0 && cpu.exceptionLevel() != 1) {
            throw new AssertionError("EL " + cpu.exceptionLevel());
        }
        if (EXCEPTION_STOPS.contains(r.stop) && cpu.stopSyndrome() == 0) {
            throw new AssertionError(r.stop + " without a syndrome at 0x" + Long.toHexString(cpu.stopPc()));
        }
        if (!in.el0() || !in.mmu() && in.vectors()) {
            // with the MMU off nothing protects EL1's memory from EL0 (as on hardware): EL0 code
            // may rewrite the vectors and so choose what EL1 runs; the EL0 rules below hold when
            // EL1 memory is protected (MMU on) or no EL1 code runs at all (no vectors)
            return;
        }
        // EL0: no way into semihosting, PSCI or EL1 state
        if (r.semihosting.length() != 0 || r.stop == StopKind.EXIT || r.stop == StopKind.POWER_OFF) {
            throw new AssertionError("EL0 code reached semihosting or PSCI: stop " + r.stop + ", output " + hex(r.semihosting));
        }
        for (int i = 0; i < EL1_ONLY.length; i++) {
            long now = cpu.systemRegister(EL1_ONLY[i]);
            if (now != r.el1Before[i]) {
                throw new AssertionError("EL0 code changed " + EL1_ONLY[i] + " from 0x" + Long.toHexString(r.el1Before[i])
                        + " to 0x" + Long.toHexString(now));
            }
        }
        long pc = cpu.pc();
        boolean inVectors = pc >= Rig.VECTORS && pc < Rig.VECTORS + 0x800;
        if (cpu.exceptionLevel() == 1 && !inVectors && !EXCEPTION_STOPS.contains(r.stop) && r.stop != StopKind.RECURSIVE_FAULT) {
            throw new AssertionError("EL0 code got to EL1 outside the vectors: pc 0x" + Long.toHexString(pc) + ", stop " + r.stop);
        }
        if (cpu.exceptionLevel() == 0 && (cpu.pstate() & 0x3C0) != 0) {
            throw new AssertionError("EL0 code changed PSTATE.DAIF: pstate 0x" + Long.toHexString(cpu.pstate()));
        }
        if (in.mmu()) {
            if (r.uart.length() != 0) {
                throw new AssertionError("EL0 code reached the UART with the MMU on: " + hex(r.uart));
            }
            long after = ramDigest(r.machine, in);
            if (after != r.ramBefore) {
                throw new AssertionError("EL0 code changed EL1 memory with the MMU on (RAM outside the user frames)");
            }
        }
    }

    static void compare(Run expected, Run actual, String what) {
        for (int i = 0; i < expected.state.size(); i++) {
            if (!expected.state.get(i).equals(actual.state.get(i))) {
                throw new AssertionError(what + ": the tiers disagree: " + expected.state.get(i) + " vs " + actual.state.get(i));
            }
        }
    }

    /**
     * A digest of every materialised RAM page that is not all zero, with its address; for an EL0
     * input with the MMU on ({@code userFramesOf} given), the user frames are left out.
     */
    static long ramDigest(Machine m, Input userFramesOf) {
        boolean skipUser = userFramesOf != null && userFramesOf.el0() && userFramesOf.mmu();
        long h = 17;
        for (long pa = Machine.RAM_BASE; pa < Machine.RAM_BASE + RAM_SIZE; pa += 0x1000) {
            if (skipUser && pa >= Rig.frame(0) && pa < Rig.frame(USER_PAGES)) {
                continue;
            }
            byte[] page = m.ram().backingPage(pa, false);
            if (page == null) {
                continue;
            }
            int ph = java.util.Arrays.hashCode(page);
            boolean zero = true;
            for (byte b : page) {
                if (b != 0) {
                    zero = false;
                    break;
                }
            }
            if (!zero) {
                h = h * 1_000_003L + (pa ^ ph);
            }
        }
        return h;
    }

    private static String hex(CharSequence s) {
        if (s.length() == 0) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 64); i++) {
            b.append(String.format("%02x", (int) s.charAt(i)));
        }
        return b.append(s.length() > 64 ? "... (" + s.length() + " bytes)" : "").toString();
    }
}
