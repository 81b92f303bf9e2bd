package dev.levitate.check;

import dev.levitate.mmu.AccessPermission;
import dev.levitate.mmu.Half;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.mmu.Mmu;
import dev.levitate.testkit.ReferenceModel;
import dev.levitate.testkit.TestablePageTable;
import java.util.Map;

/**
 * The check the hardware makes: the tables the guest built, walked by the simulator's own MMU
 * (backend-sim's {@link Mmu#walkTables}, written from the Arm ARM independently of levitate-mmu and
 * of the testkit's walker), agree with the {@link ReferenceModel}: every page the model maps
 * translates to its PA with its nG and its EL1/EL0 read and write permissions (AP[2:1], Arm ARM
 * D8.4.1), and the pages on either side that the model does not map fault.
 *
 * <p>For the walk, the CPU's translation regime is pointed at the table for a moment (SCTLR_EL1.M =
 * 1, TCR_EL1 with a 4 KiB granule and the table's VA size, TTBR0 or TTBR1 = root and ASID) and then
 * put back exactly; a probe neither fills nor uses the TLB.
 */
public final class SimulatorWalk {
    private static final long TCR_TG1_4K = 2L << 30;
    private static final long TCR_IPS_48 = 5L << 32;
    private static final long TCR_AS = 1L << 36;

    private SimulatorWalk() {
    }

    /**
     * Checks that the simulator's walk of the table agrees with the model.
     *
     * @param cpu the guest CPU
     * @param table the table (its root, half, VA size and ASID)
     * @param model what should be mapped
     * @throws AssertionError {@code [simulatorWalk]}, naming the VA, what the model says and what the walk found
     */
    public static void assertAgrees(Cpu cpu, TestablePageTable table, ReferenceModel model) {
        long sctlr = cpu.systemRegister(SystemRegister.SCTLR_EL1);
        long tcr = cpu.systemRegister(SystemRegister.TCR_EL1);
        long ttbr0 = cpu.systemRegister(SystemRegister.TTBR0_EL1);
        long ttbr1 = cpu.systemRegister(SystemRegister.TTBR1_EL1);
        long tsz = 64 - table.vaBits();
        long ttbr = table.root() | (long) table.asid() << 48;
        try {
            cpu.setSystemRegister(SystemRegister.TCR_EL1, tsz | tsz << 16 | TCR_TG1_4K | TCR_IPS_48 | TCR_AS);
            cpu.setSystemRegister(table.half() == Half.LOWER ? SystemRegister.TTBR0_EL1 : SystemRegister.TTBR1_EL1, ttbr);
            cpu.setSystemRegister(SystemRegister.SCTLR_EL1, sctlr | 1);
            Mmu mmu = cpu.mmu();
            for (Map.Entry<Long, ReferenceModel.Entry> e : model.pages().entrySet()) {
                long va = e.getKey();
                ReferenceModel.Entry want = e.getValue();
                Mmu.TableWalk w = mmu.walkTables(va);
                if (w.faulted() || w.pa() != want.pa()) {
                    throw new AssertionError(String.format("[simulatorWalk] the simulator's MMU walk of VA 0x%x %s; the model maps it to PA 0x%x",
                            va, w.faulted() ? "faults (FSC 0x" + Integer.toHexString(w.faultStatus()) + ")" : "gives PA 0x" + Long.toHexString(w.pa()),
                            want.pa()));
                }
                AccessPermission ap = want.attributes().access();
                int perm = w.permissions();
                boolean el1Write = ap == AccessPermission.RW_EL1 || ap == AccessPermission.RW_ALL;
                boolean el0Read = ap == AccessPermission.RW_ALL || ap == AccessPermission.RO_ALL;
                boolean el0Write = ap == AccessPermission.RW_ALL;
                if (w.global() == want.attributes().notGlobal() || ((perm & Mmu.PERM_EL1_W) != 0) != el1Write
                        || ((perm & Mmu.PERM_EL0_R) != 0) != el0Read || ((perm & Mmu.PERM_EL0_W) != 0) != el0Write) {
                    throw new AssertionError(String.format("[simulatorWalk] the simulator's MMU walk of VA 0x%x gives %s, %s; the model says %s",
                            va, w.global() ? "global" : "nG", Mmu.permString(perm), want.attributes()));
                }
                for (long side : new long[] {va - 4096, va + 4096}) {
                    if (model.get(side) == null && model.checkArguments(side, -1, 4096) == null) {
                        Mmu.TableWalk s = mmu.walkTables(side);
                        if (!s.faulted()) {
                            throw new AssertionError(String.format(
                                    "[simulatorWalk] the simulator's MMU walk of VA 0x%x gives PA 0x%x, but the model maps nothing there", side, s.pa()));
                        }
                    }
                }
            }
        } finally {
            cpu.setSystemRegister(SystemRegister.SCTLR_EL1, sctlr);
            cpu.setSystemRegister(SystemRegister.TCR_EL1, tcr);
            cpu.setSystemRegister(SystemRegister.TTBR0_EL1, ttbr0);
            cpu.setSystemRegister(SystemRegister.TTBR1_EL1, ttbr1);
        }
    }
}
