package dev.levitate.core.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingTlbMaintenanceTest {

    @Test
    void recordsTheExactSequenceAndForwardsIt() {
        RecordingTlbMaintenance inner = new RecordingTlbMaintenance();
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance(inner);
        tlb.dsb();
        tlb.vale1(0x1000, 3);
        tlb.vae1(0x2000, 3);
        tlb.vaale1(0x3000);
        tlb.vaae1(0x4000);
        tlb.aside1(7);
        tlb.vmalle1();
        tlb.dsb();
        List<TlbiRecord> expected = List.of(
                new TlbiRecord(TlbiOp.DSB, 0, -1), new TlbiRecord(TlbiOp.VALE1, 0x1000, 3),
                new TlbiRecord(TlbiOp.VAE1, 0x2000, 3), new TlbiRecord(TlbiOp.VAALE1, 0x3000, -1),
                new TlbiRecord(TlbiOp.VAAE1, 0x4000, -1), new TlbiRecord(TlbiOp.ASIDE1, 0, 7),
                new TlbiRecord(TlbiOp.VMALLE1, 0, -1), new TlbiRecord(TlbiOp.DSB, 0, -1));
        assertEquals(expected, tlb.log());
        assertEquals(expected, inner.log(), "forwarded in the same order");
        assertEquals(6, tlb.invalidations());
        assertEquals(2, tlb.count(TlbiOp.DSB));
        assertEquals("TLBI VALE1IS va=0x0000_0000_0000_1000 asid=3", tlb.log().get(1).toString());
    }

    @Test
    void markAndSinceIsolateOneOperation() {
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        tlb.vmalle1();
        int mark = tlb.mark();
        tlb.vale1(0x5000, 1);
        assertEquals(List.of(new TlbiRecord(TlbiOp.VALE1, 0x5000, 1)), tlb.since(mark));
        tlb.clear();
        assertTrue(tlb.log().isEmpty());
        assertEquals(0, tlb.count(TlbiOp.VMALLE1));
    }

    @Test
    void onlyAllLevelInvalidationsCoverATableWalk() {
        assertTrue(TlbiOp.VAE1.coversTableWalk(0x1000, 2, 0x1000, 2));
        assertFalse(TlbiOp.VAE1.coversTableWalk(0x1000, 3, 0x1000, 2));
        assertFalse(TlbiOp.VALE1.coversTableWalk(0x1000, 2, 0x1000, 2), "VALE1 leaves walk-cache entries");
        assertFalse(TlbiOp.VAALE1.coversTableWalk(0x1000, 0, 0x1000, 2));
        assertTrue(TlbiOp.VAAE1.coversTableWalk(0x1000, 0, 0x1000, 2));
        assertTrue(TlbiOp.ASIDE1.coversTableWalk(0, 2, 0x7000, 2));
        assertTrue(TlbiOp.VMALLE1.coversTableWalk(0, 0, 0x7000, 9));
        assertFalse(TlbiOp.DSB.coversTableWalk(0, 0, 0, 0));
    }
}
