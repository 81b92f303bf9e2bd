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
 * what is wrong and where.
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
        if (phentsize < 56 || phoff < 0 || phoff + (long) phentsize * phnum > file.length) {
            throw bad("program headers at offset " + phoff + " (" + phnum + " x " + phentsize + " bytes) run past the file's " + file.length + " bytes");
        }
        List<Segment> segs = new ArrayList<>();
        boolean entryOk = false;
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
            if (filesz < 0 || memsz < filesz || off < 0 || off + filesz > file.length) {
                throw bad("segment " + i + ": file bytes [" + off + ", +" + filesz + ") or size " + memsz + " do not fit the file");
            }
            if (vaddr < 0x1000 || memsz > 64L << 20 || vaddr + memsz > AddressSpace.MMAP_BASE) {
                throw bad(String.format("segment %d at 0x%x (+0x%x) is outside the program area [0x1000, 0x%x)", i, vaddr, memsz,
                        AddressSpace.MMAP_BASE));
            }
            for (Segment s : segs) {
                if ((vaddr >>> 12) <= ((s.vaddr() + s.memsz() - 1) >>> 12) && (s.vaddr() >>> 12) <= ((vaddr + memsz - 1) >>> 12)) {
                    throw bad(String.format("segments at 0x%x and 0x%x share a page", s.vaddr(), vaddr));
                }
            }
            byte[] bytes = new byte[(int) filesz];
            System.arraycopy(file, (int) off, bytes, 0, (int) filesz);
            segs.add(new Segment(vaddr, memsz, bytes, flags));
            entryOk |= (flags & 1) != 0 && entry >= vaddr && entry < vaddr + memsz;
        }
        if (segs.isEmpty()) {
            throw bad("no PT_LOAD segment");
        }
        if (!entryOk || (entry & 3) != 0) {
            throw bad(String.format("entry 0x%x is not an aligned address in an executable segment", entry));
        }
        return new ElfProgram(entry, Collections.unmodifiableList(segs));
    }
}
