package dev.levitate.sim.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header of a Linux arm64 kernel {@code Image} (Documentation/arch/arm64/booting.rst, "Call
 * the kernel image"): 64 little-endian bytes at the start of the file.
 *
 * <pre>
 *   u32 code0;        0  executable code (a branch to the real start)
 *   u32 code1;        4
 *   u64 text_offset;  8  image load offset from a 2 MiB aligned base
 *   u64 image_size;  16  effective image size (with .bss); 0 before Linux 3.17
 *   u64 flags;       24  bit 0: big-endian; bits 1-2: page size; bit 3: placement
 *   u64 res2, res3, res4;
 *   u32 magic;       56  0x644d5241, "ARM\x64"
 *   u32 res5;        60  offset of the PE header, for EFI
 * </pre>
 *
 * @param textOffset text_offset
 * @param imageSize image_size (0: an old kernel, text_offset then meaningless)
 * @param flags the flags
 */
public record LinuxImage(long textOffset, long imageSize, long flags) {
    /** The header's size. */
    public static final int HEADER_SIZE = 64;
    /** Where the magic is. */
    public static final int MAGIC_OFFSET = 56;
    /** "ARM\x64", little-endian. */
    public static final int MAGIC = 0x644D_5241;
    /** flags bit 0: the kernel is big-endian. */
    public static final long FLAG_BIG_ENDIAN = 1;

    /**
     * Whether a file carries the Image magic at offset 56.
     *
     * @param file the file's bytes
     * @return true if it is an arm64 Image
     */
    public static boolean isImage(byte[] file) {
        return file.length >= HEADER_SIZE
                && ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(MAGIC_OFFSET) == MAGIC;
    }

    /**
     * Reads the header of a file that {@link #isImage} accepts.
     *
     * @param file the file's bytes
     * @return the header's fields
     * @throws BootImageException if the magic is missing, or the kernel is big-endian (flags bit 0:
     *     this core runs little-endian only)
     */
    public static LinuxImage parse(byte[] file) {
        if (!isImage(file)) {
            throw new BootImageException(file.length < HEADER_SIZE
                    ? "not a Linux arm64 Image: " + file.length + " bytes, shorter than its 64-byte header"
                    : "not a Linux arm64 Image: no \"ARM\\x64\" magic at offset 56");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        LinuxImage h = new LinuxImage(b.getLong(8), b.getLong(16), b.getLong(24));
        if ((h.flags & FLAG_BIG_ENDIAN) != 0) {
            throw new BootImageException(String.format("Linux arm64 Image flags 0x%x (offset 24): bit 0 says a big-endian kernel,"
                    + " and this core runs little-endian only", h.flags));
        }
        return h;
    }
}
