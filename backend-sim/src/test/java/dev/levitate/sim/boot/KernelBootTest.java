package dev.levitate.sim.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.fdt.FdtReader;
import dev.levitate.sim.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where the boot loader puts a kernel, its initrd and its device tree, and what the registers hold,
 * for each kind of kernel: the addresses QEMU 7.2 uses ({@code qemu-system-aarch64 -M virt -cpu
 * cortex-a53 -m MIB -kernel ...}), each one measured there with a kernel that prints x0 and its own
 * address ({@code LinuxBootCrossCheckTest} compares whole runs).
 */
class KernelBootTest {
    static final long RAM = Machine.RAM_BASE;
    static final int B_PLUS_64 = 0x1400_0010; // b .+64: code0, over the header

    static Machine machine(long mib) {
        return new Machine(mib << 20, b -> { }, b -> { }, b -> { });
    }

    /** An Image of {@code size} bytes with the header's text_offset, image_size and flags. */
    static byte[] image(int size, long textOffset, long imageSize, long flags) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(B_PLUS_64).putInt(0).putLong(textOffset).putLong(imageSize).putLong(flags);
        b.putInt(56, LinuxImage.MAGIC);
        b.putInt(64, 0xD420_0000); // brk #0
        return b.array();
    }

    static FdtReader.Node dtb(Machine m, KernelBoot.Boot boot) {
        byte[] blob = new byte[boot.dtbSize()];
        m.ram().read(boot.dtbAddress(), blob, 0, blob.length);
        return FdtReader.parse(blob).root();
    }

    @ParameterizedTest(name = "text_offset {0}, image_size {1}: entry RAM+{2}")
    @CsvSource({"0, 0x10000, 0x200000", "0x80000, 0x10000, 0x80000", "0x80000, 0, 0x80000", "0x1000, 0x10000, 0x1000",
        "0xfff, 0x10000, 0x200fff", "0x123000, 0x10000, 0x123000", "0x5000, 0, 0x80000"})
    void anImageGoesWhereQemuPutsIt(String textOffset, String imageSize, String entryOffset) {
        Machine m = machine(128);
        KernelBoot.Boot boot = KernelBoot.load(m, image(4096, Long.decode(textOffset), Long.decode(imageSize), 0), null, null, false);
        long entry = RAM + Long.decode(entryOffset);
        assertEquals(KernelBoot.Kind.LINUX_IMAGE, boot.kind());
        assertEquals(entry, boot.entry());
        assertEquals(entry, m.cpu().pc());
        assertEquals(B_PLUS_64, m.ram().read32(entry), "the file's first word is at the entry");
        assertEquals(0x4400_0000L, boot.dtbAddress(), "no initrd: the DTB at RAM + 64 MiB (half of 128 MiB)");
        assertEquals(boot.dtbAddress(), m.cpu().reg(0), "x0 = the DTB");
        assertEquals(0, m.cpu().reg(1));
        assertEquals(0, m.cpu().reg(2));
        assertEquals(0, m.cpu().reg(3));
        assertEquals(entry, m.cpu().reg(4), "x4 = the entry, as QEMU's boot stub leaves it");
        assertEquals(1, m.cpu().exceptionLevel());
    }

    @ParameterizedTest(name = "{0} MiB, initrd {1} bytes, image_size {2}: initrd at {3}, DTB at {4}")
    @CsvSource({"128, 100000, 0x10000, 0x44000000, 0x44200000", "256, 100000, 0x10000, 0x48000000, 0x48200000",
        "1024, 100000, 0x10000, 0x48000000, 0x48200000", "64, 0, 0x10000, 0x42000000, 0x42000000",
        "64, 100000, 40000000, 0x42826000, 0x42a00000", "64, 0, 40000000, 0x42826000, 0x42a00000"})
    void theInitrdAndTheDeviceTreeFollowQemusRules(long mib, int initrdBytes, long imageSize, String initrdAt, String dtbAt) {
        Machine m = machine(mib);
        byte[] initrd = new byte[initrdBytes];
        for (int i = 0; i < initrd.length; i++) {
            initrd[i] = (byte) (i * 7);
        }
        KernelBoot.Boot boot = KernelBoot.load(m, image(4096, 0, imageSize, 0), initrdBytes == 0 ? null : initrd, "console=ttyAMA0", false);
        assertEquals(Long.decode(dtbAt), boot.dtbAddress());
        assertEquals(Long.decode(dtbAt), m.cpu().reg(0));
        FdtReader.Node root = dtb(m, boot);
        assertArrayEquals(new long[] {0, RAM, 0, mib << 20}, root.at("memory@40000000").cells("reg"));
        assertEquals(List.of("console=ttyAMA0"), root.at("chosen").strings("bootargs"));
        if (initrdBytes > 0) {
            assertEquals(Long.decode(initrdAt), boot.initrdStart());
            assertArrayEquals(new long[] {Long.decode(initrdAt)}, root.at("chosen").cells("linux,initrd-start"));
            assertArrayEquals(new long[] {Long.decode(initrdAt) + initrdBytes}, root.at("chosen").cells("linux,initrd-end"));
            byte[] back = new byte[initrdBytes];
            m.ram().read(boot.initrdStart(), back, 0, back.length);
            assertArrayEquals(initrd, back);
        } else {
            assertFalse(root.at("chosen").properties().containsKey("linux,initrd-start"));
        }
    }

    @Test
    void aGzippedImageLoadsAsTheImageItself() throws Exception {
        byte[] plain = image(8192, 0, 0x10000, 0);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(plain);
        }
        Machine m = machine(128);
        KernelBoot.Boot boot = KernelBoot.load(m, gz.toByteArray(), null, null, false);
        assertEquals(RAM + 0x20_0000, boot.entry());
        byte[] back = new byte[plain.length];
        m.ram().read(boot.entry(), back, 0, back.length);
        assertArrayEquals(plain, back);
        byte[] corrupt = gz.toByteArray().clone();
        corrupt[corrupt.length - 5] ^= 1; // the CRC/size trailer
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(machine(128), corrupt, null, null, false))
                .getMessage().contains("does not decompress"));
    }

    /** RAM holds nothing and the PC is where a fresh machine has it: nothing was loaded. */
    static void assertUntouched(Machine m) {
        Machine fresh = machine(1);
        assertEquals(fresh.cpu().pc(), m.cpu().pc());
        assertEquals(0, m.cpu().reg(0));
        for (long a = RAM; a < RAM + m.ram().regions().get(0).size(); a += 1 << 20) {
            assertEquals(0, m.ram().read64(a), "RAM at 0x" + Long.toHexString(a));
        }
    }

    @Test
    void whatDoesNotFitIsRefusedAndNothingIsLoaded() {
        Machine tiny = machine(3);
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(tiny, image(4096, 0, 0x10000, 0), null, null, false))
                .getMessage().contains("not enough space for the device tree"));
        assertUntouched(tiny);
        // a file larger than its image_size says runs into the device tree (QEMU: overlapping ROM regions)
        Machine m = machine(64);
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(m, image(40_000_000, 0, 0x10000, 0), null, null, false))
                .getMessage().contains("overlaps the device tree"));
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(m, image(40_000_000, 0, 0x10000, 0), new byte[1000], null, false))
                .getMessage().contains("overlaps the initrd"));
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(m, image(4096, 0, 0x10000, 0), new byte[40 << 20], null, false))
                .getMessage().contains("the initrd (41943040 bytes) does not fit"));
        assertThrows(BootImageException.class, () -> KernelBoot.load(m, image(4096, 0x7FFF_FFFF_FFFF_F000L, 0x10000, 0), null, null, false));
        assertThrows(BootImageException.class, () -> KernelBoot.load(m, image(4096, 0, -4096, 0), null, null, false),
                "an image_size that runs past the end of the address space leaves no room");
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(m, image(4096, 0, 0x10000, 1), null, null, false))
                .getMessage().contains("big-endian"));
        assertUntouched(m);
    }

    @Test
    void aFileOfNoKnownKindIsRefusedUnlessRawIsAccepted() {
        Machine m = machine(128);
        byte[] raw = {0x00, 0x00, 0x20, (byte) 0xD4, 1, 2, 3, 4}; // brk #0, then data
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(m, raw, null, null, false))
                .getMessage().contains("neither an ELF executable"));
        assertTrue(assertThrows(BootImageException.class, () -> KernelBoot.load(m, new byte[] {1, 2, 3}, null, null, false))
                .getMessage().contains("truncated at 3 bytes, too short"));
        assertUntouched(m);
        KernelBoot.Boot boot = KernelBoot.load(m, raw, null, "x", true);
        assertEquals(KernelBoot.Kind.RAW, boot.kind());
        assertEquals(RAM + 0x8_0000, m.cpu().pc());
        assertEquals(0x4400_0000L, m.cpu().reg(0), "a raw kernel is treated as Linux: x0 = the DTB");
        assertEquals(0xD420_0000, m.ram().read32(RAM + 0x8_0000));
    }

    static ElfImage elfAt(long address) {
        return new ElfImage(address, List.of(new ElfImage.Segment(address, new byte[] {0, 0, 0x20, (byte) 0xD4}, 4)),
                new TreeMap<>(Map.of(address, "_start")));
    }

    /** An ELF file of one 4-byte segment at {@code address}. */
    static byte[] elfFile(long address) {
        ByteBuffer b = ByteBuffer.allocate(124).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 183).putInt(1);
        b.putLong(address).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(7).putLong(120).putLong(address).putLong(address).putLong(4).putLong(4).putLong(4);
        b.putInt(0xD420_0000);
        return b.array();
    }

    @ParameterizedTest(name = "an ELF at {0}: device tree at RAM base {1}")
    @CsvSource({"0x40080000, false", "0x400fffff, false", "0x40100000, true", "0x40280000, true", "0x1000, true", "0x40000000, false"})
    void anElfGetsADeviceTreeAtTheStartOfRamOnlyWithQemusRoomAndNothingInX0(String address, boolean dtb) {
        long at = Long.decode(address) & ~3L;
        Machine m = machine(128);
        KernelBoot.Boot boot = KernelBoot.load(m, elfFile(at), new byte[10], "hello world", false);
        assertEquals(KernelBoot.Kind.ELF, boot.kind());
        assertEquals(at, m.cpu().pc());
        assertEquals(0, m.cpu().reg(0), "QEMU passes an ELF nothing in x0");
        assertTrue(boot.initrdIgnored());
        assertEquals(0, boot.initrdSize());
        assertEquals(dtb ? RAM : -1, boot.dtbAddress());
        if (dtb) {
            FdtReader.Node root = dtb(m, boot);
            assertEquals(List.of("hello world"), root.at("chosen").strings("bootargs"));
            assertFalse(root.at("chosen").properties().containsKey("linux,initrd-start"));
        } else if (at != RAM) {
            assertEquals(0, m.ram().read32(RAM), "no blob at the start of RAM");
        }
        assertEquals(at, boot.elf().entry(), "the ELF image comes back, for its symbols");
    }

    @Test
    void theDeviceTreeDescribesTheMachine() {
        FdtReader.Node root = FdtReader.parse(VirtDeviceTree.write(256L << 20, "", 0, 0)).root();
        assertEquals(List.of("psci", "memory@40000000", "pl011@9000000", "intc@8000000", "cpus", "timer", "apb-pclk", "chosen"),
                root.children().stream().map(FdtReader.Node::name).toList());
        assertEquals(List.of("hvc"), root.at("psci").strings("method"));
        assertEquals(List.of("arm,psci-1.0", "arm,psci-0.2", "arm,psci"), root.at("psci").strings("compatible"));
        assertArrayEquals(new long[] {0, 0x0900_0000, 0, 0x1000}, root.at("pl011@9000000").cells("reg"));
        assertArrayEquals(new long[] {0, 1, 4}, root.at("pl011@9000000").cells("interrupts"), "SPI 1 = ID 33, the UART's");
        assertArrayEquals(new long[] {0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000}, root.at("intc@8000000").cells("reg"));
        assertArrayEquals(new long[] {1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104}, root.at("timer").cells("interrupts"),
                "PPI 14 = ID 30 (physical), PPI 11 = ID 27 (virtual)");
        assertEquals(List.of("arm,cortex-a53"), root.at("cpus/cpu@0").strings("compatible"));
        assertEquals(List.of("/pl011@9000000"), root.at("chosen").strings("stdout-path"));
        assertFalse(root.at("chosen").properties().containsKey("bootargs"), "an empty command line writes none, as QEMU");
        assertArrayEquals(new long[] {0, RAM, 0, 256L << 20}, root.at("memory@40000000").cells("reg"));
        FdtReader.Node high = FdtReader.parse(VirtDeviceTree.write(8L << 30, null, 0x1_2345_6000L, 0x1000)).root();
        assertArrayEquals(new long[] {1, 0x2345_6000L}, high.at("chosen").cells("linux,initrd-start"), "two cells above 4 GiB");
    }
}
