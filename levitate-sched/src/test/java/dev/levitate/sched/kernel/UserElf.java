package dev.levitate.sched.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds small, valid user programs for {@link ElfProgram}: a code segment (R+X) at {@link #CODE}
 * that stores to a data segment (R+W) at {@link #DATA} and exits with code 5, and section headers
 * (null, .symtab, .strtab, .shstrtab) so that every table field exists to be mutated.
 */
final class UserElf {
    static final long CODE = 0x40_0000L;
    static final long DATA = 0x40_1000L;
    static final int EXIT_CODE = 5;

    private UserElf() {
    }

    static byte[] code() {
        return new GuestCode().mov(1, DATA).mov(2, EXIT_CODE).str(2, 1).ldr(0, 1).syscall(Syscall.EXIT).bytes();
    }

    static byte[] build() {
        byte[] code = code();
        int phoff = 64;
        int phnum = 2;
        int codeOff = phoff + 56 * phnum;
        int dataOff = codeOff + code.length;
        int dataLen = 8;
        byte[] strtab = "\0_start\0".getBytes(StandardCharsets.US_ASCII);
        byte[] shstrtab = "\0.symtab\0.strtab\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        int strOff = dataOff + dataLen;
        int shstrOff = strOff + strtab.length;
        int symOff = (shstrOff + shstrtab.length + 7) & ~7;
        int symSize = 2 * 24;
        int shoff = symOff + symSize;
        int shnum = 4;
        ByteBuffer b = ByteBuffer.allocate(shoff + shnum * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 2).putShort(18, (short) ElfProgram.EM_AARCH64).putInt(20, 1);
        b.putLong(24, CODE).putLong(32, phoff).putLong(40, shoff);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) phnum);
        b.putShort(58, (short) 64).putShort(60, (short) shnum).putShort(62, (short) 3);
        b.putInt(phoff, 1).putInt(phoff + 4, 5).putLong(phoff + 8, codeOff).putLong(phoff + 16, CODE).putLong(phoff + 24, CODE)
                .putLong(phoff + 32, code.length).putLong(phoff + 40, code.length).putLong(phoff + 48, 4096);
        int ph2 = phoff + 56;
        b.putInt(ph2, 1).putInt(ph2 + 4, 6).putLong(ph2 + 8, dataOff).putLong(ph2 + 16, DATA).putLong(ph2 + 24, DATA)
                .putLong(ph2 + 32, dataLen).putLong(ph2 + 40, 4096).putLong(ph2 + 48, 4096);
        b.put(codeOff, code);
        b.put(strOff, strtab);
        b.put(shstrOff, shstrtab);
        int s1 = symOff + 24;
        b.putInt(s1, 1).put(s1 + 4, (byte) 0x12).putLong(s1 + 8, CODE).putLong(s1 + 16, code.length);
        int sh1 = shoff + 64;
        b.putInt(sh1, 1).putInt(sh1 + 4, 2).putLong(sh1 + 24, symOff).putLong(sh1 + 32, symSize).putInt(sh1 + 40, 2).putLong(sh1 + 56, 24);
        int sh2 = shoff + 128;
        b.putInt(sh2, 9).putInt(sh2 + 4, 3).putLong(sh2 + 24, strOff).putLong(sh2 + 32, strtab.length);
        int sh3 = shoff + 192;
        b.putInt(sh3, 17).putInt(sh3 + 4, 3).putLong(sh3 + 24, shstrOff).putLong(sh3 + 32, shstrtab.length);
        return b.array();
    }
}
