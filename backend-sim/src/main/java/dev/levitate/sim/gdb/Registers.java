package dev.levitate.sim.gdb;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemRegister;

/**
 * The registers GDB sees, numbered as in its {@code org.gnu.gdb.aarch64.core} feature, then the
 * EL1 system registers a kernel's debugger wants, and the target description that announces them.
 *
 * <pre>
 *   number   name       bits   on the Cpu
 *   0..30    x0..x30    64     reg(0..30)
 *   31       sp         64     reg(31): the current SP (SP_EL0 or SP_EL1 by EL and SPSel)
 *   32       pc         64     pc()
 *   33       cpsr       32     pstate(): N Z C V [31:28], IL [20], D A I F [9:6], M[3:0] = EL [3:2] and SPSel [0]
 *   34..     SYSTEM     64     the system registers below, in that order (feature org.levitate.gdb.aarch64.sysregs)
 * </pre>
 * The {@code g} packet carries the core registers only, in that order, each little-endian:
 * 33 × 8 + 4 = 268 bytes; GDB reads the system registers one at a time with {@code p} (and
 * writes them with {@code P}). Writing cpsr writes NZCV, DAIF and IL, and EL/SPSel when M names a
 * state this core has ({@link Cpu#setPstate(long)}).
 *
 * <p>There is no {@code org.gnu.gdb.aarch64.fpu} feature: the core has no FP/SIMD registers yet
 * (the FP/SIMD issue adds the feature with them).
 */
final class Registers {
    /** The number of x registers, x0..x30. */
    static final int X_COUNT = 31;
    /** GDB's number for sp. */
    static final int SP = 31;
    /** GDB's number for pc. */
    static final int PC = 32;
    /** GDB's number for cpsr. */
    static final int CPSR = 33;
    /** The number of the first system register. */
    static final int FIRST_SYSTEM = CPSR + 1;
    /** The number of registers in the {@code g} block. */
    static final int CORE_COUNT = CPSR + 1;
    /** The size of a 64-bit register in bytes. */
    static final int X_BYTES = 8;
    /** The size of cpsr in bytes. */
    static final int CPSR_BYTES = 4;
    /** The size of the whole {@code g} block in bytes. */
    static final int BLOCK_BYTES = (CORE_COUNT - 1) * X_BYTES + CPSR_BYTES;

    /** How a system register is reached beyond {@link Cpu#systemRegister}. */
    private enum Access {
        /** Through {@link Cpu#systemRegister} and {@link Cpu#setSystemRegister}. */
        SYSTEM,
        /** SP_EL0, wherever it is banked (MRS SP_EL0 is UNDEFINED while it is the current SP). */
        SP_EL0,
        /** SP_EL1, wherever it is banked. */
        SP_EL1,
        /** CurrentEL: EL in bits [3:2], read-only. */
        CURRENT_EL
    }

    /** One system register as GDB sees it. */
    private record Sys(String name, SystemRegister register, Access access) {
    }

    /** The system registers, in number order from {@link #FIRST_SYSTEM}. */
    private static final Sys[] SYSTEM = {
        sys(SystemRegister.SCTLR_EL1),
        sys(SystemRegister.TCR_EL1),
        sys(SystemRegister.TTBR0_EL1),
        sys(SystemRegister.TTBR1_EL1),
        sys(SystemRegister.MAIR_EL1),
        sys(SystemRegister.VBAR_EL1),
        sys(SystemRegister.ESR_EL1),
        sys(SystemRegister.FAR_EL1),
        sys(SystemRegister.ELR_EL1),
        sys(SystemRegister.SPSR_EL1),
        new Sys("SP_EL0", null, Access.SP_EL0),
        new Sys("SP_EL1", null, Access.SP_EL1),
        new Sys("CurrentEL", null, Access.CURRENT_EL),
        sys(SystemRegister.PAR_EL1),
        sys(SystemRegister.CPACR_EL1),
        sys(SystemRegister.CONTEXTIDR_EL1),
        sys(SystemRegister.TPIDR_EL0),
        sys(SystemRegister.TPIDR_EL1),
        sys(SystemRegister.TPIDRRO_EL0),
        sys(SystemRegister.MIDR_EL1),
        sys(SystemRegister.MPIDR_EL1),
        sys(SystemRegister.CNTFRQ_EL0),
        sys(SystemRegister.CNTKCTL_EL1),
        sys(SystemRegister.CNTPCT_EL0),
        sys(SystemRegister.CNTVCT_EL0),
        sys(SystemRegister.CNTP_CTL_EL0),
        sys(SystemRegister.CNTP_CVAL_EL0),
        sys(SystemRegister.CNTV_CTL_EL0),
        sys(SystemRegister.CNTV_CVAL_EL0),
    };

