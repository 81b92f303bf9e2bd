package dev.levitate.sim.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Mutates a valid ELF64 file the way an attacker would: header and table fields (e_phoff, e_shoff,
 * p_offset, p_filesz, sh_size, sh_offset, sh_link, e_shstrndx, ...) set to extreme values (0, all
 * ones, near 2^63 and 2^32, the file's length +- 1), random bytes changed, the file cut short.
 * Deterministic: the same seed gives the same mutant and the same description of it.
 */
final class ElfMutator {
    /** One field: its offset in the file, its width in bytes and its gABI name. */
    record Field(int offset, int width, String name) {
    }

    private final byte[] seed;
    private final List<Field> fields = new ArrayList<>();

    ElfMutator(byte[] seed) {
        this.seed = seed.clone();
        ByteBuffer b = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN);
        add(24, 8, "e_entry");
        add(32, 8, "e_phoff");
        add(40, 8, "e_shoff");
        add(54, 2, "e_phentsize");
        add(56, 2, "e_phnum");
        add(58, 2, "e_shentsize");
        add(60, 2, "e_shnum");
        add(62, 2, "e_shstrndx");
        int phoff = (int) b.getLong(32);
        for (int i = 0; i < (b.getShort(56) & 0xFFFF); i++) {
            int h = phoff + 56 * i;
            add(h, 4, "p_type[" + i + "]");
            add(h + 4, 4, "p_flags[" + i + "]");
            add(h + 8, 8, "p_offset[" + i + "]");
            add(h + 16, 8, "p_vaddr[" + i + "]");
            add(h + 24, 8, "p_paddr[" + i + "]");
            add(h + 32, 8, "p_filesz[" + i + "]");
            add(h + 40, 8, "p_memsz[" + i + "]");
        }
        int shoff = (int) b.getLong(40);
        for (int i = 0; shoff != 0 && i < (b.getShort(60) & 0xFFFF); i++) {
            int h = shoff + 64 * i;
            add(h + 4, 4, "sh_type[" + i + "]");
            add(h + 24, 8, "sh_offset[" + i + "]");
            add(h + 32, 8, "sh_size[" + i + "]");
            add(h + 40, 4, "sh_link[" + i + "]");
            add(h + 56, 8, "sh_entsize[" + i + "]");
        }
    }

    private void add(int offset, int width, String name) {
        fields.add(new Field(offset, width, name));
    }

    /** A mutant and what was done to make it. */
    record Mutant(byte[] file, String how) {
        String hex() {
            return HexFormat.of().formatHex(file);
        }
    }

    /**
     * Makes the mutant for one seed.
     *
     * @param seedValue the random seed (printed on failure, so the input can be made again)
     * @return the mutant
     */
    Mutant mutate(long seedValue) {
        Random r = new Random(seedValue);
        byte[] m = seed.clone();
        StringBuilder how = new StringBuilder();
        int strategy = r.nextInt(4);
        if (strategy == 0 || strategy == 3) { // extreme field values
            for (int n = 1 + r.nextInt(3); n > 0; n--) {
                Field f = fields.get(r.nextInt(fields.size()));
                long v = extreme(r, m.length);
                put(m, f, v);
                how.append(f.name()).append("=0x").append(Long.toHexString(v)).append(' ');
            }
        }
        if (strategy == 1 || strategy == 3) { // random bytes
            for (int n = 1 + r.nextInt(8); n > 0; n--) {
                int at = r.nextInt(m.length);
                m[at] = (byte) r.nextInt(256);
                how.append("byte[").append(at).append("]=").append(m[at] & 0xFF).append(' ');
            }
        }
        if (strategy == 2 || r.nextInt(8) == 0) { // cut short
            int length = r.nextInt(m.length + 1);
            m = Arrays.copyOf(m, length);
            how.append("length=").append(length);
        }
        return new Mutant(m, how.toString().trim());
    }

    private static long extreme(Random r, int length) {
        switch (r.nextInt(16)) {
            case 0: return 0;
            case 1: return 1;
            case 2: return -1;
            case 3: return Long.MAX_VALUE;
            case 4: return Long.MIN_VALUE;
            case 5: return Long.MAX_VALUE - r.nextInt(4096);
            case 6: return Long.MIN_VALUE + r.nextInt(4096);
            case 7: return 1L << 32;
            case 8: return (1L << 32) - 1 - r.nextInt(64);
            case 9: return Integer.MAX_VALUE;
            case 10: return 1L << 31;
            case 11: return length + r.nextInt(3) - 1;
            case 12: return r.nextInt(length + 1);
            case 13: return -1L - r.nextInt(4096);
            case 14: return 0x8000 + r.nextInt(0x8000);
            default: return r.nextLong();
        }
    }

    private static void put(byte[] m, Field f, long v) {
        for (int i = 0; i < f.width() && f.offset() + i < m.length; i++) {
            m[f.offset() + i] = (byte) (v >>> 8 * i);
        }
    }
}
