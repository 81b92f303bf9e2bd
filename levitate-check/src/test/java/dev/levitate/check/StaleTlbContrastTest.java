package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.Attributes;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.elf.ElfImage;
import dev.levitate.sim.machine.Machine;
import dev.levitate.sim.mmu.TlbReport;
import dev.levitate.testkit.PageTableOp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example kernel with {@code BUG_NO_TLBI}, booted for real by a small driver
 * ({@code check-your-kernel/stale_tlb.c}: MMU on with the kernel's own tables, map a page, read it,
 * unmap it, read it again) on {@code qemu-system-aarch64 -M virt -cpu cortex-a53} and on the
 * simulator's {@link Machine}, against the same kernel under {@link KernelCheck}.
 *
 * <p>What QEMU does was observed, not assumed: its software TLB keeps the translation the missing
 * TLBI should have removed, so the second read returns the unmapped page's old contents and the
 * run ends normally, exactly as on the simulator (whose TLB report marks the entry STALE). Nothing
 * in either run says anything is wrong; only the check, which compares the TLB with a fresh walk
 * after every call, names the mistake ({@code [staleEntry]}). Built clean, the second read faults
 * on both.
 */
class StaleTlbContrastTest {
    static final String QEMU = "qemu-system-aarch64";
    /** The driver's test VA and what it wrote into the page mapped there. */
    static final long TEST_VA = 0x1_0000_0000L;
    static final String BEFORE = "before unmap: read 0x5a5a5a5a5a5a5a5a\n";
    static final String STALE_READ = "after unmap: read 0x5a5a5a5a5a5a5a5a\n";
    /** A data abort from EL1 (EC 0x25, IL), translation fault at level 3 (DFSC 0x07). */
    static final String FAULT = "after unmap: faulted, ESR 0x0000000096000007\n";

    /** Builds the driver with mmu.c, clean or with {@code -D<bug>}. */
    private static Path build(String bug) throws Exception {
        ExternalTools.require(ExampleKernel.GCC + " (apt-get install gcc-aarch64-linux-gnu)", ExternalTools.missing(ExampleKernel.GCC));
        Path dir = Files.createTempDirectory("stale-tlb");
        for (String f : List.of("mmu.c", "stale_tlb.c")) {
            try (InputStream in = StaleTlbContrastTest.class.getResourceAsStream("/check-your-kernel/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Path elf = dir.resolve((bug == null ? "clean" : bug) + ".elf");
        List<String> cmd = new ArrayList<>(List.of(ExampleKernel.GCC, "-ffreestanding", "-mgeneral-regs-only", "-nostdlib", "-static",
                "-O2", "-fno-builtin", "-fno-tree-loop-distribute-patterns", "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none"));
        if (bug != null) {
            cmd.add("-D" + bug);
        }
        cmd.addAll(List.of("-o", elf.toString(), dir.resolve("stale_tlb.c").toString()));
        ExternalTools.Result r = ExternalTools.run(120, cmd.toArray(String[]::new));
        if (r.status() != 0 || !Files.exists(elf)) {
            throw new AssertionError("the cross compiler failed on stale_tlb.c:\n" + r.output());
        }
        return elf;
    }

    private static String qemu(Path elf) throws Exception {
        ExternalTools.require(QEMU + " (apt-get install qemu-system-arm)", ExternalTools.missing(QEMU));
        return ExternalTools.run(60, QEMU, "-M", "virt", "-cpu", "cortex-a53", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-nic", "none", "-semihosting", "-kernel", elf.toString()).output();
    }

    /** What a run on the simulator printed, and its TLB report at the exit. */
    private record SimRun(String output, List<String> tlb) {
    }

    private static SimRun simulator(Path elf) throws Exception {
        StringBuilder out = new StringBuilder();
        Machine m = new Machine(128L << 20, b -> out.append((char) b), b -> out.append((char) b), b -> { });
        m.loadElf(ElfImage.parse(Files.readAllBytes(elf)));
        StopKind stop = m.run(50_000_000);
        assertEquals(StopKind.EXIT, stop, () -> "the simulator stopped " + stop + " at 0x" + Long.toHexString(m.cpu().stopPc())
                + " after printing:\n" + out);
        assertEquals(0, m.cpu().stopValue(), "exit code");
        return new SimRun(out.toString(), TlbReport.lines(m.cpu().mmu(), ""));
    }

    private static List<String> entriesFor(List<String> tlb, long va) {
        String needle = String.format("va 0x%016x ", va);
        return tlb.stream().filter(l -> l.contains(needle)).toList();
    }

    @Test
    void cleanTheSecondReadFaultsOnQemuAndOnTheSimulator() throws Exception {
        Path elf = build(null);
        String expected = "mmu on\n" + BEFORE + FAULT;
        SimRun sim = simulator(elf);
        assertEquals(expected, sim.output(), "the simulator");
        assertEquals(List.of(), entriesFor(sim.tlb(), TEST_VA), "the TLBI removed the entry:\n" + String.join("\n", sim.tlb()));
        assertEquals(expected, qemu(elf), "QEMU");
    }

    @Test
    void noTlbiTheStaleTranslationIsUsedSilentlyOnQemuAndOnTheSimulator() throws Exception {
        Path elf = build("BUG_NO_TLBI");
        String expected = "mmu on\n" + BEFORE + STALE_READ;
        SimRun sim = simulator(elf);
        assertEquals(expected, sim.output(), "the simulator");
        List<String> stale = entriesFor(sim.tlb(), TEST_VA);
        assertEquals(1, stale.size(), "one TLB entry for the test VA:\n" + String.join("\n", sim.tlb()));
        assertTrue(stale.get(0).contains("STALE: the tables now fault here"), stale.get(0));
        // observed: QEMU's software TLB keeps the entry too, and the run ends as if nothing were wrong
        assertEquals(expected, qemu(elf), "QEMU");
    }

    @Test
    void noTlbiTheCheckNamesTheMistakeOnTheDriversSequence() throws Exception {
        KernelCheck check = ExampleKernel.check("BUG_NO_TLBI");
        Attributes data = Attributes.KERNEL_DATA.withNotGlobal(true);
        List<PageTableOp> ops = List.of(new PageTableOp.Map(TEST_VA, 0x4400_0000L, data),
                new PageTableOp.Map(TEST_VA + 0x1000, 0x4400_1000L, data), new PageTableOp.Unmap(TEST_VA));
        AssertionError e = assertThrows(AssertionError.class, () -> check.run(ops));
        assertTrue(e.getMessage().contains("[staleEntry]"), e.getMessage());
        ExampleKernel.check(null).run(ops); // clean, the same calls pass
    }
}
