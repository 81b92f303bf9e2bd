package dev.levitate.sched.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A few A64 instructions, encoded by hand (ARM ARM C6.2), so that the kernel can generate guest
 * code for scripted workloads and its idle task without depending on a backend. The simulator's
 * disassembler checks every encoding here in the tests.
 */
public final class GuestCode {
    private int[] words = new int[64];
    private int count;

    /** Creates an empty program. */
    public GuestCode() {
    }

    /**
     * Appends a raw instruction.
     *
     * @param w the word
     * @return this
     */
    public GuestCode word(int w) {
        if (count == words.length) {
            words = Arrays.copyOf(words, count * 2);
        }
        words[count++] = w;
        return this;
    }

    /**
     * Returns the index of the next instruction (a branch target).
     *
     * @return the index
     */
    public int here() {
        return count;
    }

    /**
     * MOVZ/MOVK sequence: x{rd} = value.
     *
     * @param rd 0..30
     * @param value any 64-bit value
     * @return this
     */
    public GuestCode mov(int rd, long value) {
        word(0xD280_0000 | (int) (value & 0xFFFF) << 5 | rd);
        for (int hw = 1; hw < 4; hw++) {
            int part = (int) (value >>> (16 * hw)) & 0xFFFF;
            if (part != 0) {
                word(0xF280_0000 | hw << 21 | part << 5 | rd);
            }
        }
        return this;
    }

    /**
     * x{rd} = value in exactly four instructions (MOVZ and three MOVK), so code can be laid out
     * before the value is known.
     *
     * @param rd 0..30
     * @param value any 64-bit value
     * @return this
     */
    public GuestCode movFixed(int rd, long value) {
        word(0xD280_0000 | (int) (value & 0xFFFF) << 5 | rd);
        for (int hw = 1; hw < 4; hw++) {
            word(0xF280_0000 | hw << 21 | ((int) (value >>> (16 * hw)) & 0xFFFF) << 5 | rd);
        }
        return this;
    }

    /**
     * SUBS x{rd}, x{rn}, #imm12.
     *
     * @param rd destination
     * @param rn source
     * @param imm 0..4095
     * @return this
     */
    public GuestCode subs(int rd, int rn, int imm) {
        return word(0xF100_0000 | (imm & 0xFFF) << 10 | rn << 5 | rd);
    }

    /**
     * ADD x{rd}, x{rn}, #imm12.
     *
     * @param rd destination
     * @param rn source
     * @param imm 0..4095
     * @return this
     */
    public GuestCode add(int rd, int rn, int imm) {
        return word(0x9100_0000 | (imm & 0xFFF) << 10 | rn << 5 | rd);
    }

    /**
     * B.NE to an instruction index.
     *
     * @param target the index
     * @return this
     */
    public GuestCode bne(int target) {
        return word(0x5400_0001 | ((target - count) & 0x7_FFFF) << 5);
    }

    /**
     * B to an instruction index.
     *
     * @param target the index
     * @return this
     */
    public GuestCode b(int target) {
        return word(0x1400_0000 | ((target - count) & 0x3FF_FFFF));
    }

    /**
     * STR x{rt}, [x{rn}].
     *
     * @param rt source
     * @param rn base
     * @return this
     */
    public GuestCode str(int rt, int rn) {
        return word(0xF900_0000 | rn << 5 | rt);
    }

    /**
     * LDR x{rt}, [x{rn}].
     *
     * @param rt destination
     * @param rn base
     * @return this
     */
    public GuestCode ldr(int rt, int rn) {
        return word(0xF940_0000 | rn << 5 | rt);
    }

    /**
     * SVC #0 with x8 = the call's number (arguments already in x0..x5).
     *
     * @param call the system call
     * @return this
     */
    public GuestCode syscall(Syscall call) {
        mov(8, call.number());
        return word(0xD400_0001);
    }

    /**
     * WFI.
     *
     * @return this
     */
    public GuestCode wfi() {
        return word(0xD503_207F);
    }

    /**
     * A busy loop of about {@code iterations} × 2 instructions (SUBS, B.NE) using x9.
     *
     * @param iterations at least 1
     * @return this
     */
    public GuestCode spin(long iterations) {
        mov(9, Math.max(1, iterations));
        int loop = here();
        subs(9, 9, 1);
        return bne(loop);
    }

    /**
     * Returns the instruction words.
     *
     * @return a copy
     */
    public int[] words() {
        return Arrays.copyOf(words, count);
    }

    /**
     * Returns the code as little-endian bytes.
     *
     * @return the bytes
     */
    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putInt(words[i]);
        }
        return b.array();
    }
}
