package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemOperation;
import dev.levitate.sim.machine.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optional listener a checker's TLB model uses: every TLBI with its operand and every DSB, in order; not DMB, ISB, SSBB. */
class MaintenanceListenerTest {
    @Test
    void reportsTlbisAndDsbsInProgramOrder() {
        Machine m = new Machine(16L << 20, b -> { }, b -> { }, b -> { });
        A64Assembler a = new A64Assembler(Machine.RAM_BASE);
        a.mov64(1, 42L << 48 | 0x1234L);
        a.dsbIsh();                          // DSB ISH
        a.sys(SystemOperation.TLBI_VAE1IS, 1);
        a.word(0xD5033BBF);                  // DMB ISH: not a DSB
        a.isb();
        a.word(0xD503309F);                  // SSBB: DSB's encoding with CRm = 0, not a DSB
        a.word(0xD5033F9F);                  // DSB SY
        a.sys(SystemOperation.TLBI_VMALLE1, 31);
        a.brk(1);
        m.loadRaw(Machine.RAM_BASE, a.assembleBytes());
        List<String> seen = new ArrayList<>();
        m.cpu().setMaintenanceListener(new Cpu.MaintenanceListener() {
            @Override public void tlbi(SystemOperation op, long operand) { seen.add(op + " " + Long.toHexString(operand)); }
            @Override public void dsb(int crm) { seen.add("DSB " + Integer.toBinaryString(crm)); }
        });
        assertEquals(StopKind.BREAKPOINT, m.run(100));
        assertEquals(List.of("DSB 1011", "TLBI_VAE1IS 2a000000001234", "DSB 1111", "TLBI_VMALLE1 0"), seen);

        m.cpu().setMaintenanceListener(null);
        m.cpu().setPc(Machine.RAM_BASE);
        seen.clear();
        assertEquals(StopKind.BREAKPOINT, m.run(100), "with no listener the same code runs");
        assertEquals(List.of(), seen);
    }
}
