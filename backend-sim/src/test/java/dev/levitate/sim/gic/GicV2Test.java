package dev.levitate.sim.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** GICv2 distributor and CPU interface behaviour (IHI 0048B, chapters 3 and 4) through its registers. */
class GicV2Test {
    static final int GICD_CTLR = 0x000, ISENABLER = 0x100, ICENABLER = 0x180, ISPENDR = 0x200, ICPENDR = 0x280,
            ISACTIVER = 0x300, IPRIORITYR = 0x400, ICFGR = 0xC00, SGIR = 0xF00;
    static final int GICC_CTLR = 0x00, PMR = 0x04, BPR = 0x08, IAR = 0x0C, EOIR = 0x10, RPR = 0x14, HPPIR = 0x18;

    final GicV2 gic = new GicV2();
    int changes;

    GicV2Test() {
        gic.setOnChange(() -> changes++);
    }

    void on(int pmr) {
        gic.writeDistributor(GICD_CTLR, 4, 1);
        gic.writeCpuInterface(GICC_CTLR, 4, 1);
        gic.writeCpuInterface(PMR, 4, pmr);
    }

    void enable(int id, int priority) {
        gic.writeDistributor(ISENABLER + 4 * (id / 32), 4, 1L << (id % 32));
        gic.writeDistributor(IPRIORITYR + id, 1, priority);
    }

    int iar() {
        return (int) gic.readCpuInterface(IAR, 4);
    }

    void eoi(int id) {
        gic.writeCpuInterface(EOIR, 4, id);
    }

    @Test
    void atResetNothingIsSignalledAndIarIsSpurious() {
        gic.setLine(40, true);
        assertFalse(gic.irq());
        assertEquals(GicV2.SPURIOUS, iar());
        assertEquals(0, gic.acknowledged(), "a spurious read acknowledges nothing");
        assertEquals(0xFF, gic.readCpuInterface(RPR, 4), "idle running priority");
        assertEquals(GicV2.INTERRUPTS / 32 - 1, gic.readDistributor(0x004, 4) & 31, "TYPER.ITLinesNumber");
        assertThrows(IllegalArgumentException.class, () -> gic.setLine(3, true), "SGIs have no line");
        assertThrows(IllegalArgumentException.class, () -> gic.setLine(GicV2.INTERRUPTS, true));
    }

    @Test
    void aLevelInterruptIsPendingWhileItsLineIsHighEvenAfterEoi() {
        on(0xF0);
        enable(40, 0x80);
        assertFalse(gic.irq());
        int before = changes;
        gic.setLine(40, true);
        assertTrue(changes > before, "the CPU is told to look");
        assertTrue(gic.irq());
        assertEquals(40, gic.readCpuInterface(HPPIR, 4));
        assertEquals(1L << 8, gic.readDistributor(ISPENDR + 4, 4));
        assertEquals(40, iar());
        assertFalse(gic.irq(), "active: not signalled again");
        assertEquals(0x80, gic.readCpuInterface(RPR, 4));
        assertEquals(1L << 8, gic.readDistributor(ISACTIVER + 4, 4));
        assertEquals(1L << 8, gic.readDistributor(ISPENDR + 4, 4), "active and pending: the line is still high");
        eoi(40);
        assertEquals(0, gic.readDistributor(ISACTIVER + 4, 4));
        assertTrue(gic.irq(), "level still high: pending again");
        gic.setLine(40, false);
        assertFalse(gic.irq());
        assertEquals(GicV2.SPURIOUS, iar());
        assertEquals(1, gic.acknowledged());
    }

    @Test
    void anEdgeInterruptLatchesThePulseAndTheAcknowledgeClearsIt() {
        on(0xF0);
        enable(41, 0x80);
        gic.writeDistributor(ICFGR + 8, 4, 2L << 18); // ID 41: Int_config[1] = 1, edge-triggered
        assertEquals(2L << 18, gic.readDistributor(ICFGR + 8, 4) & (3L << 18));
        gic.setLine(41, true);
        gic.setLine(41, false);
        assertTrue(gic.irq(), "the edge was latched");
        assertEquals(41, iar());
        eoi(41);
        assertFalse(gic.irq(), "one edge, one interrupt");
        gic.writeDistributor(ISPENDR + 4, 4, 1L << 9); // software sets it pending
        assertTrue(gic.irq());
        gic.writeDistributor(ICPENDR + 4, 4, 1L << 9);
        assertFalse(gic.irq());
    }

