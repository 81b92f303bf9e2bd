package dev.levitate.sim.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The arithmetic both pre-decoded tiers share — the {@link FastLoop}'s interpreter and the
 * {@link BlockCompiler}'s compiled blocks (through {@link JitOps}) — so that the flags, shifts and
 * extensions of the ARM ARM's pseudocode (J1.1: AddWithCarry, ShiftReg, ExtendReg) are written once
 * for them. Every method is small and static so that the JIT inlines it and folds its constant
 * arguments.
 */
final class Alu {
    private Alu() {
    }

    static final long M32 = 0xFFFF_FFFFL;
    static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** {@code ifHolds} where {@code mask} is all ones, {@code otherwise} where it is 0: no branch. */
    static long select(int mask, long ifHolds, long otherwise) {
        return (ifHolds & mask) | (otherwise & ~(long) mask);
    }

    /** ShiftReg (C6.2) for 64 bits: {@code aux} = type &lt;&lt; 6 | amount. */
    static long shift64(long value, int aux) {
        if (aux < 64) {
            return value << aux; // LSL (and no shift at all): the common case, tested first, no jump table
        }
        int amount = aux & 63;
        switch (aux >>> 6) {
            case 0: return value << amount;
            case 1: return value >>> amount;
            case 2: return value >> amount;
            default: return Long.rotateRight(value, amount);
        }
    }

    /** ShiftReg for 32 bits; the result's upper half is the caller's to clear. */
    static int shift32(int value, int aux) {
        if (aux < 64) {
            return value << aux;
        }
        int amount = aux & 31;
        switch (aux >>> 6) {
            case 0: return value << amount;
            case 1: return value >>> amount;
            case 2: return value >> amount;
            default: return Integer.rotateRight(value, amount);
        }
    }

    /** ExtendReg (C6.2) then the left shift, by the counts of {@link MicroOp#extension}: no switch. */
    static long extend(long value, int how) {
        int drop = (how & 7) << 3;
        long top = value << drop;
        return ((how & 8) != 0 ? top >> drop : top >>> drop) << (how >>> 4);
    }

    /** NZCV of AddWithCarry(a, b, 0) = r for 64 bits (J1.1). */
    static int addFlags64(long a, long b, long r) {
        return (int) (r >>> 63) << 3 | (r == 0 ? 4 : 0) | (Long.compareUnsigned(r, a) < 0 ? 2 : 0)
                | (int) ((~(a ^ b) & (a ^ r)) >>> 63);
    }

    static int addFlags32(int a, int b, int r) {
        return (r >>> 31) << 3 | (r == 0 ? 4 : 0) | (Integer.compareUnsigned(r, a) < 0 ? 2 : 0)
                | ((~(a ^ b) & (a ^ r)) >>> 31);
    }

    /** NZCV of AddWithCarry(a, NOT(b), 1) = r for 64 bits: C is "no borrow". */
    static int subFlags64(long a, long b, long r) {
        return (int) (r >>> 63) << 3 | (r == 0 ? 4 : 0) | (Long.compareUnsigned(a, b) >= 0 ? 2 : 0)
                | (int) (((a ^ b) & (a ^ r)) >>> 63);
    }

    static int subFlags32(int a, int b, int r) {
        return (r >>> 31) << 3 | (r == 0 ? 4 : 0) | (Integer.compareUnsigned(a, b) >= 0 ? 2 : 0)
                | (((a ^ b) & (a ^ r)) >>> 31);
    }

    /** ANDS/BICS/TST: N and Z from the result, C and V clear. */
    static int logicFlags64(long r) {
        return (int) (r >>> 63) << 3 | (r == 0 ? 4 : 0);
    }

    static int logicFlags32(int r) {
        return (r >>> 31) << 3 | (r == 0 ? 4 : 0);
    }

    /** A little-endian load of {@code 1 << sizeLog} bytes, zero-extended. */
    static long read(byte[] p, int off, int sizeLog) {
        switch (sizeLog) {
            case 3: return (long) LE64.get(p, off);
            case 2: return Integer.toUnsignedLong((int) LE32.get(p, off));
            case 1: return Short.toUnsignedLong((short) LE16.get(p, off));
            default: return p[off] & 0xFF;
        }
    }

    /** A little-endian store of the low {@code 1 << sizeLog} bytes of {@code value}. */
    static void write(byte[] p, int off, int sizeLog, long value) {
        switch (sizeLog) {
            case 3: LE64.set(p, off, value); break;
            case 2: LE32.set(p, off, (int) value); break;
            case 1: LE16.set(p, off, (short) value); break;
            default: p[off] = (byte) value; break;
        }
    }
}
