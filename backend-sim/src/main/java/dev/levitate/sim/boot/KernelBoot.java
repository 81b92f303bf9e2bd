package dev.levitate.sim.boot;

import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.machine.Machine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Loads a kernel as {@code qemu-system-aarch64 -M virt -cpu cortex-a53 -kernel FILE [-initrd FILE]
 * [-append ARGS]} does (QEMU 7.2, hw/arm/boot.c; each rule below was checked on it), so a kernel
 * starts here with the memory and registers it gets there.
 *
 * <p><b>An ELF executable</b> (it starts with {@code \x7fELF}) is loaded segment by segment
 * ({@link Machine#loadElf}: RAM or the flash window) and entered at its entry point with every
 * general register 0: QEMU does not treat an ELF as Linux and passes it nothing in x0. QEMU writes
 * the device tree at the start of RAM ({@value Machine#RAM_BASE}) when there is room below the
 * image: when every segment lies below RAM (an image in flash), or the lowest segment starts at least
 * {@link #QEMU_DTB_SIZE} above the start of RAM (QEMU's blob is that large, however little it holds;
 * an image linked at 0x4008_0000 therefore gets no DTB on QEMU, and none here). The blob carries
 * {@code /chosen/bootargs} from the command line; an initrd is not loaded for an ELF, as QEMU
 * silently ignores {@code -initrd} for one ({@link Boot#initrdIgnored()} says so).
 *
 * <p><b>A Linux arm64 {@code Image}</b> ({@link LinuxImage}; a gzip-compressed one is decompressed
 * first, up to {@link #MAX_GUNZIPPED} bytes, as QEMU does): loaded at RAM base + text_offset, except
 * that a text_offset below {@link #BOOTLOADER_SIZE} (where QEMU keeps its boot stub; Linux's is 0
 * since 5.8) gets 2 MiB more — the Image only asks for an offset from a 2 MiB aligned base — and an
 * image_size of 0 (Linux before 3.17) means the old fixed offset {@link #KERNEL_LOAD_OFFSET}.
 * The initrd goes at RAM base + min(RAM / 2, 128 MiB), or at the end of the kernel (entry +
 * image_size) if that is higher, 4 KiB aligned; the device tree follows the initrd at the next 2 MiB
 * boundary. The kernel is entered at EL1h with the MMU and caches off and DAIF masked (the reset
 * state of the core), x0 = the device tree's address, x1 = x2 = x3 = 0 (booting.rst) and x4 = the
 * entry point, which QEMU's six-instruction boot stub at the start of RAM leaves there; the stub
 * itself is not written or run here, the registers are set directly.
 *
 * <p><b>Any other file</b> is, on QEMU, a raw binary at RAM base + {@link #KERNEL_LOAD_OFFSET}, entered
 * as an Image with no header is; here it is loaded so only when the caller asks ({@code acceptRaw}),
 * since a file of the wrong kind would otherwise run as code; otherwise it is refused.
 *
 * <p>What does not fit is refused before anything is written, as QEMU refuses it: a kernel past the
 * end of RAM, an initrd with no room, no room for the device tree after the initrd ("Not enough space
 * for DTB after kernel/initrd"), and a kernel file that overlaps the initrd or the device tree's
 * {@link #QEMU_DTB_SIZE} (QEMU's "Some ROM regions are overlapping").
 */
public final class KernelBoot {
    /** Where QEMU loads an Image without image_size, or a raw binary: RAM base + 512 KiB (KERNEL64_LOAD_ADDR). */
    public static final long KERNEL_LOAD_OFFSET = 0x8_0000L;
    /** The room QEMU keeps at the start of RAM for its boot stub: a smaller text_offset moves up 2 MiB. */
    public static final long BOOTLOADER_SIZE = 0x1000L;
    /** The device tree's alignment after the initrd, for an Image. */
    public static final long DTB_ALIGN = 2L << 20;
    /** The size of QEMU's device-tree blob, whatever it holds: the room it needs below an ELF, and what may not overlap it. */
    public static final long QEMU_DTB_SIZE = 1L << 20;
    /** The largest decompressed gzip kernel (QEMU's LOAD_IMAGE_MAX_GUNZIP_BYTES). */
    public static final long MAX_GUNZIPPED = 256L << 20;
    /** Where the initrd goes at most, from RAM base (when RAM is 256 MiB or more). */
    public static final long INITRD_MAX_OFFSET = 128L << 20;

    /** What kind of kernel was loaded. */
    public enum Kind {
        /** An ELF executable. */
        ELF,
        /** A Linux arm64 Image (its header's magic seen), perhaps gzip-compressed. */
        LINUX_IMAGE,
        /** Any other file, loaded raw (only when the caller accepted it). */
        RAW
    }

    /**
     * Where everything went.
     *
     * @param kind the kernel's kind
     * @param entry the entry point (the PC)
     * @param kernelStart the lowest address loaded
     * @param kernelEnd the end of what was loaded (exclusive; for an ELF, the end of its highest segment)
     * @param dtbAddress where the device tree is, or -1 for none
     * @param dtbSize the device tree's size, 0 for none
     * @param initrdStart where the initrd is (meaningful when initrdSize &gt; 0)
     * @param initrdSize its size, 0 for none
     * @param initrdIgnored an initrd was given for an ELF, and not loaded (as QEMU)
     * @param elf the ELF image (its symbols), or null for an Image or a raw file
     */
    public record Boot(Kind kind, long entry, long kernelStart, long kernelEnd, long dtbAddress, int dtbSize,
            long initrdStart, long initrdSize, boolean initrdIgnored, ElfImage elf) {
    }

    private KernelBoot() {
    }

    /**
     * Loads a kernel, and an initrd and a command line for it, into a machine that has not run yet,
     * and points the core at the kernel.
     *
     * @param m the machine
     * @param kernel the kernel file's bytes
     * @param initrd the initrd file's bytes, or null for none
     * @param commandLine the kernel command line ({@code /chosen/bootargs}), or null for none
     * @param acceptRaw whether a file that is neither ELF nor an Image is loaded as a raw binary (QEMU
     *     does) rather than refused
     * @return where everything went
     * @throws dev.levitate.sim.elf.ElfFormatException if an ELF file is malformed or has a segment
     *     outside RAM and flash
     * @throws BootImageException if the file is of no kind accepted, its gzip stream or Image header is
     *     bad, or the layout does not fit (nothing is loaded)
     * @throws IllegalArgumentException if the command line holds a NUL
     */
    public static Boot load(Machine m, byte[] kernel, byte[] initrd, String commandLine, boolean acceptRaw) {
        if (commandLine != null && commandLine.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the kernel command line may not contain NUL");
        }
        long ramSize = m.ram().regions().get(0).size();
        if (kernel.length >= 4 && kernel[0] == 0x7F && kernel[1] == 'E' && kernel[2] == 'L' && kernel[3] == 'F') {
            return loadElf(m, ElfImage.parse(kernel), ramSize, initrd, commandLine);
        }
        byte[] file = isGzip(kernel) ? gunzip(kernel) : kernel;
        LinuxImage header = LinuxImage.isImage(file) ? LinuxImage.parse(file) : null;
        if (header == null && !acceptRaw) {
            throw new BootImageException(file.length < 4
                    ? "not a kernel: truncated at " + file.length + " bytes, too short for an ELF executable or a Linux arm64 Image"
                    : "not a kernel image: neither an ELF executable (\\x7fELF at offset 0) nor a Linux arm64 Image"
                    + " (\"ARM\\x64\" at offset 56)" + (file != kernel ? " once gunzipped" : "")
                    + "; QEMU would run it as a raw binary at 0x" + Long.toHexString(Machine.RAM_BASE + KERNEL_LOAD_OFFSET));
        }
        boolean sized = header != null && header.imageSize() != 0;
        long offset = KERNEL_LOAD_OFFSET;
        if (sized) {
            offset = Long.compareUnsigned(header.textOffset(), BOOTLOADER_SIZE) < 0 ? header.textOffset() + (2L << 20) : header.textOffset();
        }
        String what = header != null ? "Linux arm64 Image" : "raw kernel";
        if (Long.compareUnsigned(offset, ramSize) >= 0 || file.length > ramSize - offset) {
            throw new BootImageException(String.format("the %s (%d bytes) at 0x%x%s does not fit in RAM [0x%x, 0x%x)", what, file.length,
                    Machine.RAM_BASE + offset, sized ? String.format(" (text_offset 0x%x)", header.textOffset()) : "",
                    Machine.RAM_BASE, Machine.RAM_BASE + ramSize));
        }
        long entry = Machine.RAM_BASE + offset;
        long ramEnd = Machine.RAM_BASE + ramSize;
        // the end of the kernel as its header says (with .bss), saturated at the end of the address space
        long imageEnd = sized ? (Long.compareUnsigned(header.imageSize(), -1L - entry) > 0 ? -1L : entry + header.imageSize()) : entry;
        long initrdStart = Machine.RAM_BASE + Math.min(ramSize / 2, INITRD_MAX_OFFSET);
        if (Long.compareUnsigned(imageEnd, initrdStart) > 0) {
            // past the end of RAM, the checks below refuse it; RAM's end is 4 KiB aligned, so no wrap
            initrdStart = Long.compareUnsigned(imageEnd, ramEnd) > 0 ? ramEnd : imageEnd;
        }
        initrdStart = alignUp(initrdStart, 4096);
        long initrdSize = initrd == null ? 0 : initrd.length;
        if (initrd != null && (Long.compareUnsigned(initrdStart, ramEnd) > 0 || initrdSize > ramEnd - initrdStart)) {
            throw new BootImageException(String.format("the initrd (%d bytes) does not fit in RAM at 0x%x, after the kernel"
                    + " (RAM ends at 0x%x)", initrdSize, initrdStart, ramEnd));
        }
        long dtbStart = alignUp(initrdStart + initrdSize, DTB_ALIGN);
        byte[] dtb = VirtDeviceTree.write(ramSize, commandLine, initrdStart, initrdSize);
        if (Long.compareUnsigned(dtbStart, ramEnd) >= 0 || dtb.length > ramEnd - dtbStart) {
            throw new BootImageException(String.format("not enough space for the device tree after the kernel and initrd:"
                    + " it would go at 0x%x, and RAM ends at 0x%x", dtbStart, ramEnd));
        }
        long kernelEnd = entry + file.length;
        if (initrdSize > 0 && overlaps(entry, kernelEnd, initrdStart, initrdStart + initrdSize)) {
            throw new BootImageException(String.format("the %s file [0x%x, 0x%x) overlaps the initrd at [0x%x, 0x%x)", what, entry,
                    kernelEnd, initrdStart, initrdStart + initrdSize));
        }
        if (overlaps(entry, kernelEnd, dtbStart, dtbStart + QEMU_DTB_SIZE)) {
            throw new BootImageException(String.format("the %s file [0x%x, 0x%x) overlaps the device tree's 1 MiB at 0x%x", what, entry,
                    kernelEnd, dtbStart));
        }
        m.ram().write(entry, file, 0, file.length);
        if (initrdSize > 0) {
            m.ram().write(initrdStart, initrd, 0, initrd.length);
        }
        m.ram().write(dtbStart, dtb, 0, dtb.length);
        m.cpu().setReg(0, dtbStart);
        m.cpu().setReg(1, 0);
        m.cpu().setReg(2, 0);
        m.cpu().setReg(3, 0);
        m.cpu().setReg(4, entry);
        m.cpu().setPc(entry);
        return new Boot(header != null ? Kind.LINUX_IMAGE : Kind.RAW, entry, entry, kernelEnd, dtbStart, dtb.length, initrdStart,
                initrdSize, false, null);
    }

    private static Boot loadElf(Machine m, ElfImage elf, long ramSize, byte[] initrd, String commandLine) {
        m.loadElf(elf);
        long low = -1;
        long high = 0;
        for (ElfImage.Segment s : elf.segments()) {
            low = Long.compareUnsigned(s.address(), low) < 0 ? s.address() : low;
            long end = s.address() + s.memorySize();
            high = Long.compareUnsigned(end, high) > 0 ? end : high;
        }
        if (elf.segments().isEmpty()) {
            low = high = elf.entry();
        }
        long dtbAddress = -1;
        int dtbSize = 0;
        if (Long.compareUnsigned(low, Machine.RAM_BASE) > 0 || Long.compareUnsigned(high, Machine.RAM_BASE) < 0) {
            // room below the image, if it starts in RAM at least QEMU's blob size up
            boolean room = Long.compareUnsigned(low, Machine.RAM_BASE) < 0 || low - Machine.RAM_BASE >= QEMU_DTB_SIZE;
            byte[] dtb = VirtDeviceTree.write(ramSize, commandLine, 0, 0);
            if (room && dtb.length <= ramSize) {
                m.ram().write(Machine.RAM_BASE, dtb, 0, dtb.length);
                dtbAddress = Machine.RAM_BASE;
                dtbSize = dtb.length;
            }
        }
        return new Boot(Kind.ELF, elf.entry(), low, high, dtbAddress, dtbSize, 0, 0, initrd != null, elf);
    }

    private static boolean overlaps(long a0, long a1, long b0, long b1) {
        return Long.compareUnsigned(a0, b1) < 0 && Long.compareUnsigned(b0, a1) < 0;
    }

    private static long alignUp(long v, long alignment) {
        return (v + alignment - 1) & -alignment;
    }

    private static boolean isGzip(byte[] f) {
        return f.length >= 2 && (f[0] & 0xFF) == 0x1F && (f[1] & 0xFF) == 0x8B;
    }

    /** Decompresses at most {@link #MAX_GUNZIPPED} bytes (one past that is an error, not a truncation). */
    private static byte[] gunzip(byte[] gz) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] out = in.readNBytes((int) MAX_GUNZIPPED + 1);
            if (out.length > MAX_GUNZIPPED) {
                throw new BootImageException("the gzip-compressed kernel is larger than " + (MAX_GUNZIPPED >> 20) + " MiB once decompressed");
            }
            return out;
        } catch (IOException e) {
            throw new BootImageException("the kernel starts with gzip's magic (1f 8b) but does not decompress: " + e.getMessage());
        }
    }
}