    @Test
    void theHighestPriorityWinsTiesGoToTheLowestIdAndPmrMasks() {
        on(0xF0);
        enable(50, 0x90);
        enable(45, 0xA0);
        enable(60, 0x90);
        gic.setLine(45, true);
        gic.setLine(50, true);
        gic.setLine(60, true);
        assertEquals(50, iar(), "0x90 beats 0xA0; 50 beats 60 on the tie");
        eoi(50);
        gic.setLine(50, false);
        assertEquals(60, iar());
        eoi(60);
        gic.setLine(60, false);
        gic.writeCpuInterface(PMR, 4, 0xA0);
        assertFalse(gic.irq(), "priority 0xA0 is not below PMR 0xA0");
        assertEquals(GicV2.SPURIOUS, iar());
        gic.writeCpuInterface(PMR, 4, 0xA8);
        assertEquals(45, iar());
    }

    @Test
    void onlyAHigherGroupPriorityPreemptsTheRunningOne() {
        on(0xFF);
        enable(40, 0x80);
        enable(41, 0x40);
        enable(42, 0x84);
        gic.setLine(40, true);
        assertEquals(40, iar());
        gic.setLine(40, false); // level: drop it so it is not pending again after its EOI
        gic.setLine(42, true);
        assertFalse(gic.irq(), "0x84 is in the same group priority as 0x80 (BPR 2: bits [7:3])");
        gic.setLine(41, true);
        assertTrue(gic.irq(), "0x40 preempts 0x80");
        assertEquals(41, iar());
        gic.setLine(41, false);
        assertEquals(0x40, gic.readCpuInterface(RPR, 4));
        eoi(41);
        assertEquals(0x80, gic.readCpuInterface(RPR, 4), "the running priority drops back to 40's");
        eoi(40);
        assertEquals(42, iar());
        eoi(42);
        gic.setLine(42, false);
        gic.writeCpuInterface(BPR, 4, 7); // one group: nothing preempts
        gic.setLine(40, true);
        assertEquals(40, iar());
        gic.setLine(41, true);
        assertFalse(gic.irq(), "BPR 7: no preemption");
    }

    @Test
    void anSgiToSelfIsPendingAndSgisCannotBeDisabled() {
        on(0xF0);
        gic.writeDistributor(ICENABLER, 4, 0xFFFF); // SGIs are RAO/WI
        assertEquals(0xFFFF, gic.readDistributor(ISENABLER, 4) & 0xFFFF);
        gic.writeDistributor(IPRIORITYR + 3, 1, 0x10);
        gic.writeDistributor(SGIR, 4, 2L << 24 | 3); // TargetListFilter = 2: this CPU only; SGI 3
        assertTrue(gic.irq());
        assertEquals(3, iar());
        eoi(3);
        assertFalse(gic.irq());
        gic.writeDistributor(SGIR, 4, 0L << 24 | 1L << 16 | 5); // target list: CPU 0
        assertEquals(5, iar());
        gic.writeDistributor(SGIR, 4, 0L << 24 | 2L << 16 | 6); // CPU 1 only: not us
        eoi(5);
        assertEquals(GicV2.SPURIOUS, iar());
    }

    @Test
    void eitherEnableBitOffMeansNoIrq() {
        on(0xF0);
        enable(33, 0x80);
        gic.setLine(33, true);
        assertTrue(gic.irq());
        gic.writeDistributor(GICD_CTLR, 4, 0);
        assertFalse(gic.irq());
        gic.writeDistributor(GICD_CTLR, 4, 1);
        gic.writeCpuInterface(GICC_CTLR, 4, 0);
        assertFalse(gic.irq());
        gic.writeCpuInterface(GICC_CTLR, 4, 1);
        gic.writeDistributor(ICENABLER + 4, 4, 1L << 1);
        assertFalse(gic.irq());
        assertEquals(GicV2.SPURIOUS, iar());
    }
}