    /** How many registers there are, core and system. */
    static final int COUNT = FIRST_SYSTEM + SYSTEM.length;

    private static Sys sys(SystemRegister r) {
        return new Sys(r.name(), r, Access.SYSTEM);
    }

    private Registers() {
    }

    /**
     * Returns a register's size.
     *
     * @param n 0..{@link #COUNT} - 1
     * @return its size in bytes
     */
    static int size(int n) {
        return n == CPSR ? CPSR_BYTES : X_BYTES;
    }

    /**
     * Returns a register's name as the target description gives it.
     *
     * @param n 0..{@link #COUNT} - 1
     * @return the name
     */
    static String name(int n) {
        if (n < X_COUNT) {
            return "x" + n;
        }
        switch (n) {
            case SP: return "sp";
            case PC: return "pc";
            case CPSR: return "cpsr";
            default: return SYSTEM[n - FIRST_SYSTEM].name();
        }
    }

    /**
     * Reads a register, without side effects (a counter reads the cycle clock as it is).
     *
     * @param cpu the CPU
     * @param n 0..{@link #COUNT} - 1
     * @return its value (cpsr zero-extended)
     */
    static long read(Cpu cpu, int n) {
        if (n <= SP) {
            return cpu.reg(n);
        }
        if (n == PC) {
            return cpu.pc();
        }
        if (n == CPSR) {
            return cpu.pstate() & 0xFFFF_FFFFL;
        }
        Sys s = SYSTEM[n - FIRST_SYSTEM];
        switch (s.access()) {
            case SP_EL0: return usesSpEl0(cpu) ? cpu.reg(SP) : cpu.systemRegister(SystemRegister.SP_EL0);
            case SP_EL1: return cpu.stackPointerEl1();
            case CURRENT_EL: return (long) cpu.exceptionLevel() << 2;
            default: return cpu.systemRegister(s.register());
        }
    }

    /**
     * Writes a register.
     *
     * @param cpu the CPU
     * @param n 0..{@link #COUNT} - 1
     * @param value the value
     * @return false if the register cannot be written (CurrentEL, an ID or counter register):
     *     nothing changed
     */
    static boolean write(Cpu cpu, int n, long value) {
        if (n <= SP) {
            cpu.setReg(n, value);
        } else if (n == PC) {
            cpu.setPc(value);
        } else if (n == CPSR) {
            cpu.setPstate(value & 0xFFFF_FFFFL);
        } else {
            Sys s = SYSTEM[n - FIRST_SYSTEM];
            switch (s.access()) {
                case SP_EL0:
                    if (usesSpEl0(cpu)) {
                        cpu.setReg(SP, value);
                    } else {
                        cpu.setSystemRegister(SystemRegister.SP_EL0, value);
                    }
                    break;
                case SP_EL1:
                    cpu.setStackPointerEl1(value);
                    break;
                case CURRENT_EL:
                    return false;
                default:
                    try {
                        cpu.setSystemRegister(s.register(), value);
                    } catch (IllegalArgumentException readOnly) {
                        return false;
                    }
                    break;
            }
        }
        return true;
    }

