package dev.levitate.sim.mmu;

import static dev.levitate.sim.Rig.DSB_ISH;
import static dev.levitate.sim.Rig.ISB;
import static dev.levitate.sim.Rig.NG;
import static dev.levitate.sim.Rig.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.Rig;
import dev.levitate.sim.cpu.StopKind;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemOperation;
import dev.levitate.a64.SystemRegister;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both halves of the TLB contract, seen by guest code: a translation stays usable — stale — after
 * its page-table entry changes, until a TLBI that covers it; after that TLBI the new entry is used.
 * Every TLBI runs as a guest {@code SYS} instruction with its architectural operand (VA[55:12] in
 * bits [43:0], ASID in [63:48]).
 */
class StaleTranslationTest {
    static final long VA = 0x1_0000_0000L;      // L0 0, L1 4, L2 0, L3 0
    static final long VA_GLOBAL = 0x1_0020_0000L; // another L2 slot
    static final long VA_BLOCK = 0x1_0040_0000L;  // a 2 MiB block
    static final long OLD = 0x1111, NEW = 0x2222;
    static final int ASID = 5, OTHER_ASID = 6;

    final Rig rig = new Rig();

    long ram(long pa) {
        return rig.machine().ram().read64(pa);
    }

    void poke(long pa, long value) {
        rig.machine().ram().write64(pa, value);
    }

    static long operand(long va, int asid) {
        return (va >>> 12) & 0xFFF_FFFF_FFFFL | (long) asid << 48;
    }

    static boolean byAsid(SystemOperation op) {
        return op.name().startsWith("TLBI_ASIDE1");
    }

    static boolean all(SystemOperation op) {
        return op.name().startsWith("TLBI_VMALLE1");
    }

    static boolean allAsids(SystemOperation op) {
        return op.name().startsWith("TLBI_VAA");
    }

    List<Tlb.Entry> entriesFor(long va) {
        return rig.cpu().mmu().tlb().entries().stream().filter(e -> e.va() == (va & ~0xFFFL)).collect(Collectors.toList());
    }

    /** Runs to the next BRK (VBAR is unset: the machine stops there) and steps over it. */
    void runToBrk() {
        assertEquals(StopKind.BREAKPOINT, rig.machine().run(10_000), () -> "stopped at 0x" + Long.toHexString(rig.cpu().stopPc()));
        rig.cpu().setPc(rig.cpu().stopPc() + 4);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SystemOperation.class, names = "TLBI_.*", mode = EnumSource.Mode.MATCH_ALL)
    void aChangedEntryIsStaleUntilTheTlbiThatCoversItThenTheNewOneIsUsed(SystemOperation op) {
        long root = rig.identityRoot();
        long pte = rig.map4k(root, VA, frame(0), NG);
        poke(frame(0), OLD);
        poke(frame(1), NEW);
        rig.enableMmu(root, ASID);
        // the wrong invalidation: the neighbouring page (VA forms), another ASID (ASIDE1); none for VMALLE1
        long wrong = byAsid(op) ? operand(0, OTHER_ASID) : operand(VA + 0x1000, ASID);
        long right = byAsid(op) ? operand(0, ASID) : operand(VA, ASID);
        A64Assembler a = Rig.code();
        a.mov64(10, VA).mov64(11, pte).mov64(12, Rig.page(frame(1), NG)).mov64(13, right).mov64(14, wrong);
        a.ldr(0, 10, 0);                      // fills the TLB: old page
        a.str(12, 11, 0).word(DSB_ISH);       // the entry now points at the new page
        a.ldr(1, 10, 0);                      // stale: no TLBI yet
        if (!all(op)) {
            Rig.tlbi(a, op, 14);
            a.word(DSB_ISH).word(ISB);
        }
        a.ldr(2, 10, 0);                      // still stale: that TLBI did not cover it
        a.brk(1);
        Rig.tlbi(a, op, all(op) ? 31 : 13);
        a.word(DSB_ISH).word(ISB);
        a.ldr(3, 10, 0);                      // the new page
        a.brk(2);
        rig.load(a);

        runToBrk();
        assertEquals(OLD, rig.cpu().reg(0));
        assertEquals(OLD, rig.cpu().reg(1), "stale without a TLBI");
        assertEquals(OLD, rig.cpu().reg(2), "stale after a TLBI that does not cover it");
        List<Tlb.Entry> before = entriesFor(VA);
        assertEquals(1, before.size(), before::toString);
        assertEquals(frame(0), before.get(0).pa());
        assertEquals(ASID, before.get(0).asid());
        assertFalse(before.get(0).global());

        runToBrk();
        assertEquals(NEW, rig.cpu().reg(3), "the TLBI removed the stale entry");
        List<Tlb.Entry> after = entriesFor(VA);
        assertEquals(1, after.size(), after::toString);
        assertEquals(frame(1), after.get(0).pa());
        TlbStats s = rig.cpu().mmu().stats();
        assertEquals(all(op) ? 1 : 2, s.invalidations(op), s::toString);
        assertTrue(s.entriesInvalidated() >= 1, s::toString);
    }

