package dev.levitate.sim.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds a minimal, valid ELF64 AArch64 executable in memory: one PT_LOAD segment and a symtab. */
final class ElfBuilder {
    private ElfBuilder() {
    }

    /**
     * @param address where the code loads and runs
     * @param code the segment bytes
     * @param bss extra zeroed bytes after the code
     * @param symbol a function symbol at {@code address}
     */
    static byte[] build(long address, byte[] code, int bss, String symbol) {
        int phoff = 64;
        int codeOff = phoff + 56;
        int strOff = codeOff + code.length;
        byte[] strtab = ("\0" + symbol + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int symOff = (strOff + strtab.length + 7) & ~7;
        int symSize = 2 * 24;
        int shoff = symOff + symSize;
        int shnum = 3; // null, .symtab, .strtab
        ByteBuffer b = ByteBuffer.allocate(shoff + shnum * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 2).putShort(18, (short) ElfImage.EM_AARCH64).putInt(20, 1);
        b.putLong(24, address).putLong(32, phoff).putLong(40, shoff);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putShort(58, (short) 64).putShort(60, (short) shnum).putShort(62, (short) 0);
        // PT_LOAD
        b.putInt(phoff, 1).putInt(phoff + 4, 5).putLong(phoff + 8, codeOff).putLong(phoff + 16, address)
                .putLong(phoff + 24, address).putLong(phoff + 32, code.length).putLong(phoff + 40, code.length + bss)
                .putLong(phoff + 48, 4096);
        b.put(codeOff, code);
        b.put(strOff, strtab);
        // symbol 1: FUNC at address
        int s1 = symOff + 24;
        b.putInt(s1, 1).put(s1 + 4, (byte) 0x12).putLong(s1 + 8, address).putLong(s1 + 16, code.length);
        // section 1: symtab (link 2), section 2: strtab
        int sh1 = shoff + 64;
        b.putInt(sh1 + 4, 2).putLong(sh1 + 24, symOff).putLong(sh1 + 32, symSize).putInt(sh1 + 40, 2).putLong(sh1 + 56, 24);
        int sh2 = shoff + 128;
        b.putInt(sh2 + 4, 3).putLong(sh2 + 24, strOff).putLong(sh2 + 32, strtab.length);
        return b.array();
    }

    /**
     * An image with one PT_LOAD segment and a symbol table of FUNC symbols, each naming an offset
     * of the given string table (which is written as is, NUL bytes or not).
     *
     * @param address where the code loads and runs
     * @param code the segment bytes
     * @param nameOffsets each symbol's st_name
     * @param values each symbol's st_value
     * @param strtab the string table's bytes
     */
    static byte[] withSymbols(long address, byte[] code, int[] nameOffsets, long[] values, byte[] strtab) {
        int phoff = 64;
        int codeOff = phoff + 56;
        int strOff = codeOff + code.length;
        int symOff = (strOff + strtab.length + 7) & ~7;
        int symSize = (nameOffsets.length + 1) * 24;
        int shoff = symOff + symSize;
        int shnum = 3;
        ByteBuffer b = ByteBuffer.allocate(shoff + shnum * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 2).putShort(18, (short) ElfImage.EM_AARCH64).putInt(20, 1);
        b.putLong(24, address).putLong(32, phoff).putLong(40, shoff);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putShort(58, (short) 64).putShort(60, (short) shnum).putShort(62, (short) 0);
        b.putInt(phoff, 1).putInt(phoff + 4, 5).putLong(phoff + 8, codeOff).putLong(phoff + 16, address)
                .putLong(phoff + 24, address).putLong(phoff + 32, code.length).putLong(phoff + 40, code.length)
                .putLong(phoff + 48, 4096);
        b.put(codeOff, code);
        b.put(strOff, strtab);
        for (int i = 0; i < nameOffsets.length; i++) {
            int s = symOff + 24 * (i + 1);
            b.putInt(s, nameOffsets[i]).put(s + 4, (byte) 0x12).putLong(s + 8, values[i]);
        }
        int sh1 = shoff + 64;
        b.putInt(sh1 + 4, 2).putLong(sh1 + 24, symOff).putLong(sh1 + 32, symSize).putInt(sh1 + 40, 2).putLong(sh1 + 56, 24);
        int sh2 = shoff + 128;
        b.putInt(sh2 + 4, 3).putLong(sh2 + 24, strOff).putLong(sh2 + 32, strtab.length);
        return b.array();
    }
}
