package dev.levitate.sim.gdb;

import dev.levitate.sim.cpu.Cpu;

/**
 * The registers GDB sees, numbered as in its {@code org.gnu.gdb.aarch64.core} feature, and the
 * target description that announces them.
 *
 * <pre>
 *   number   name      bits   on the Cpu
 *   0..30    x0..x30   64     reg(0..30)
 *   31       sp        64     reg(31)
 *   32       pc        64     pc()
 *   33       cpsr      32     nzcv(): N Z C V in bits 31:28, the rest reads as zero
 * </pre>
 * The {@code g} packet carries them in that order, each little-endian: 33 × 8 + 4 = 268 bytes.
 * Writing cpsr sets only the flags.
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
    /** How many registers there are. */
    static final int COUNT = CPSR + 1;
    /** The size of a 64-bit register in bytes. */
    static final int X_BYTES = 8;
    /** The size of cpsr in bytes. */
    static final int CPSR_BYTES = 4;
    /** The size of the whole {@code g} block in bytes. */
    static final int BLOCK_BYTES = (COUNT - 1) * X_BYTES + CPSR_BYTES;

    private Registers() {
    }

    /**
     * Returns a register's size.
     *
     * @param n 0..{@link #CPSR}
     * @return its size in bytes
     */
    static int size(int n) {
        return n == CPSR ? CPSR_BYTES : X_BYTES;
    }

    /**
     * Reads a register.
     *
     * @param cpu the CPU
     * @param n 0..{@link #CPSR}
     * @return its value (cpsr zero-extended)
     */
    static long read(Cpu cpu, int n) {
        if (n <= SP) {
            return cpu.reg(n);
        }
        return n == PC ? cpu.pc() : Integer.toUnsignedLong(cpu.nzcv());
    }

    /**
     * Writes a register.
     *
     * @param cpu the CPU
     * @param n 0..{@link #CPSR}
     * @param value the value (for cpsr, only bits 31:28 are kept)
     */
    static void write(Cpu cpu, int n, long value) {
        if (n <= SP) {
            cpu.setReg(n, value);
        } else if (n == PC) {
            cpu.setPc(value);
        } else {
            cpu.setNzcv((int) value);
        }
    }

    /**
     * Appends all registers in {@code g} order.
     *
     * @param cpu the CPU
     * @param sb where
     */
    static void appendAll(Cpu cpu, StringBuilder sb) {
        for (int n = 0; n < COUNT; n++) {
            Hex.appendLittleEndian(sb, read(cpu, n), size(n));
        }
    }

    /**
     * Writes all registers from a {@code G} block.
     *
     * @param cpu the CPU
     * @param block exactly {@link #BLOCK_BYTES} bytes
     */
    static void writeAll(Cpu cpu, byte[] block) {
        int offset = 0;
        for (int n = 0; n < COUNT; n++) {
            write(cpu, n, Hex.littleEndian(block, offset, size(n)));
            offset += size(n);
        }
    }

    /**
     * Returns the target description GDB asks for as {@code target.xml}: the AArch64
     * architecture and the core feature with the registers above, numbered from 0.
     *
     * @return the XML document
     */
    static String targetXml() {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<?xml version=\"1.0\"?>\n")
                .append("<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n")
                .append("<target version=\"1.0\">\n")
                .append("  <architecture>aarch64</architecture>\n")
                .append("  <feature name=\"org.gnu.gdb.aarch64.core\">\n");
        for (int n = 0; n < X_COUNT; n++) {
            sb.append("    <reg name=\"x").append(n).append("\" bitsize=\"64\" regnum=\"").append(n).append("\"/>\n");
        }
        sb.append("    <reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"").append(SP).append("\"/>\n")
                .append("    <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"").append(PC).append("\"/>\n")
                .append("    <reg name=\"cpsr\" bitsize=\"32\" regnum=\"").append(CPSR).append("\"/>\n")
                .append("  </feature>\n")
                .append("</target>\n");
        return sb.toString();
    }
}