    @Test
    void walkTablesSaysWhatTheTablesMapNowWithoutTouchingTheTlbSoAStaleEntryShows() {
        long root = rig.identityRoot();
        long pte = rig.map4k(root, VA, frame(0), NG);
        rig.enableMmu(root, ASID);
        A64Assembler a = Rig.code();
        a.mov64(10, VA).mov64(11, pte).mov64(12, Rig.page(frame(1), NG));
        a.ldr(0, 10, 0);                      // fills the TLB: frame 0
        a.str(12, 11, 0).word(DSB_ISH);       // the entry now points at frame 1, no TLBI
        a.brk(1);
        a.str(31, 11, 0).word(DSB_ISH);       // and now it is invalid, still no TLBI
        a.brk(2);
        rig.load(a);
        runToBrk();
        Mmu mmu = rig.cpu().mmu();
        String statsBefore = mmu.stats().toString();
        List<Tlb.Entry> tlbBefore = mmu.tlb().entries();
        int walkCacheBefore = mmu.walkCacheSize();

        Mmu.TableWalk now = mmu.walkTables(VA + 0x123);
        assertFalse(now.faulted(), now::toString);
        assertEquals(frame(1), now.pa(), "the tables say frame 1");
        assertEquals(3, now.level());
        assertEquals(4096, now.descriptorSize());
        assertFalse(now.global());
        assertEquals(frame(0), entriesFor(VA).get(0).pa(), "the TLB still says frame 0: stale");
        assertEquals(statsBefore, mmu.stats().toString(), "no walk, read or fault counted");
        assertEquals(tlbBefore, mmu.tlb().entries(), "no fill");
        assertEquals(walkCacheBefore, mmu.walkCacheSize(), "no walk-cache fill");

        runToBrk();
        String statsThen = mmu.stats().toString();
        Mmu.TableWalk gone = mmu.walkTables(VA);
        assertTrue(gone.faulted(), gone::toString);
        assertEquals(Mmu.FSC_TRANSLATION + 3, gone.faultStatus(), "a translation fault at level 3");
        assertEquals(Mmu.FAULT, gone.pa());
        assertEquals(frame(0), entriesFor(VA).get(0).pa(), "still stale");
        assertEquals(statsThen, mmu.stats().toString(), "a faulting probe counts no fault either");
    }

    @Test
    void walkCacheEntriesListTheTableDescriptorsAWalkWentThroughAndVaLe1LeavesThem() {
        long root = rig.identityRoot();
        rig.map4k(root, VA, frame(0), NG);
        rig.enableMmu(root, ASID);
        A64Assembler a = Rig.code();
        a.mov64(10, VA).mov64(13, operand(VA, ASID));
        a.ldr(0, 10, 0);                      // one walk: L0, L1, L2 tables, then the L3 page
        a.brk(1);
        Rig.tlbi(a, SystemOperation.TLBI_VALE1, 13);
        a.word(DSB_ISH).word(ISB).brk(2);
        Rig.tlbi(a, SystemOperation.TLBI_VAE1, 13);
        a.word(DSB_ISH).word(ISB).brk(3);
        rig.load(a);
        runToBrk();
        Mmu mmu = rig.cpu().mmu();
        List<Mmu.WalkCacheEntry> forVa = mmu.walkCacheEntries().stream().filter(w -> VA >= w.va() && VA - w.va() < w.span())
                .collect(Collectors.toList());
        assertEquals(List.of(0, 1, 2), forVa.stream().map(Mmu.WalkCacheEntry::level).sorted().collect(Collectors.toList()), forVa::toString);
        for (Mmu.WalkCacheEntry w : forVa) {
            assertEquals(1L << (12 + 9 * (3 - w.level())), w.span(), w::toString);
            assertEquals(ASID, w.asid(), w::toString);
            assertEquals(0, w.table() & 0xFFF, "a table is page aligned: " + w);
        }
        assertEquals(3, mmu.walkTables(VA).level(), "the walk ends at the level-3 page");
        runToBrk();
        assertEquals(forVa.size(), mmu.walkCacheEntries().stream().filter(forVa::contains).count(), "VALE1 leaves the walk cache");
        runToBrk();
        assertEquals(0, mmu.walkCacheEntries().stream().filter(forVa::contains).count(), "VAE1 takes them out");
    }

