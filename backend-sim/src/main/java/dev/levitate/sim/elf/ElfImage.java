package dev.levitate.sim.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A parsed ELF64 AArch64 executable: its entry point, its PT_LOAD segments and its function and
 * object symbols (for traces). Parsing validates everything before anything is loaded; a bad file
 * throws {@link ElfFormatException} and nothing else (a mutation fuzz checks exactly that).
 *
 * <p>A file is hostile input: what it can make the parser allocate is bounded by its size. Every
 * offset/size check is in the subtract form, so no sum overflows; the PT_LOAD segments' file bytes
 * together may not exceed the file; there is at most one SHT_SYMTAB (gABI), linked to an
 * SHT_STRTAB whose last byte is NUL (gABI "String Table"), so every name ends inside it; a name
 * offset used by many symbols is decoded once; and all the names decoded from the table together
 * are at most {@value #NAME_BYTES_PER_STRTAB_BYTE} times its size. Overlap between segments is
 * checked in O(n log n).
 *
 * <p>Layout read (System V gABI, AArch64 ELF ABI): the 64-byte header, 56-byte program headers,
 * 64-byte section headers, and the SHT_SYMTAB section with its string table.
 *
 * @param entry e_entry
 * @param segments the PT_LOAD segments, by physical address
 * @param symbols address to name, for functions, objects and untyped labels such as {@code _start}
 */
public record ElfImage(long entry, List<Segment> segments, NavigableMap<Long, String> symbols) {

    /** EM_AARCH64. */
    public static final int EM_AARCH64 = 183;
    private static final int PT_LOAD = 1;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_STRTAB = 3;
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int MAX_HEADERS = 4096;
    private static final long MAX_SEGMENT_BYTES = 1L << 32;
    /**
     * All the symbol names decoded from a string table together are at most this many times the
     * table's size; a file that needs more is refused with {@link ElfFormatException}.
     */
    public static final int NAME_BYTES_PER_STRTAB_BYTE = 2;

    /**
     * One PT_LOAD segment.
     *
     * @param address where it goes (p_paddr)
     * @param bytes the file bytes (p_filesz of them)
     * @param memorySize p_memsz; the part past the file bytes is zero (.bss)
     */
    public record Segment(long address, byte[] bytes, long memorySize) {
        @Override
        public String toString() {
            return String.format("segment 0x%x: %d file bytes, %d in memory", address, bytes.length, memorySize);
        }
    }

    /**
     * Copies the collections so the image cannot change.
     *
     * @param entry the {@code entry} component
     * @param segments the {@code segments} component
     * @param symbols the {@code symbols} component
     */
    public ElfImage {
        segments = List.copyOf(segments);
        symbols = Collections.unmodifiableNavigableMap(new TreeMap<>(symbols));
    }

    /**
     * Returns the symbol at or before an address, with the offset, e.g. {@code main+0x10}.
     *
     * @param address an address
     * @return the text, or null if no symbol precedes it
     */
    public String symbolize(long address) {
        Map.Entry<Long, String> e = symbols.floorEntry(address);
        if (e == null) {
            return null;
        }
        long off = address - e.getKey();
        return off == 0 ? e.getValue() : e.getValue() + "+0x" + Long.toHexString(off);
    }

    /**
     * Parses an ELF file.
     *
     * @param file the bytes
     * @return the image
     * @throws ElfFormatException for anything malformed, with the reason
     */
    public static ElfImage parse(byte[] file) {
        if (file.length < EHDR_SIZE) {
            throw new ElfFormatException("truncated: " + file.length + " bytes, an ELF header needs " + EHDR_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file[0] != 0x7F || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw new ElfFormatException("no ELF magic at offset 0");
        }
        if (file[4] != 2) {
            throw new ElfFormatException("EI_CLASS " + file[4] + ": only ELF64 is supported");
        }
        if (file[5] != 1) {
            throw new ElfFormatException("EI_DATA " + file[5] + ": only little-endian is supported");
        }
        int machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_AARCH64) {
            throw new ElfFormatException("e_machine " + machine + " is not AArch64 (" + EM_AARCH64 + ")");
        }
        int type = b.getShort(16) & 0xFFFF;
        if (type != 2) {
            throw new ElfFormatException("e_type " + type + ": only executables (ET_EXEC) are loaded");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = b.getShort(54) & 0xFFFF;
        int phnum = b.getShort(56) & 0xFFFF;
        int shentsize = b.getShort(58) & 0xFFFF;
        int shnum = b.getShort(60) & 0xFFFF;
        if (phnum == 0) {
            throw new ElfFormatException("no program headers: nothing to load");
        }
        if (phentsize != PHDR_SIZE) {
            throw new ElfFormatException("e_phentsize " + phentsize + ", expected " + PHDR_SIZE);
        }
        checkRange(file, phoff, (long) phnum * PHDR_SIZE, "program headers");
        List<Segment> segments = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        long copied = 0;
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = b.getLong(at + 8);
            long paddr = b.getLong(at + 24);
            long filesz = b.getLong(at + 32);
            long memsz = b.getLong(at + 40);
            if (Long.compareUnsigned(filesz, memsz) > 0) {
                throw new ElfFormatException("segment " + i + ": p_filesz " + Long.toUnsignedString(filesz) + " > p_memsz "
                        + Long.toUnsignedString(memsz));
            }
            if (memsz < 0 || memsz > MAX_SEGMENT_BYTES) {
                throw new ElfFormatException("segment " + i + ": p_memsz " + Long.toUnsignedString(memsz) + " is beyond 4 GiB");
            }
            if (paddr < 0 || paddr > Long.MAX_VALUE - memsz) {
                throw new ElfFormatException(String.format("segment %d: address 0x%x + 0x%x wraps around", i, paddr, memsz));
            }
            checkRange(file, offset, filesz, "segment " + i);
            copied += filesz;
            if (copied > file.length) {
                throw new ElfFormatException(String.format("segment %d: the PT_LOAD segments' file bytes add up to %d, more than the "
                        + "%d-byte file (p_offset 0x%x): segments that share file bytes are refused", i, copied, file.length, offset));
            }
            byte[] bytes = new byte[(int) filesz];
            System.arraycopy(file, (int) offset, bytes, 0, (int) filesz);
            segments.add(new Segment(paddr, bytes, memsz));
            indices.add(i);
        }
        if (segments.isEmpty()) {
            throw new ElfFormatException("no PT_LOAD segment");
        }
        checkDisjoint(segments, indices);
        TreeMap<Long, String> symbols = new TreeMap<>();
        if (shnum > 0 && shoff != 0) {
            if (shentsize != SHDR_SIZE) {
                throw new ElfFormatException("e_shentsize " + shentsize + ", expected " + SHDR_SIZE);
            }
            if (shnum > MAX_HEADERS) {
                throw new ElfFormatException("e_shnum " + shnum + " is implausible");
            }
            checkRange(file, shoff, (long) shnum * SHDR_SIZE, "section headers");
            int symtab = -1;
            for (int i = 0; i < shnum; i++) {
                int at = (int) (shoff + (long) i * SHDR_SIZE);
                if (b.getInt(at + 4) == SHT_SYMTAB) {
                    if (symtab >= 0) {
                        throw new ElfFormatException(String.format("sections %d and %d (headers at offsets 0x%x and 0x%x) are both SHT_SYMTAB; "
                                + "the gABI allows one", symtab, i, shoff + (long) symtab * SHDR_SIZE, at));
                    }
                    symtab = i;
                }
            }
            if (symtab >= 0) {
                readSymbols(file, b, (int) (shoff + (long) symtab * SHDR_SIZE), shoff, shnum, symbols);
            }
        }
        return new ElfImage(entry, segments, symbols);
    }

    /** Refuses segments whose memory ranges overlap: sorted by address, each must end before the next. */
    private static void checkDisjoint(List<Segment> segments, List<Integer> indices) {
        Integer[] order = new Integer[segments.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> segments.get(i).address()));
        for (int k = 1; k < order.length; k++) {
            Segment before = segments.get(order[k - 1]);
            Segment s = segments.get(order[k]);
            if (s.address() - before.address() < before.memorySize()) { // both non-negative, no wrap (checked)
                throw new ElfFormatException(String.format("segment %d at 0x%x overlaps segment %d (%s)", indices.get(order[k]),
                        s.address(), indices.get(order[k - 1]), before));
            }
        }
    }

    /**
     * Reads the named NOTYPE, OBJECT and FUNC symbols of the SHT_SYMTAB section at header offset
     * {@code symtab}. What a file can make this allocate is bounded by the file: the linked
     * section must be an SHT_STRTAB whose last byte is NUL (gABI "String Table"), so a name ends
     * inside it; a name offset used by many symbols is decoded once; and all the names decoded
     * together are at most {@value #NAME_BYTES_PER_STRTAB_BYTE} times the string table's size
     * (linkers share a suffix between names, but a table cannot make every byte the start of a
     * long name).
     */
    private static void readSymbols(byte[] file, ByteBuffer b, int symtab, long shoff, int shnum, TreeMap<Long, String> out) {
        long offset = b.getLong(symtab + 24);
        long size = b.getLong(symtab + 32);
        int link = b.getInt(symtab + 40);
        if (link < 0 || link >= shnum) {
            throw new ElfFormatException("symbol table (section header at offset 0x" + Integer.toHexString(symtab) + ") links to section "
                    + Integer.toUnsignedString(link) + " of " + shnum);
        }
        checkRange(file, offset, size, "symbol table");
        int strAt = (int) (shoff + (long) link * SHDR_SIZE);
        int strType = b.getInt(strAt + 4);
        if (strType != SHT_STRTAB) {
            throw new ElfFormatException(String.format("symbol table links to section %d (header at offset 0x%x) of type %d, not "
                    + "SHT_STRTAB (%d)", link, strAt, strType, SHT_STRTAB));
        }
        long strOffset = b.getLong(strAt + 24);
        long strSize = b.getLong(strAt + 32);
        checkRange(file, strOffset, strSize, "string table");
        if (strSize > 0 && file[(int) (strOffset + strSize - 1)] != 0) {
            throw new ElfFormatException(String.format("string table at offset 0x%x (0x%x bytes) does not end with a NUL byte at "
                    + "offset 0x%x: its names would run past it", strOffset, strSize, strOffset + strSize - 1));
        }
        long budget = NAME_BYTES_PER_STRTAB_BYTE * strSize;
        Map<Integer, String> decoded = new HashMap<>();
        for (long s = offset; s <= offset + size - SYM_SIZE; s += SYM_SIZE) {
            int nameOff = b.getInt((int) s);
            int info = file[(int) s + 4] & 0xF;
            long value = b.getLong((int) s + 8);
            if (info > 2 || nameOff <= 0 || nameOff >= strSize) {
                continue; // named NOTYPE, OBJECT and FUNC symbols; not sections and files
            }
            String name = decoded.get(nameOff);
            if (name == null) {
                int start = (int) (strOffset + nameOff);
                int end = start;
                while (file[end] != 0) { // stops at the table's last byte at the latest
                    end++;
                }
                budget -= end - start;
                if (budget < 0) {
                    throw new ElfFormatException(String.format("symbol %d (at offset 0x%x) names offset %d of the 0x%x-byte string table at "
                            + "0x%x: the names decoded so far exceed %d times the table's size (overlapping names)", (s - offset) / SYM_SIZE, s,
                            nameOff, strSize, strOffset, NAME_BYTES_PER_STRTAB_BYTE));
                }
                name = new String(file, start, end - start, StandardCharsets.UTF_8);
                decoded.put(nameOff, name);
            }
            out.put(value, name);
        }
    }

    private static void checkRange(byte[] file, long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > file.length || length > file.length - offset) {
            throw new ElfFormatException(String.format("truncated: %s at offset 0x%x + 0x%x past the end of the %d-byte file",
                    what, offset, length, file.length));
        }
    }
}
