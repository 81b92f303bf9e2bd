package dev.levitate.sched.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A static AArch64 ELF64 executable to run as a user task: its PT_LOAD segments and entry point
 * (System V gABI, "Program Header"; AArch64 ELF ABI). Only what a user program needs: little-endian
 * ELF64, e_machine EM_AARCH64, ET_EXEC, loadable segments inside the user half, an entry inside an
 * executable segment. Anything else is refused with an {@link IllegalArgumentException} that says
 * what is wrong and where, and nothing else escapes (a mutation fuzz checks exactly that).
 *
 * <p>A file is hostile input. Its offsets and sizes (Elf64_Off, Elf64_Xword) are unsigned 64-bit
 * values, so every bounds check is in the subtract form ({@code length <= size - offset}, unsigned)
 * and none can overflow; what a file makes the loader allocate is bounded by the file: the
 * segments' file bytes together may not exceed its size (headers that all copy the same bytes are
 * refused), and overlap is checked in O(n log n).
 */
public final class ElfProgram {
    /** e_machine of AArch64. */
    public static final int EM_AARCH64 = 183;

    /**
     * A loadable segment.
     *
     * @param vaddr where it goes
     * @param memsz its size in memory (the part past the file bytes is zero)
     * @param bytes its file bytes
     * @param flags PF_X 1, PF_W 2, PF_R 4
     */
    public record Segment(long vaddr, long memsz, byte[] bytes, int flags) {
        /**
         * Tells whether the segment is executable.
         *
         * @return true if PF_X
         */
        public boolean executable() {
            return (flags & 1) != 0;
        }

        /**
         * Tells whether the segment is writable.
         *
         * @return true if PF_W
         */
        public boolean writable() {
            return (flags & 2) != 0;
        }
    }

    private final long entry;
    private final List<Segment> segments;

    private ElfProgram(long entry, List<Segment> segments) {
        this.entry = entry;
        this.segments = segments;
    }

    /**
     * Returns the entry point.
     *
     * @return the VA of the first instruction
     */
    public long entry() {
        return entry;
    }

    /**
     * Returns the loadable segments, in file order.
     *
     * @return the segments
     */
    public List<Segment> segments() {
        return segments;
    }

    /** The lowest address a segment may start at: page 0 stays unmapped, so a null pointer faults. */
    private static final long PROGRAM_BASE = 0x1000;
    /** The largest p_memsz accepted. */
    private static final long MAX_SEGMENT = 64L << 20;

    /**
     * Tells whether {@code length} bytes at {@code offset} lie inside a file of {@code size} bytes,
     * in the subtract form so that no sum can overflow: both are taken as unsigned 64-bit values,
     * as the gABI's Elf64_Off and Elf64_Xword are.
     */
    private static boolean fits(long offset, long length, int size) {
        return Long.compareUnsigned(offset, size) <= 0 && Long.compareUnsigned(length, size - offset) <= 0;
    }

    /**
     * Refuses two segments that share a page (each page gets one set of permissions), in
     * O(n log n): sorted by address, each non-empty one must end in a page below the next one's
     * first page (an empty segment maps nothing). Every segment lies inside
     * [PROGRAM_BASE, MMAP_BASE), so no sum wraps.
     */
    private static void checkNoSharedPage(List<Segment> segs) {
        List<Segment> sorted = new ArrayList<>();
        for (Segment s : segs) {
            if (s.memsz() > 0) {
                sorted.add(s);
            }
        }
        sorted.sort(java.util.Comparator.comparingLong(Segment::vaddr));
        for (int k = 1; k < sorted.size(); k++) {
            Segment before = sorted.get(k - 1);
            Segment s = sorted.get(k);
            long lastPage = (before.vaddr() + before.memsz() - 1) >>> 12;
            if (s.vaddr() >>> 12 <= lastPage) {
                throw bad(String.format("segments at 0x%x and 0x%x share a page", before.vaddr(), s.vaddr()));
            }
        }
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("not a runnable AArch64 user program: " + what);
    }

    /**
     * Parses an executable.
     *
     * @param file the ELF file's bytes
     * @return the program
     * @throws IllegalArgumentException if the file is not a static little-endian AArch64 ELF64
     *     executable whose segments fit the user half, or is truncated
     */
    public static ElfProgram parse(byte[] file) {
        if (file.length < 64) {
            throw bad("file of " + file.length + " bytes is shorter than an ELF64 header (64)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464C_457F) {
            throw bad("no ELF magic at offset 0");
        }
        if (file[4] != 2 || file[5] != 1) {
            throw bad("class " + file[4] + " / data " + file[5] + ": need ELF64 (2) little-endian (1)");
        }
        if (b.getShort(18) != EM_AARCH64) {
            throw bad("e_machine " + b.getShort(18) + " is not AArch64 (183)");
        }
        if (b.getShort(16) != 2) {
            throw bad("e_type " + b.getShort(16) + " is not ET_EXEC (2): link it static, not PIE");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        // subtract form: phoff may be anything up to 2^64 - 1, the table's size is below 2^32
        if (phentsize < 56 || !fits(phoff, (long) phentsize * phnum, file.length)) {
            throw bad("program headers at offset " + Long.toUnsignedString(phoff) + " (" + phnum + " x " + phentsize
                    + " bytes) run past the file's " + file.length + " bytes");
        }
        List<Segment> segs = new ArrayList<>();
        boolean entryOk = false;
        long copied = 0;
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            if (b.getInt(h) != 1) {
                continue; // not PT_LOAD
            }
            int flags = b.getInt(h + 4);
            long off = b.getLong(h + 8);
            long vaddr = b.getLong(h + 16);
            long filesz = b.getLong(h + 32);
            long memsz = b.getLong(h + 40);
            if (!fits(off, filesz, file.length) || Long.compareUnsigned(memsz, filesz) < 0) {
                throw bad("segment " + i + ": file bytes [" + Long.toUnsignedString(off) + ", +" + Long.toUnsignedString(filesz)
                        + ") or size " + Long.toUnsignedString(memsz) + " do not fit the file");
            }
            if (vaddr < PROGRAM_BASE || Long.compareUnsigned(memsz, MAX_SEGMENT) > 0 || vaddr > AddressSpace.MMAP_BASE - memsz) {
                throw bad(String.format("segment %d at 0x%x (+0x%x) is outside the program area [0x%x, 0x%x)", i, vaddr, memsz,
                        PROGRAM_BASE, AddressSpace.MMAP_BASE));
            }
            copied += filesz;
            if (copied > file.length) {
                throw bad(String.format("segment %d (file bytes at offset 0x%x): the segments' file bytes add up to %d, more than the "
                        + "file's %d (segments that share file bytes are refused)", i, off, copied, file.length));
            }
            byte[] bytes = new byte[(int) filesz];
            System.arraycopy(file, (int) off, bytes, 0, (int) filesz);
            segs.add(new Segment(vaddr, memsz, bytes, flags));
            entryOk |= (flags & 1) != 0 && Long.compareUnsigned(entry - vaddr, memsz) < 0; // entry in [vaddr, vaddr + memsz)
        }
        if (segs.isEmpty()) {
            throw bad("no PT_LOAD segment");
        }
        if (!entryOk || (entry & 3) != 0) {
            throw bad(String.format("entry 0x%x is not an aligned address in an executable segment", entry));
        }
        checkNoSharedPage(segs);
        return new ElfProgram(entry, Collections.unmodifiableList(segs));
    }
}
