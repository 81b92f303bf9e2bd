package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.Attributes;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemRegister;
import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example kernel checked with its MMU ON ({@code check-your-kernel/mmu_on.c} and
 * {@code mmu_on.binding}: {@code boot = boot_done}, {@code root = ttbr1}, {@code half = upper}):
 * its boot identity-maps RAM through TTBR0 and puts mmu.c's root in TTBR1, and every call then runs
 * translated, its code and its table accesses going through the simulator's TLB.
 */
class MmuOnKernelTest {
    static final long VA = 0xFFFF_0000_0040_0000L;
    static final long PA = 0x4400_0000L;
    static final Attributes DATA = Attributes.KERNEL_DATA.withNotGlobal(true);
    static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;

    static KernelCheck check(String bug) throws Exception {
        return ExampleKernel.check("mmu_on.c", "mmu_on.binding", bug);
    }

    @Test
    void theBootLeavesTheMmuOnWithTheKernelsRootInTtbr1() throws Exception {
        KernelCheck check = check(null);
        GuestKernel k = check.load();
        Cpu cpu = k.machine().cpu();
        assertEquals(k.symbol("boot_done"), cpu.pc(), "stopped where the boot code hands over");
        assertTrue(cpu.mmu().enabled(), "SCTLR_EL1.M is set");
        assertEquals(k.symbol("boot_root"), cpu.systemRegister(SystemRegister.TTBR1_EL1) & OA_MASK, "mmu_init's root in TTBR1");
        assertEquals(k.symbol("id_l0"), cpu.systemRegister(SystemRegister.TTBR0_EL1) & OA_MASK, "the identity map in TTBR0");
        PageTableHarness h = check.harness();
        assertEquals(k.symbol("boot_root"), h.table.root(), "the binding's root = ttbr1");
        assertTrue(h.table.bootTables().contains(h.table.root()), "a boot-time table, not from the allocator");
    }

    @Test
    void theCleanKernelMapsAndUnmapsTheUpperHalfWithItsMmuOn() throws Exception {
        PageTableHarness h = check(null).harness();
        Cpu cpu = ((GuestPageTable) h.table).kernel().machine().cpu();
        long free = h.frames.freeFrames();
        long instructions = cpu.instructions();
        h.step(new PageTableOp.Map(VA, PA, DATA));
        assertEquals(free - 3, h.frames.freeFrames(), "L1, L2 and L3 tables from the host's allocator");
        var walk = cpu.mmu().walkTables(VA);
        assertTrue(!walk.faulted() && walk.pa() == PA, "the MMU, on, translates the new mapping through TTBR1");
        h.step(new PageTableOp.MapRange(VA + 0x20_0000, 0x4020_0000L, 0x40_0000, DATA, true));
        h.step(new PageTableOp.Unmap(VA + 0x21_0000)); // splits a block
        h.step(new PageTableOp.UnmapRange(VA + 0x40_0000, 0x20_0000));
        h.step(new PageTableOp.Unmap(VA + 0x21_0000)); // refused: not mapped
        h.step(new PageTableOp.UnmapRange(VA + 0x20_0000, 0x1000));
        h.step(new PageTableOp.UnmapRange(VA + 0x22_0000, 0x1E_0000));
        h.step(new PageTableOp.Unmap(VA));
        h.run(List.of());
        assertEquals(free, h.frames.freeFrames(), "every table back");
        assertTrue(cpu.mmu().enabled(), "still on after the calls");
        assertTrue(cpu.instructions() > instructions, "the calls ran on the guest");
        List<String> tlb = dev.levitate.sim.mmu.TlbReport.lines(cpu.mmu(), "");
        assertTrue(tlb.stream().anyMatch(l -> l.contains("va 0x00000000400")),
                "the guest's own code and data went through the TLB (the identity map of RAM):\n" + String.join("\n", tlb));
    }

    @Test
    void generatedSequencesPassOnTheCleanKernel() throws Exception {
        var found = check(null).search(100, 7, 20);
        assertTrue(found.isEmpty(), () -> "a counterexample on the clean kernel:\n" + found.get());
    }

    @Test
    void aGeneratedSequenceCatchesTheMissingTlbiInTheUpperHalf() throws Exception {
        var found = check("BUG_NO_TLBI").search(200, 42, 20);
        assertTrue(found.isPresent(), "BUG_NO_TLBI with the MMU on was not caught in 200 tries");
        assertTrue(found.get().message().contains("[staleEntry]"), found.get().message());
        assertTrue(!found.get().ops().isEmpty() && found.get().ops().stream().allMatch(op -> op.va() < 0),
                "the shrunk calls are upper-half VAs: " + found.get().ops());
    }

    @ParameterizedTest(name = "{0} is caught by [{1}] with the MMU on")
    @CsvSource({
        "BUG_NO_TLBI, staleEntry",
        "BUG_NO_DSB, tlbiBeforeDsb",
        "BUG_FREE_NO_TLBI, freedBeforeInvalidate",
    })
    void aPlantedMistakeIsCaughtWithTheMmuOn(String bug, String checkName) throws Exception {
        KernelCheck check = check(bug);
        List<PageTableOp> ops = bug.equals("BUG_NO_TLBI") // a neighbour keeps the tables: no reclamation TLBI covers the leaf
                ? List.of(new PageTableOp.Map(VA, PA, DATA), new PageTableOp.Map(VA + 0x1000, PA, DATA), new PageTableOp.Unmap(VA))
                : List.of(new PageTableOp.Map(VA, PA, DATA), new PageTableOp.Unmap(VA));
        AssertionError e = assertThrows(AssertionError.class, () -> check.run(ops));
        assertTrue(e.getMessage().contains("[" + checkName + "]"), e.getMessage());
        check(null).run(ops); // the clean kernel passes the same calls
    }
}