    /** Whether the current SP is SP_EL0 (EL0, or EL1 with SPSel = 0: PSTATE.M[0] = 0). */
    private static boolean usesSpEl0(Cpu cpu) {
        return (cpu.pstate() & 1) == 0;
    }

    /**
     * Appends the core registers in {@code g} order.
     *
     * @param cpu the CPU
     * @param sb where
     */
    static void appendAll(Cpu cpu, StringBuilder sb) {
        for (int n = 0; n < CORE_COUNT; n++) {
            Hex.appendLittleEndian(sb, read(cpu, n), size(n));
        }
    }

    /**
     * Writes the core registers from a {@code G} block.
     *
     * @param cpu the CPU
     * @param block exactly {@link #BLOCK_BYTES} bytes
     */
    static void writeAll(Cpu cpu, byte[] block) {
        int offset = 0;
        for (int n = 0; n < CORE_COUNT; n++) {
            write(cpu, n, Hex.littleEndian(block, offset, size(n)));
            offset += size(n);
        }
    }

    /**
     * Returns the target description GDB asks for as {@code target.xml}: the AArch64
     * architecture, the core feature with cpsr's fields (as PSTATE is saved in SPSR_EL1, ARM ARM
     * C5.2.18), and the system-register feature in the {@code system} group ({@code info
     * all-registers} and {@code p $SCTLR_EL1} show them; {@code info registers} does not).
     *
     * @return the XML document
     */
    static String targetXml() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<?xml version=\"1.0\"?>\n")
                .append("<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n")
                .append("<target version=\"1.0\">\n")
                .append("  <architecture>aarch64</architecture>\n")
                .append("  <feature name=\"org.gnu.gdb.aarch64.core\">\n")
                .append("    <flags id=\"cpsr_flags\" size=\"4\">\n")
                .append("      <field name=\"SP\" start=\"0\" end=\"0\"/>\n")
                .append("      <field name=\"EL\" start=\"2\" end=\"3\"/>\n")
                .append("      <field name=\"nRW\" start=\"4\" end=\"4\"/>\n")
                .append("      <field name=\"F\" start=\"6\" end=\"6\"/>\n")
                .append("      <field name=\"I\" start=\"7\" end=\"7\"/>\n")
                .append("      <field name=\"A\" start=\"8\" end=\"8\"/>\n")
                .append("      <field name=\"D\" start=\"9\" end=\"9\"/>\n")
                .append("      <field name=\"IL\" start=\"20\" end=\"20\"/>\n")
                .append("      <field name=\"SS\" start=\"21\" end=\"21\"/>\n")
                .append("      <field name=\"V\" start=\"28\" end=\"28\"/>\n")
                .append("      <field name=\"C\" start=\"29\" end=\"29\"/>\n")
                .append("      <field name=\"Z\" start=\"30\" end=\"30\"/>\n")
                .append("      <field name=\"N\" start=\"31\" end=\"31\"/>\n")
                .append("    </flags>\n");
        for (int n = 0; n < X_COUNT; n++) {
            sb.append("    <reg name=\"x").append(n).append("\" bitsize=\"64\" regnum=\"").append(n).append("\"/>\n");
        }
        sb.append("    <reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"").append(SP).append("\"/>\n")
                .append("    <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"").append(PC).append("\"/>\n")
                .append("    <reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\" regnum=\"").append(CPSR).append("\"/>\n")
                .append("  </feature>\n")
                .append("  <feature name=\"org.levitate.gdb.aarch64.sysregs\">\n");
        for (int n = FIRST_SYSTEM; n < COUNT; n++) {
            sb.append("    <reg name=\"").append(name(n)).append("\" bitsize=\"64\" type=\"uint64\" group=\"system\" regnum=\"")
                    .append(n).append("\"/>\n");
        }
        sb.append("  </feature>\n")
                .append("</target>\n");
        return sb.toString();
    }
}
