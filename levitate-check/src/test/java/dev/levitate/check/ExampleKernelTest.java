package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.Attributes;
import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The example C kernel through the harness: clean, it passes; each planted mistake fails with the check that names it. */
class ExampleKernelTest {
    static final long VA = 0x20_0000_0000L;
    static final long PA = 0x4400_0000L;
    static final Attributes DATA = Attributes.KERNEL_DATA.withNotGlobal(true);

    @Test
    void theCleanKernelMapsUnmapsAndReclaims() throws Exception {
        KernelCheck check = ExampleKernel.check(null);
        PageTableHarness h = check.harness();
        long free = h.frames.freeFrames();
        h.step(new PageTableOp.Map(VA, PA, DATA));
        assertEquals(free - 3, h.frames.freeFrames(), "L1, L2 and L3 tables from the host's allocator");
        h.step(new PageTableOp.MapRange(VA + 0x20_0000, 0x4020_0000L, 0x40_0000, DATA, true));
        h.step(new PageTableOp.Map(VA + 0x20_0000, PA, DATA)); // refused: inside a block
        h.step(new PageTableOp.Unmap(VA + 0x21_0000));         // splits the block
        h.step(new PageTableOp.Unmap(VA + 0x21_0000));         // refused: not mapped
        h.step(new PageTableOp.UnmapRange(VA + 0x40_0000, 0x20_0000)); // a whole block
        h.run(List.of());
        assertEquals(free, h.frames.freeFrames(), "every table back");
    }

    @Test
    void aBootedKernelWithItsRootInAVariable() throws Exception {
        KernelCheck direct = ExampleKernel.check(null);
        String text = java.nio.file.Files.readString(java.nio.file.Path.of(ExampleKernel.class.getResource("/check-your-kernel/kernel.binding").toURI()))
                .replace("init        = mmu_init", "boot = boot_done").replace("root        = result", "root = symbol kernel_root");
        KernelCheck booted = KernelCheck.of(direct.load().image(), KernelBinding.parse(text));
        GuestKernel k = booted.load();
        assertEquals(k.symbol("boot_done"), k.machine().cpu().pc(), "stopped where the boot code hands over");
        PageTableHarness h = booted.harness();
        assertEquals(k.symbol("boot_root"), h.table.root(), "the root read from kernel_root");
        assertTrue(h.table.bootTables().contains(h.table.root()), "a boot-time table, not from the allocator");
        long sp = ((GuestPageTable) h.table).kernel().machine().cpu().reg(dev.levitate.sim.cpu.Cpu.SP);
        assertTrue(sp > k.symbol("boot_stack") && sp <= k.symbol("boot_stack") + 16384, "calls run on the boot stack");
        booted.run(List.of(new PageTableOp.MapRange(VA, 0x4020_0000L, 0x40_0000, DATA, true), new PageTableOp.Unmap(VA + 0x1000),
                new PageTableOp.Protect(VA + 0x20_0000, 0x20_0000, DATA.withNotGlobal(false))));
    }

    @ParameterizedTest(name = "{0} is caught by [{1}]")
    @CsvSource({
        "BUG_NO_DSB, tlbiBeforeDsb",
        "BUG_NO_TLBI, staleEntry",
        "BUG_FREE_NO_TLBI, freedBeforeInvalidate",
        "BUG_NO_BBM_SPLIT, breakBeforeMake",
    })
    void aPlantedMistakeIsCaughtOnMapThenUnmap(String bug, String checkName) throws Exception {
        KernelCheck check = ExampleKernel.check(bug);
        List<PageTableOp> ops = bug.equals("BUG_NO_BBM_SPLIT")
                ? List.of(new PageTableOp.MapRange(VA, 0x4020_0000L, 0x20_0000, DATA, true), new PageTableOp.Unmap(VA))
                : bug.equals("BUG_NO_TLBI") // a neighbour keeps the tables: no reclamation TLBI covers the leaf
                ? List.of(new PageTableOp.Map(VA, PA, DATA), new PageTableOp.Map(VA + 0x1000, PA, DATA), new PageTableOp.Unmap(VA))
                : List.of(new PageTableOp.Map(VA, PA, DATA), new PageTableOp.Unmap(VA));
        AssertionError e = assertThrows(AssertionError.class, () -> check.run(ops));
        assertTrue(e.getMessage().contains("[" + checkName + "]"), e.getMessage());
        String trace = e.getMessage().substring(e.getMessage().indexOf("the guest's descriptor stores, TLBIs and DSBs in the failing call:"));
        assertTrue(trace.contains("tlbi") || trace.contains("dsb") || trace.contains("str"), trace);
        assertTrue(trace.matches("(?s).*\\n    (unmap_range|clear_and_invalidate|reclaim|split)[^\\n]*0x4008.*"), "the instruction's symbol and address:\n" + trace);
        System.out.println(bug + ":\n" + trace);
    }
}
