package dev.levitate.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Small ELF64 AArch64 executables for the command tests: one PT_LOAD segment, optionally one symbol. */
final class TestElf {
    private TestElf() {
    }

    /**
     * An image of one RWX segment holding {@code bytes} at {@code address}, entry at its start,
     * with one FUNC symbol named {@code symbol} at the entry (none if null).
     */
    static byte[] image(long address, byte[] bytes, String symbol) {
        byte[] name = symbol == null ? new byte[0] : symbol.getBytes(StandardCharsets.UTF_8);
        int code = 120;
        int strtab = code + bytes.length;
        int strSize = 1 + name.length + 1;
        int symtab = (strtab + strSize + 7) & ~7;
        int symSize = 2 * 24;
        int shoff = symtab + symSize;
        boolean symbols = symbol != null;
        int total = symbols ? shoff + 3 * 64 : code + bytes.length;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 183).putInt(1);                  // ET_EXEC, EM_AARCH64, EV_CURRENT
        b.putLong(address).putLong(64).putLong(symbols ? shoff : 0).putInt(0);  // entry, phoff, shoff, flags
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1)
                .putShort((short) 64).putShort((short) (symbols ? 3 : 0)).putShort((short) 0);
        b.putInt(1).putInt(7).putLong(code).putLong(address).putLong(address)
                .putLong(bytes.length).putLong(bytes.length).putLong(4);         // PT_LOAD, RWX
        b.put(bytes);
        if (symbols) {
            b.position(strtab);
            b.put((byte) 0).put(name).put((byte) 0);
            b.position(symtab + 24);                                          // entry 0 is the null symbol
            b.putInt(1).put((byte) 0x12).put((byte) 0).putShort((short) 1).putLong(address).putLong(bytes.length);
            b.position(shoff + 64);                                           // section 0 is null
            b.putInt(0).putInt(2).putLong(0).putLong(0).putLong(symtab).putLong(symSize).putInt(2).putInt(1).putLong(8).putLong(24);
            b.putInt(0).putInt(3).putLong(0).putLong(0).putLong(strtab).putLong(strSize).putInt(0).putInt(0).putLong(1).putLong(0);
        }
        return b.array();
    }
}
