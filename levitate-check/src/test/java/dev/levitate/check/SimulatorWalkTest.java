package dev.levitate.check;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.mmu.AccessPermission;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemRegister;
import dev.levitate.testkit.PageTableHarness;
import dev.levitate.testkit.PageTableOp;
import dev.levitate.testkit.ReferenceModel;
import org.junit.jupiter.api.Test;

/** The simulator's own walk of the guest's tables against a model: agreement passes, each kind of disagreement is reported. */
class SimulatorWalkTest {
    static final long VA = 0x20_0000_0000L;
    static final long PA = 0x4400_0000L;
    static final Attributes DATA = Attributes.KERNEL_DATA.withNotGlobal(true);

    @Test
    void agreesWithTheModelAndReportsEachDisagreement() throws Exception {
        PageTableHarness h = ExampleKernel.check(null).harness();
        h.step(new PageTableOp.Map(VA, PA, DATA));
        Cpu cpu = ((GuestPageTable) h.table).kernel().machine().cpu();
        long sctlr = cpu.systemRegister(SystemRegister.SCTLR_EL1);
        SimulatorWalk.assertAgrees(cpu, h.table, h.model);
        assertTrue(cpu.systemRegister(SystemRegister.SCTLR_EL1) == sctlr, "the regime is put back");

        ReferenceModel otherPa = new ReferenceModel(Half.LOWER, 48);
        otherPa.mapRange(VA, PA + 0x1000, 0x1000, DATA);
        AssertionError e = assertThrows(AssertionError.class, () -> SimulatorWalk.assertAgrees(cpu, h.table, otherPa));
        assertTrue(e.getMessage().startsWith("[simulatorWalk]") && e.getMessage().contains("gives PA 0x44000000"), e.getMessage());

        ReferenceModel global = new ReferenceModel(Half.LOWER, 48);
        global.mapRange(VA, PA, 0x1000, DATA.withNotGlobal(false));
        e = assertThrows(AssertionError.class, () -> SimulatorWalk.assertAgrees(cpu, h.table, global));
        assertTrue(e.getMessage().contains("gives nG"), e.getMessage());

        ReferenceModel readOnly = new ReferenceModel(Half.LOWER, 48);
        readOnly.mapRange(VA, PA, 0x1000, DATA.withAccess(AccessPermission.RO_EL1));
        assertThrows(AssertionError.class, () -> SimulatorWalk.assertAgrees(cpu, h.table, readOnly));

        ReferenceModel neighbour = new ReferenceModel(Half.LOWER, 48);
        neighbour.mapRange(VA + 0x1000, PA, 0x1000, DATA);
        e = assertThrows(AssertionError.class, () -> SimulatorWalk.assertAgrees(cpu, h.table, neighbour));
        assertTrue(e.getMessage().contains("faults"), e.getMessage());
        h.run(java.util.List.of());
    }
}
