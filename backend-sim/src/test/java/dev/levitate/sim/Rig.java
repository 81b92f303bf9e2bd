package dev.levitate.sim;

import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.SYSREG;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemOperation;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.Machine;

/**
 * A machine set up for guest-level tests of exceptions and the MMU: 16 MiB of RAM, code at
 * {@link #CODE}, a vector table at {@link #VECTORS} whose 16 entries each load the entry's offset
 * into x19 and branch to {@link #HANDLER}, where a debugger breakpoint stops the run (so the test
 * sees the state right after exception entry), and a bump allocator for translation tables.
 *
 * <pre>
 *   0x4000_0000  CODE      guest code (A64Assembler)
 *   0x4001_0000  VECTORS   16 x 0x80, then HANDLER at +0x800
 *   0x4010_0000  tables    bump-allocated 4 KiB tables
 *   0x4040_0000  frames    data pages (frame(i))
 * </pre>
 * Translation: 4 KiB granule, T0SZ = 16 (walks start at level 0), TTBR1 walks disabled, MAIR
 * attribute 0 Normal WB, attribute 1 Device-nGnRnE; RAM identity-mapped by global 2 MiB blocks.
 */
public final class Rig {
    /** Where test code goes. */
    public static final long CODE = Machine.RAM_BASE;
    /** VBAR_EL1 when {@link #installVectors()} was called. */
    public static final long VECTORS = Machine.RAM_BASE + 0x1_0000;
    /** The common handler every vector branches to (a breakpoint). */
    public static final long HANDLER = VECTORS + 0x800;
    /** First table page. */
    public static final long TABLES = Machine.RAM_BASE + 0x10_0000;
    /** First data frame. */
    public static final long FRAMES = Machine.RAM_BASE + 0x40_0000;

    /** Descriptor bits. */
    public static final long VALID = 1;
    /** Table (levels 0-2) or page (level 3). */
    public static final long TABLE_OR_PAGE = 2;
    /** Access flag. */
    public static final long AF = 1L << 10;
    /** Not global. */
    public static final long NG = 1L << 11;
    /** AP[1]: EL0 access. */
    public static final long AP_EL0 = 1L << 6;
    /** AP[2]: read-only. */
    public static final long AP_RO = 1L << 7;
    /** Inner shareable. */
    public static final long SH_INNER = 3L << 8;

    /** TCR_EL1: T0SZ 16, IRGN/ORGN WB, SH inner, TG0 4K, EPD1, T1SZ 16, IPS 40 bits. */
    public static final long TCR = 16 | 1L << 8 | 1L << 10 | 3L << 12 | 1L << 23 | 16L << 16 | 2L << 32;
    /** MAIR_EL1: attr0 Normal WB, attr1 Device-nGnRnE. */
    public static final long MAIR = 0xFF;

    private final Machine machine;
    private long nextTable = TABLES;

    /** Creates a machine of 16 MiB. */
    public Rig() {
        this(new Machine(16L << 20, b -> { }, b -> { }, b -> { }));
    }

    /**
     * Wraps a machine.
     *
     * @param machine the machine
     */
    public Rig(Machine machine) {
        this.machine = machine;
    }

    /** @return the machine */
    public Machine machine() {
        return machine;
    }

    /** @return the CPU */
    public Cpu cpu() {
        return machine.cpu();
    }

    /**
     * A data frame.
     *
     * @param i its number
     * @return its PA
     */
    public static long frame(int i) {
        return FRAMES + 0x1000L * i;
    }

    /** @return a new assembler at CODE */
    public static A64Assembler code() {
        return new A64Assembler(CODE);
    }

    /**
     * Loads code at its base and points the PC at it.
     *
     * @param a the assembler
     * @param base where it was assembled for
     */
    public void load(A64Assembler a, long base) {
        machine.loadRaw(base, a.assembleBytes());
    }

    /**
     * Loads code at CODE.
     *
     * @param a the assembler
     */
    public void load(A64Assembler a) {
        load(a, CODE);
    }

    /** Writes the 16 vectors and the handler breakpoint; sets VBAR_EL1. */
    public void installVectors() {
        for (int i = 0; i < 16; i++) {
            A64Assembler v = new A64Assembler(VECTORS + 0x80L * i);
            v.movz(19, 0x80 * i, 0);
            v.word(branch(VECTORS + 0x80L * i + 4, HANDLER));
            byte[] b = v.assembleBytes();
            machine.ram().write(VECTORS + 0x80L * i, b, 0, b.length);
        }
        machine.ram().write32(HANDLER, 0xD503201F); // nop (the breakpoint stops before it)
        cpu().setBreakpoint(HANDLER);
        cpu().setSystemRegister(SystemRegister.VBAR_EL1, VECTORS);
    }

    /**
     * An unconditional branch word.
     *
     * @param from its address
     * @param to the target
     * @return B
     */
    public static int branch(long from, long to) {
        return 0x1400_0000 | (int) (((to - from) >> 2) & 0x03FF_FFFF);
    }

    /** Runs and expects to stop at the handler (after an exception entry); returns the vector offset. */
    public int runToHandler(long budget) {
        StopKind k = machine.run(budget);
        if (k != StopKind.DEBUG_BREAK || cpu().pc() != HANDLER) {
            throw new AssertionError("expected to reach the handler, stopped with " + k + " at 0x"
                    + Long.toHexString(cpu().stopPc()) + " syndrome 0x" + Long.toHexString(cpu().stopSyndrome()));
        }
        return (int) cpu().reg(19);
    }

    /**
     * A system register as EL1 reads it.
     *
     * @param r the register
     * @return its value
     */
    public long sys(SystemRegister r) {
        return cpu().systemRegister(r);
    }

