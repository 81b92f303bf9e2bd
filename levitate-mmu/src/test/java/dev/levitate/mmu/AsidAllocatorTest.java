package dev.levitate.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** ASIDs with generations: no ASID reused without a VMALLE1 in between (issue 17, item 4). */
class AsidAllocatorTest {

    @Test
    void aReleasedAsidIsNotReusedBeforeTheNextRolloverFlushesIt() {
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        AsidAllocator asids = new AsidAllocator(8, tlb);
        List<AsidAllocator.Context> ctx = new ArrayList<>();
        for (int i = 0; i < 254; i++) {
            AsidAllocator.Context c = asids.newContext();
            asids.activate(c);
            ctx.add(c);
        }
        AsidAllocator.Context dying = ctx.get(4);
        int itsAsid = asids.asidOf(dying);
        asids.release(dying);
        assertFalse(asids.isCurrent(dying));
        assertEquals(1, asids.retired());
        assertEquals(253, asids.inUse());
        // one ASID (255) was never used: it goes first, without a flush
        AsidAllocator.Context a = asids.newContext();
        assertEquals(255, asids.activate(a));
        assertEquals(0, tlb.count(TlbiOp.VMALLE1));
        // the next one would be the released ASID: only after the rollover's VMALLE1
        AsidAllocator.Context b = asids.newContext();
        int mark = tlb.mark();
        int got = asids.activate(b);
        assertEquals(1, tlb.count(TlbiOp.VMALLE1), "the released ASID " + itsAsid + " came back without a flush");
        assertEquals(TlbiOp.VMALLE1, tlb.since(mark).get(0).op());
        assertEquals(2, asids.generation());
        assertEquals(0, asids.retired());
        assertNotEquals(255, got, "the active context (a) keeps its ASID through the rollover");
        assertTrue(asids.isCurrent(a));
        assertFalse(asids.isCurrent(ctx.get(0)), "every other context must take a new ASID");
        assertEquals(-1, asids.asidOf(ctx.get(0)));
    }

    @Test
    void releasingAContextOfAnOldGenerationRetiresNothing() {
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        AsidAllocator asids = new AsidAllocator(8, tlb);
        AsidAllocator.Context old = asids.newContext();
        asids.activate(old);
        for (int i = 0; i < 255; i++) {
            asids.activate(asids.newContext());
        }
        assertEquals(2, asids.generation());
        int inUse = asids.inUse();
        asids.release(old);
        assertEquals(inUse, asids.inUse());
        assertEquals(0, asids.retired());
    }

    sealed interface Op permits Activate, Release {
    }

    record Activate(int ctx) implements Op {
    }

    record Release(int ctx) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> activate = Arbitraries.integers().between(0, 299).map(Activate::new);
        Arbitrary<Op> release = Arbitraries.integers().between(0, 299).map(Release::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, activate), net.jqwik.api.Tuple.of(1, release))
                .list().ofMinSize(1).ofMaxSize(1500);
    }

    /**
     * The reference: every ASID remembers the context it was last handed to and whether a VMALLE1
     * ran since; an ASID handed to another context needs that VMALLE1. And no two current
     * contexts share an ASID.
     */
    @Property(tries = 60)
    void noAsidChangesHandsWithoutAFlushAndNoTwoCurrentContextsShareOne(@ForAll("ops") List<Op> ops) {
        RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        AsidAllocator asids = new AsidAllocator(8, tlb);
        AsidAllocator.Context[] ctx = new AsidAllocator.Context[300];
        for (int i = 0; i < ctx.length; i++) {
            ctx[i] = asids.newContext();
        }
        int[] holder = new int[256];
        long[] flushesWhenHanded = new long[256];
        java.util.Arrays.fill(holder, -1);
        for (Op op : ops) {
            if (op instanceof Activate a) {
                int asid = asids.activate(ctx[a.ctx()]);
                assertTrue(asid >= 1 && asid <= 255, "ASID " + asid);
                if (holder[asid] != a.ctx() && holder[asid] != -1) {
                    assertTrue(tlb.count(TlbiOp.VMALLE1) > flushesWhenHanded[asid], "ASID " + asid + " went from context "
                            + holder[asid] + " to " + a.ctx() + " with no VMALLE1 in between");
                }
                holder[asid] = a.ctx();
                flushesWhenHanded[asid] = tlb.count(TlbiOp.VMALLE1);
            } else if (op instanceof Release r) {
                asids.release(ctx[r.ctx()]);
            }
            Map<Integer, Integer> owners = new HashMap<>();
            for (int i = 0; i < ctx.length; i++) {
                int asid = asids.asidOf(ctx[i]);
                if (asid != -1) {
                    Integer other = owners.put(asid, i);
                    assertTrue(other == null, "contexts " + other + " and " + i + " both hold ASID " + asid);
                }
            }
            assertEquals(owners.size(), asids.inUse());
        }
    }
}