    @Test
    void walkTablesRefusesWhenTheMmuIsOff() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> rig.cpu().mmu().walkTables(VA));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SystemOperation.class, names = {"TLBI_VAE1", "TLBI_VALE1IS", "TLBI_VAAE1", "TLBI_VAALE1"})
    void anUpperHalfVaIsInvalidatedThroughItsSignExtendedOperand(SystemOperation op) {
        long va = 0xFFFF_8000_1234_5000L; // TTBR1: VA[55] = 1, so operand bit 43 = 1 stands for VA[63:55]
        long root = rig.identityRoot();
        long high = rig.newTable();
        long pte = rig.map4k(high, va, frame(0), NG);
        poke(frame(0), OLD);
        poke(frame(1), NEW);
        rig.enableMmu(root, ASID);
        rig.cpu().setSystemRegister(SystemRegister.TTBR1_EL1, high);
        rig.cpu().setSystemRegister(SystemRegister.TCR_EL1, Rig.TCR & ~(1L << 23)); // TTBR1 walks on
        A64Assembler a = Rig.code();
        a.mov64(10, va).mov64(11, pte).mov64(12, Rig.page(frame(1), NG)).mov64(13, operand(va, ASID));
        a.ldr(0, 10, 0).str(12, 11, 0).word(DSB_ISH).ldr(1, 10, 0);
        Rig.tlbi(a, op, 13);
        a.word(DSB_ISH).word(ISB).ldr(2, 10, 0).brk(0);
        rig.load(a);
        runToBrk();
        assertEquals(1L << 43, operand(va, ASID) & 1L << 43);
        assertEquals(OLD, rig.cpu().reg(0));
        assertEquals(OLD, rig.cpu().reg(1), "stale");
        assertEquals(NEW, rig.cpu().reg(2), "the TLBI matched the upper-half entry");
    }

    /** Two address spaces (roots A and B, ASIDs 1 and 2) for the ASID tests; returns {rootA, rootB, pteA, pteB}. */
    long[] twoAddressSpaces() {
        long rootA = rig.identityRoot();
        long rootB = rig.identityRoot();
        long pteA = rig.map4k(rootA, VA, frame(0), NG);
        long pteB = rig.map4k(rootB, VA, frame(1), NG);
        rig.map4k(rootA, VA_GLOBAL, frame(2), 0);   // global in A
        rig.map4k(rootB, VA_GLOBAL, frame(3), 0);   // B maps it elsewhere: the global entry still wins
        for (int i = 0; i < 6; i++) {
            poke(frame(i), 0xA000 + i);
        }
        rig.enableMmu(rootA, 1);
        return new long[] {rootA, rootB, pteA, pteB};
    }

    @Test
    void eachAsidKeepsItsOwnTranslationAcrossTtbr0SwitchesAndGlobalEntriesMatchEveryAsid() {
        long[] s = twoAddressSpaces();
        A64Assembler a = Rig.code();
        a.mov64(10, VA).mov64(15, VA_GLOBAL).mov64(20, s[0] | 1L << 48).mov64(21, s[1] | 2L << 48);
        a.mov64(11, s[2]).mov64(12, Rig.page(frame(4), NG));
        a.ldr(0, 10, 0).ldr(4, 15, 0);              // ASID 1: A's page, the global page
        Rig.msr(a, SystemRegister.TTBR0_EL1, 21);
        a.word(ISB);
        a.ldr(1, 10, 0).ldr(5, 15, 0);              // ASID 2: B's page; the global entry of A
        a.str(12, 11, 0).word(DSB_ISH);             // A's entry changes (no TLBI)
        Rig.msr(a, SystemRegister.TTBR0_EL1, 20);
        a.word(ISB);
        a.ldr(2, 10, 0);                            // ASID 1 again: its entry survived ASID 2's run
        a.brk(0);
        rig.load(a);
        runToBrk();
        assertEquals(0xA000, rig.cpu().reg(0));
        assertEquals(0xA001, rig.cpu().reg(1), "ASID 2 got its own translation, not ASID 1's");
        assertEquals(0xA000, rig.cpu().reg(2), "ASID 1's entry is still there (stale: the table says frame 4)");
        assertEquals(0xA002, rig.cpu().reg(4));
        assertEquals(0xA002, rig.cpu().reg(5), "a global entry matches every ASID");
        List<Tlb.Entry> e = entriesFor(VA);
        assertEquals(2, e.size(), e::toString);
        assertEquals(java.util.Set.of(1, 2), e.stream().map(Tlb.Entry::asid).collect(Collectors.toSet()));
        List<Tlb.Entry> g = entriesFor(VA_GLOBAL);
        assertEquals(1, g.size(), g::toString);
        assertTrue(g.get(0).global());
    }

    enum Scope {
        VALE1_ASID1(SystemOperation.TLBI_VALE1, 1, true, false, true),
        VAE1IS_ASID1(SystemOperation.TLBI_VAE1IS, 1, true, false, true),
        VAAE1(SystemOperation.TLBI_VAAE1, 0, true, true, true),
        VAALE1IS(SystemOperation.TLBI_VAALE1IS, 0, true, true, true),
        ASIDE1_ASID1(SystemOperation.TLBI_ASIDE1, 1, true, false, false),
        ASIDE1IS_ASID2(SystemOperation.TLBI_ASIDE1IS, 2, false, true, false),
        VMALLE1(SystemOperation.TLBI_VMALLE1, 0, true, true, true);

        final SystemOperation op;
        final int asid;
        final boolean removesAsid1, removesAsid2, removesGlobal;

        Scope(SystemOperation op, int asid, boolean removesAsid1, boolean removesAsid2, boolean removesGlobal) {
            this.op = op;
            this.asid = asid;
            this.removesAsid1 = removesAsid1;
            this.removesAsid2 = removesAsid2;
            this.removesGlobal = removesGlobal;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scope.class)
    void eachTlbiRemovesExactlyItsScope(Scope scope) {
        long[] s = twoAddressSpaces();
        long globalPte = rig.entry(s[0], VA_GLOBAL, 3);
        A64Assembler a = Rig.code();
        a.mov64(10, VA).mov64(15, VA_GLOBAL).mov64(20, s[0] | 1L << 48).mov64(21, s[1] | 2L << 48);
        a.ldr(0, 10, 0).ldr(0, 15, 0);
        Rig.msr(a, SystemRegister.TTBR0_EL1, 21);
        a.word(ISB).ldr(0, 10, 0);
        Rig.msr(a, SystemRegister.TTBR0_EL1, 20);
        a.word(ISB);
        // every entry changes: A -> frame 4, B -> frame 5, the global page -> frame 0
        a.mov64(11, s[2]).mov64(12, Rig.page(frame(4), NG)).str(12, 11, 0);
        a.mov64(11, s[3]).mov64(12, Rig.page(frame(5), NG)).str(12, 11, 0);
        a.mov64(11, globalPte).mov64(12, Rig.page(frame(0), 0)).str(12, 11, 0).word(DSB_ISH);
        a.mov64(13, scope.op.name().contains("ASIDE1") ? operand(0, scope.asid) : operand(VA, scope.asid));
        if (scope.op.name().startsWith("TLBI_VA")) {
            a.mov64(14, operand(VA_GLOBAL, scope.asid));
            Rig.tlbi(a, scope.op, 14);              // the VA forms: the global page needs its own VA
        }
        Rig.tlbi(a, scope.op, scope.op.name().startsWith("TLBI_VMALL") ? 31 : 13);
        a.word(DSB_ISH).word(ISB);
        a.brk(1);
        a.ldr(1, 10, 0).ldr(3, 15, 0);              // ASID 1
        Rig.msr(a, SystemRegister.TTBR0_EL1, 21);
        a.word(ISB).ldr(2, 10, 0);                  // ASID 2
        a.brk(2);
        rig.load(a);
        runToBrk();
        List<Tlb.Entry> e = entriesFor(VA);
        assertEquals(!scope.removesAsid1, e.stream().anyMatch(x -> x.asid() == 1), e::toString);
        assertEquals(!scope.removesAsid2, e.stream().anyMatch(x -> x.asid() == 2), e::toString);
        assertEquals(!scope.removesGlobal, !entriesFor(VA_GLOBAL).isEmpty());
        runToBrk();
        assertEquals(scope.removesAsid1 ? 0xA004 : 0xA000, rig.cpu().reg(1), "ASID 1");
        assertEquals(scope.removesAsid2 ? 0xA005 : 0xA001, rig.cpu().reg(2), "ASID 2");
        assertEquals(scope.removesGlobal ? 0xA000 : 0xA002, rig.cpu().reg(3), "global page");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SystemOperation.class, names = {"TLBI_VALE1", "TLBI_VALE1IS", "TLBI_VAALE1", "TLBI_VAE1", "TLBI_VAE1IS", "TLBI_VAAE1"})
    void lastLevelTlbiLeavesTheWalkCacheSoAReplacedTableIsStillWalked(SystemOperation op) {
        long root = rig.identityRoot();
        rig.map4k(root, VA, frame(0), NG);
        rig.map4k(root, VA + 0x1000, frame(1), NG);
        long l2 = rig.entry(root, VA, 2);
        long t2 = rig.newTable();
        poke(t2, Rig.page(frame(2), NG));
        poke(t2 + 8, Rig.page(frame(3), NG));
        for (int i = 0; i < 4; i++) {
            poke(frame(i), 0xB000 + i);
        }
        rig.enableMmu(root, ASID);
        A64Assembler a = Rig.code();
        a.mov64(10, VA).mov64(11, l2).mov64(12, t2 | 3).mov64(13, operand(VA, ASID));
        a.ldr(0, 10, 0);                        // walks: the walk cache now holds L0, L1 and L2 table entries
        a.brk(1);
        a.str(12, 11, 0).word(DSB_ISH);         // the L2 table descriptor now points at another L3 table
        Rig.tlbi(a, op, 13);
        a.word(DSB_ISH).word(ISB);
        a.ldr(1, 10, 0x1000).brk(2);            // the neighbouring page: a TLB miss, so a walk
        rig.load(a);
        runToBrk();
        assertEquals(0xB000, rig.cpu().reg(0));
        int cached = rig.cpu().mmu().walkCacheSize();
        assertTrue(cached >= 1, "the walk filled the walk cache");
        long walkCacheHits = rig.cpu().mmu().stats().walkCacheHits();
        runToBrk();
        boolean lastLevel = op.name().contains("LE1");
        if (lastLevel) {
            assertEquals(0xB001, rig.cpu().reg(1), "the neighbouring page was walked through the old L3 table (walk cache kept)");
            assertTrue(rig.cpu().mmu().stats().walkCacheHits() > walkCacheHits, "the walk started below the root");
        } else {
            assertEquals(0xB003, rig.cpu().reg(1), "all-levels TLBI: the walk re-read the L2 descriptor");
            assertTrue(rig.cpu().mmu().walkCacheSize() <= cached);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SystemOperation.class, names = {"TLBI_VAE1", "TLBI_VALE1", "TLBI_VAAE1", "TLBI_VAALE1IS"})
    void anInvalidationByAnyVaInABlockRemovesEveryEntrySplinteredFromIt(SystemOperation op) {
        long root = rig.identityRoot();
        long oldBlock = 0x40A0_0000L, newBlock = 0x40C0_0000L;
        long desc = rig.map2m(root, VA_BLOCK, oldBlock, NG);
        int[] offsets = {0, 0x1000, 0x5000};
        for (int off : offsets) {
            poke(oldBlock + off, 0xC000 + off);
            poke(newBlock + off, 0xD000 + off);
        }
        rig.enableMmu(root, ASID);
        A64Assembler a = Rig.code();
        a.mov64(10, VA_BLOCK).mov64(11, desc).mov64(12, Rig.block(newBlock, NG)).mov64(13, operand(VA_BLOCK + 0x10_0000, ASID));
        a.ldr(0, 10, 0).ldr(1, 10, 0x1000).ldr(2, 10, 0x5000).brk(1);
        a.str(12, 11, 0).word(DSB_ISH).ldr(3, 10, 0x1000);
        Rig.tlbi(a, op, 13);                    // a VA in the block that was never touched
        a.word(DSB_ISH).word(ISB).brk(2);
        a.ldr(4, 10, 0).ldr(5, 10, 0x1000).ldr(6, 10, 0x5000).brk(3);
        rig.load(a);
        runToBrk();
        List<Tlb.Entry> splinters = rig.cpu().mmu().tlb().entries().stream()
                .filter(e -> !e.global()).collect(Collectors.toList());
        assertEquals(3, splinters.size(), splinters::toString);
        for (Tlb.Entry e : splinters) {
            assertEquals(2, e.level());
            assertEquals(1L << 21, e.descriptorSize());
            assertEquals(oldBlock, e.pa() & ~0x1F_FFFFL);
        }
        runToBrk();
        assertEquals(0xC000 + 0x1000, rig.cpu().reg(3), "stale before the TLBI");
        assertTrue(rig.cpu().mmu().tlb().entries().stream().noneMatch(e -> !e.global()),
                () -> rig.cpu().mmu().tlb().entries().toString());
        runToBrk();
        assertEquals(0xD000, rig.cpu().reg(4));
        assertEquals(0xD000 + 0x1000, rig.cpu().reg(5));
        assertEquals(0xD000 + 0x5000, rig.cpu().reg(6));
        assertEquals(0xC000, rig.cpu().reg(0));
    }
}