    // ------------------------------------------------------------------ tables

    /** @return a zeroed table page */
    public long newTable() {
        long t = nextTable;
        nextTable += 0x1000;
        machine.ram().zero(t, 0x1000);
        return t;
    }

    /**
     * The descriptor address for {@code va} at {@code level}, creating tables above it.
     *
     * @param root the level-0 table
     * @param va the VA
     * @param level 1..3
     * @return the entry's PA
     */
    public long entry(long root, long va, int level) {
        long table = root;
        for (int l = 0; l < level; l++) {
            long e = table + 8 * index(va, l);
            long d = machine.ram().read64(e);
            if ((d & 3) != 3) {
                long t = newTable();
                machine.ram().write64(e, t | VALID | TABLE_OR_PAGE);
                d = t | 3;
            }
            table = d & 0x0000_FFFF_FFFF_F000L;
        }
        return table + 8 * index(va, level);
    }

    /**
     * The index of {@code va} at a level.
     *
     * @param va the VA
     * @param level 0..3
     * @return 0..511
     */
    public static int index(long va, int level) {
        return (int) (va >>> (12 + 9 * (3 - level))) & 511;
    }

    /**
     * Maps a 4 KiB page.
     *
     * @param root the level-0 table
     * @param va the VA
     * @param pa the PA
     * @param attrs extra descriptor bits (NG, AP_EL0, ...)
     * @return the descriptor's PA
     */
    public long map4k(long root, long va, long pa, long attrs) {
        long e = entry(root, va, 3);
        machine.ram().write64(e, page(pa, attrs));
        return e;
    }

    /**
     * A level-3 page descriptor.
     *
     * @param pa the output address
     * @param attrs extra bits
     * @return the descriptor
     */
    public static long page(long pa, long attrs) {
        return pa | VALID | TABLE_OR_PAGE | AF | SH_INNER | attrs;
    }

    /**
     * A block descriptor (levels 1, 2).
     *
     * @param pa the output address
     * @param attrs extra bits
     * @return the descriptor
     */
    public static long block(long pa, long attrs) {
        return pa | VALID | AF | SH_INNER | attrs;
    }

    /**
     * Maps a 2 MiB block.
     *
     * @param root the level-0 table
     * @param va the VA (2 MiB aligned)
     * @param pa the PA (2 MiB aligned)
     * @param attrs extra bits
     * @return the descriptor's PA
     */
    public long map2m(long root, long va, long pa, long attrs) {
        long e = entry(root, va, 2);
        machine.ram().write64(e, block(pa, attrs));
        return e;
    }

    /**
     * A new root with all of RAM identity-mapped by global 2 MiB blocks, AP = 0b00 (EL1
     * read-write, no EL0 data access; both ELs may execute: AP = 0b01 would make them PXN).
     *
     * @return the root
     */
    public long identityRoot() {
        long root = newTable();
        for (long pa = Machine.RAM_BASE; pa < Machine.RAM_BASE + (16L << 20); pa += 1L << 21) {
            map2m(root, pa, pa, 0);
        }
        return root;
    }

    /**
     * Turns the MMU on with TTBR0 = root and an ASID.
     *
     * @param root the level-0 table
     * @param asid the ASID
     */
    public void enableMmu(long root, int asid) {
        cpu().setSystemRegister(SystemRegister.MAIR_EL1, MAIR);
        cpu().setSystemRegister(SystemRegister.TCR_EL1, TCR);
        cpu().setSystemRegister(SystemRegister.TTBR0_EL1, root | (long) asid << 48);
        cpu().setSystemRegister(SystemRegister.SCTLR_EL1, sys(SystemRegister.SCTLR_EL1) | 1);
    }

    // ------------------------------------------------------------------ instructions

    /**
     * {@code tlbi op, x{rt}}.
     *
     * @param a the assembler
     * @param op the operation
     * @param rt the operand register (31 for none)
     */
    public static void tlbi(A64Assembler a, SystemOperation op, int rt) {
        a.emit(A64.SYS, SYSREG, op.key() & 0x3FFF, RD, rt);
    }

    /**
     * {@code msr reg, x{rt}}.
     *
     * @param a the assembler
     * @param r the register
     * @param rt the source
     */
    public static void msr(A64Assembler a, SystemRegister r, int rt) {
        a.emit(A64.MSR_reg, SYSREG, r.key() & 0x7FFF, RD, rt);
    }

    /**
     * {@code mrs x{rt}, reg}.
     *
     * @param a the assembler
     * @param rt the destination
     * @param r the register
     */
    public static void mrs(A64Assembler a, int rt, SystemRegister r) {
        a.emit(A64.MRS, SYSREG, r.key() & 0x7FFF, RD, rt);
    }

    /** {@code dsb ish}. */
    public static final int DSB_ISH = 0xD5033B9F;
    /** {@code isb}. */
    public static final int ISB = 0xD5033FDF;
    /** {@code eret}. */
    public static final int ERET = 0xD69F03E0;
    /** {@code wfi}. */
    public static final int WFI = 0xD503207F;

    /**
     * {@code msr daifset, #imm} / {@code msr daifclr, #imm}.
     *
     * @param set DAIFSet if true
     * @param imm the 4-bit mask
     * @return the word
     */
    public static int msrDaif(boolean set, int imm) {
        return 0xD500401F | (set ? 6 : 7) << 5 | 3 << 16 | (imm & 15) << 8;
    }

    /**
     * {@code msr spsel, #imm}.
     *
     * @param imm 0 or 1
     * @return the word
     */
    public static int msrSpSel(int imm) {
        return 0xD50040BF | (imm & 15) << 8;
    }
}
