package dev.levitate.sim.boot;

import static org.junit.jupiter.api.Assertions.fail;

import dev.levitate.sim.fdt.FdtReader;
import dev.levitate.sim.machine.Machine;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hostile Linux Images through {@link KernelBoot#load}: headers whose text_offset, image_size and
 * flags take extreme and random values, files of random sizes (some gzip-compressed, some with
 * corrupt gzip streams), initrds of random sizes, RAM from 1 MiB to 4 GiB. After each input: either
 * a {@link BootImageException} and nothing changed (RAM all zero where anything could have gone, the
 * PC and x0 as on a fresh machine), or a layout that lies inside RAM with nothing overlapping, the
 * kernel's bytes at the entry, the PC and x0 QEMU's rules give, and a device tree that parses and
 * names the initrd. No other exception. Inputs: {@value #BASE_INPUTS} x {@code levitate.fuzz.scale},
 * seeds {@value #FIRST_SEED} onwards; a failure prints the seed and the header in hex.
 */
@Tag("fuzz")
class KernelBootFuzzTest {
    static final int BASE_INPUTS = 300;
    static final long FIRST_SEED = 0x20_0200L;

    static long pick(SplittableRandom r) {
        long[] edges = {0, 1, 4095, 4096, 0x8_0000, 0x20_0000, 0x7FF_FFFF, 1L << 32, -1, -4096, Long.MAX_VALUE, Long.MIN_VALUE};
        switch (r.nextInt(4)) {
            case 0: return edges[r.nextInt(edges.length)];
            case 1: return r.nextLong(0, 1L << 28);
            case 2: return r.nextLong(0, 1L << 28) & ~0xFFFL;
            default: return r.nextLong();
        }
    }

    @Test
    void everyImageIsLoadedWithinRamOrRefusedWithNothingChanged() throws Exception {
        int inputs = BASE_INPUTS * Integer.getInteger("levitate.fuzz.scale", 1);
        int loaded = 0;
        for (int i = 0; i < inputs; i++) {
            long seed = FIRST_SEED + i;
            SplittableRandom r = new SplittableRandom(seed);
            long mib = new long[] {1, 2, 3, 8, 64, 128, 256, 4096}[r.nextInt(8)];
            int size = r.nextInt(10) == 0 ? r.nextInt(68, 3 << 20) : r.nextInt(68, 8192);
            long textOffset = pick(r);
            long imageSize = pick(r);
            long flags = r.nextInt(6) == 0 ? pick(r) : 0xA;
            byte[] file = KernelBootTest.image(size, textOffset, imageSize, flags);
            String header = HexFormat.of().formatHex(file, 0, LinuxImage.HEADER_SIZE);
            boolean gzip = r.nextInt(5) == 0;
            if (gzip) {
                java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                    out.write(file);
                }
                file = gz.toByteArray();
                if (r.nextBoolean()) {
                    file[r.nextInt(10, file.length)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            byte[] initrd = r.nextBoolean() ? null : new byte[r.nextInt(10) == 0 ? r.nextInt(1 << 22) : r.nextInt(1, 4096)];
            String input = String.format("seed %d: %d MiB, %d-byte%s Image, text_offset 0x%x, image_size 0x%x, flags 0x%x, initrd %s; header %s",
                    seed, mib, size, gzip ? " gzipped" : "", textOffset, imageSize, flags, initrd == null ? "none" : initrd.length + " bytes",
                    header);
            Machine m = new Machine(mib << 20, b -> { }, b -> { }, b -> { });
            long pc = m.cpu().pc();
            KernelBoot.Boot boot;
            try {
                boot = KernelBoot.load(m, file, initrd, "console=ttyAMA0", false);
            } catch (BootImageException e) {
                if (m.cpu().pc() != pc || m.cpu().reg(0) != 0 || m.ram().materializedPages() != 0) {
                    fail(input + ": refused (" + e.getMessage() + ") but the machine changed");
                }
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError(input + ": " + e, e);
            }
            loaded++;
            String broken = check(m, boot, mib << 20, initrd);
            if (broken != null) {
                fail(input + ": " + broken);
            }
        }
        System.out.println("KernelBootFuzzTest: " + inputs + " inputs, " + loaded + " loaded, 0 failures");
    }

    private static String check(Machine m, KernelBoot.Boot b, long ramSize, byte[] initrd) {
        long ramEnd = Machine.RAM_BASE + ramSize;
        if (b.entry() < Machine.RAM_BASE || b.kernelEnd() > ramEnd || b.kernelEnd() < b.entry()) {
            return "kernel [" + Long.toHexString(b.entry()) + ", " + Long.toHexString(b.kernelEnd()) + ") outside RAM";
        }
        if (m.cpu().pc() != b.entry() || m.cpu().reg(0) != b.dtbAddress() || m.cpu().reg(4) != b.entry()) {
            return "registers: pc 0x" + Long.toHexString(m.cpu().pc()) + " x0 0x" + Long.toHexString(m.cpu().reg(0));
        }
        if (b.dtbAddress() % KernelBoot.DTB_ALIGN != 0 || b.dtbAddress() + b.dtbSize() > ramEnd) {
            return "DTB at 0x" + Long.toHexString(b.dtbAddress());
        }
        if (m.ram().read32(b.entry()) != KernelBootTest.B_PLUS_64) {
            return "the kernel's first word is not at the entry";
        }
        if (initrd != null) {
            if (b.initrdStart() % 4096 != 0 || b.initrdStart() + b.initrdSize() > ramEnd || b.initrdSize() != initrd.length) {
                return "initrd at 0x" + Long.toHexString(b.initrdStart());
            }
            if (b.initrdStart() < b.kernelEnd() && b.entry() < b.initrdStart() + b.initrdSize()) {
                return "the initrd overlaps the kernel";
            }
        }
        if (b.dtbAddress() < b.kernelEnd() && b.entry() < b.dtbAddress() + b.dtbSize()) {
            return "the DTB overlaps the kernel";
        }
        byte[] blob = new byte[b.dtbSize()];
        m.ram().read(b.dtbAddress(), blob, 0, blob.length);
        FdtReader.Node root = FdtReader.parse(blob).root();
        if (initrd != null && initrd.length > 0 && root.at("chosen").cells("linux,initrd-start").length == 0) {
            return "no initrd in /chosen";
        }
        return null;
    }
}
