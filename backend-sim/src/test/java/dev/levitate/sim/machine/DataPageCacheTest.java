package dev.levitate.sim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.sim.cpu.StopKind;
import org.junit.jupiter.api.Test;

/**
 * The CPU keeps the RAM pages it has cached for loads and stores from one run to the next, and
 * drops them when the memory says a page's storage changed in between ({@code PhysicalMemory}'s
 * storage epoch): a released page must read as zero and take the next store, not leave the guest
 * with the array it had before.
 */
class DataPageCacheTest {
    static final long CODE = Machine.RAM_BASE + 0x1000;
    static final long DATA = Machine.RAM_BASE + 0x8000;
    static final int LDR_X0_X1 = 0xF9400020;      // ldr x0, [x1]
    static final int STR_X2_X1_8 = 0xF9000422;    // str x2, [x1, #8]
    static final int B_SELF = 0x14000000;         // b .

    @Test
    void aReleasedPageIsNotServedFromTheCacheOfAnEarlierRun() {
        Machine m = new Machine(1 << 20, b -> { }, b -> { }, b -> { });
        m.ram().write32(CODE, LDR_X0_X1);
        m.ram().write32(CODE + 4, STR_X2_X1_8);
        m.ram().write32(CODE + 8, B_SELF);
        m.ram().write64(DATA, 77);
        Cpu cpu = m.cpu();
        cpu.setReg(1, DATA);

        cpu.setReg(2, 0x1234);
        runBoth(m);
        assertEquals(77, cpu.reg(0));
        assertEquals(0x1234, m.ram().read64(DATA + 8));

        cpu.setReg(2, 0x2345); // the same page again: served from the cached array
        runBoth(m);
        assertEquals(77, cpu.reg(0));
        assertEquals(0x2345, m.ram().read64(DATA + 8));

        m.ram().release(DATA, 4096); // the page's storage is dropped between runs
        cpu.setReg(2, 0x5678);
        runBoth(m);
        assertEquals(0, cpu.reg(0), "the released page reads as zero");
        assertEquals(0x5678, m.ram().read64(DATA + 8), "the store reaches the page's new storage");
    }

    /** Runs the load and the store, then one round of the branch-to-self. */
    private static void runBoth(Machine m) {
        m.cpu().setPc(CODE);
        assertEquals(StopKind.BUDGET, m.run(3));
        assertEquals(CODE + 8, m.cpu().pc());
    }
}
