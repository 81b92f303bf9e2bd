package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.core.tlb.TlbiRecord;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableDump;
import dev.levitate.mmu.PageTableOutOfMemoryException;
import dev.levitate.testkit.FreeAfterInvalidateAudit;
import dev.levitate.testkit.PageTableArbitraries;
import dev.levitate.testkit.PageTableInvariants;
import dev.levitate.testkit.ReferenceModel;
import dev.levitate.testkit.TrackingAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Property tests of {@link MmapArea}, the user's own address-space code, with levitate-testkit:
 * random sequences of mmap / munmap / mprotect (and mmap while the table allocator fails) run on
 * the area and on the {@link ReferenceModel} side by side. After every step: the testkit's page
 * table invariants, its free-after-invalidate audit of the tables, the area's own bookkeeping
 * against the model, and "a data frame goes back only after its page was invalidated". At the end
 * everything is unmapped and both allocators must be back where they started.
 */
class MmapAreaProperties {
    static final long PAGE = PageTable.PAGE_SIZE;
    /** 8 MiB straddling a 1 GiB boundary, so runs share and cross L3, L2 and L1 tables. */
    static final long BASE = 0x3FC0_0000L;
    static final long LIMIT = BASE + (8L << 20);
    static final int ASID = 7;

    // ------------------------------------------------------------------ operations, as values

    /** One operation on the area; each prints as the call it stands for, so shrunk sequences read as code. */
    sealed interface AreaOp {
    }

    /** {@code mmap(pages, attributes)}. */
    record Mmap(int pages, Attributes attributes) implements AreaOp {
        @Override
        public String toString() {
            return "mmap(" + pages + ")";
        }
    }

    /** {@code munmap} of {@code pages} pages from the {@code pick}-th mapped page (it may run into a hole). */
    record Munmap(int pick, int pages) implements AreaOp {
        @Override
        public String toString() {
            return "munmap(mapped page #" + pick + ", " + pages + ")";
        }
    }

    /** {@code mprotect} of {@code pages} pages from the {@code pick}-th mapped page. */
    record Mprotect(int pick, int pages, Attributes attributes) implements AreaOp {
        @Override
        public String toString() {
            return "mprotect(mapped page #" + pick + ", " + pages + ", " + attributes + ")";
        }
    }

    /** {@code mmap(pages)} while the {@code failAt}-th table allocation from now fails. */
    record MmapUnderPressure(int pages, int failAt) implements AreaOp {
        @Override
        public String toString() {
            return "mmap(" + pages + ") with table allocation #" + failAt + " failing";
        }
    }

    @Provide
    Arbitrary<List<AreaOp>> ops() {
        Arbitrary<Integer> pages = Arbitraries.oneOf(Arbitraries.integers().between(1, 16), Arbitraries.integers().between(400, 600));
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 2047);
        Arbitrary<AreaOp> mmap = Combinators.combine(pages, PageTableArbitraries.attributes()).as(Mmap::new);
        Arbitrary<AreaOp> munmap = Combinators.combine(pick, pages).as(Munmap::new);
        Arbitrary<AreaOp> mprotect = Combinators.combine(pick, Arbitraries.integers().between(1, 16), PageTableArbitraries.attributes())
                .as(Mprotect::new);
        Arbitrary<AreaOp> pressure = Combinators.combine(Arbitraries.integers().between(1, 600), Arbitraries.integers().between(1, 3))
                .as(MmapUnderPressure::new);
        return Arbitraries.frequencyOf(Tuple.of(4, mmap), Tuple.of(4, munmap), Tuple.of(1, mprotect), Tuple.of(1, pressure))
                .list().ofMaxSize(30);
    }

    // ------------------------------------------------------------------ the property

    @Property(tries = 150)
    void theAreaAgreesWithTheModelAndGivesEverythingBack(@ForAll("ops") List<AreaOp> ops) {
        World w = new World();
        for (AreaOp op : ops) {
            w.step(op);
        }
        w.unmapEverything();
    }

    /** The page table, its tracked allocator, the data allocator, the model and the audit of one try. */
    static final class World {
        final PhysicalMemory memory = PhysicalMemory.of(0x4000_0000L, 64L << 20);
        final TrackingAllocator tableFrames = new TrackingAllocator(BuddyAllocator.builder().regions(memory).build());
        final BuddyAllocator dataFrames = BuddyAllocator.forRegion(0x8000_0000L, 16L << 20);
        final RecordingTlbMaintenance tlb = new RecordingTlbMaintenance();
        final long tableFramesAtStart = tableFrames.freeFrames();
        final long dataFramesAtStart = dataFrames.freeFrames();
        final PageTable table = PageTable.builder(memory, tableFrames, tlb).vaBits(48).asid(ASID).build();
        final FreeAfterInvalidateAudit audit = FreeAfterInvalidateAudit.attach(table, tlb);
        final ReferenceModel model = new ReferenceModel();
        final MmapArea area = new MmapArea(table, dataFrames, BASE, LIMIT);

        void step(AreaOp op) {
            audit.beginOperation();
            int tlbMark = tlb.mark();
            if (op instanceof Mmap m) {
                mmap(m.pages(), m.attributes());
            } else if (op instanceof MmapUnderPressure p) {
                tableFrames.failAt(p.failAt());
                String before = PageTableDump.tree(table);
                long tablesFree = tableFrames.freeFrames();
                long dataFree = dataFrames.freeFrames();
                try {
                    mmap(p.pages(), Attributes.USER_DATA);
                    Statistics.label("mmap under pressure").collect("succeeded (no new table needed)");
                } catch (PageTableOutOfMemoryException e) {
                    Statistics.label("mmap under pressure").collect("failed and undone");
                    // a failed mmap changed nothing (the TLB log may grow: it undid what it mapped)
                    assertEquals(before, PageTableDump.tree(table), op + " failed and left the tables changed");
                    assertEquals(tablesFree, tableFrames.freeFrames(), op + " failed and kept table frames");
                    assertEquals(dataFree, dataFrames.freeFrames(), op + " failed and kept data frames");
                } finally {
                    tableFrames.stopFailing();
                }
            } else if (op instanceof Munmap u) {
                long va = pickMapped(u.pick());
                List<Long> gone = new ArrayList<>();
                for (int i = 0; i < u.pages(); i++) {
                    gone.add(va + i * PAGE);
                }
                if (model.unmapRange(va, u.pages() * PAGE) != null) {
                    refused(() -> area.munmap(va, u.pages()), "munmap(" + hex(va) + ", " + u.pages() + ")");
                } else {
                    area.munmap(va, u.pages());
                    check(op); // the testkit's checks first: their messages name the page
                    invalidatedSince(tlbMark, gone, "munmap(" + hex(va) + ", " + u.pages() + ")");
                }
            } else if (op instanceof Mprotect p) {
                long va = pickMapped(p.pick());
                if (model.protect(va, p.pages() * PAGE, p.attributes()) != null) {
                    refused(() -> area.mprotect(va, p.pages(), p.attributes()), "mprotect(" + hex(va) + ", " + p.pages() + ")");
                } else {
                    area.mprotect(va, p.pages(), p.attributes());
                }
            }
            check(op);
        }

        private void mmap(int pages, Attributes attributes) {
            long expected = firstFitInModel(pages);
            if (expected < 0) {
                refused(() -> area.mmap(pages, attributes), "mmap(" + pages + ") with no room");
                return;
            }
            long va = area.mmap(pages, attributes);
            assertEquals(hex(expected), hex(va), "mmap(" + pages + ") is first fit");
            for (int i = 0; i < pages; i++) {
                assertEquals(null, model.mapRange(va + i * PAGE, area.pages().get(va + i * PAGE), PAGE, attributes));
            }
        }

        /** The lowest free run of {@code pages} pages, by brute force over the model, or -1. */
        private long firstFitInModel(int pages) {
            long va = BASE;
            while (va + pages * PAGE <= LIMIT) {
                int taken = -1;
                for (int i = 0; i < pages && taken < 0; i++) {
                    if (model.get(va + i * PAGE) != null) {
                        taken = i;
                    }
                }
                if (taken < 0) {
                    return va;
                }
                va += (taken + 1) * PAGE;
            }
            return -1;
        }

        /** The pick-th mapped page (mod their number), or the area's base when nothing is mapped. */
        private long pickMapped(int pick) {
            List<Long> mapped = new ArrayList<>(model.pages().keySet());
            return mapped.isEmpty() ? BASE : mapped.get(pick % mapped.size());
        }

        private void refused(Runnable call, String what) {
            String before = PageTableDump.tree(table);
            long dataFree = dataFrames.freeFrames();
            int tlbMark = tlb.mark();
            RuntimeException e = assertThrows(RuntimeException.class, call::run, what + " must be refused");
            if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
                throw new AssertionError(what + " threw " + e, e);
            }
            assertEquals(before, PageTableDump.tree(table), what + " was refused but changed the tables");
            assertEquals(dataFree, dataFrames.freeFrames(), what + " was refused but changed the data frames");
            assertEquals(tlbMark, tlb.mark(), what + " was refused but issued TLB maintenance");
        }

        /**
         * Every unmapped page was invalidated in this operation (by VA in this ASID, by VA in all ASIDs for a
         * global page, or the whole ASID) and the maintenance ends with a DSB.
         */
        private void invalidatedSince(int mark, List<Long> vas, String what) {
            List<TlbiRecord> log = tlb.since(mark);
            HashSet<Long> pending = new HashSet<>(vas);
            HashSet<Long> done = new HashSet<>();
            for (TlbiRecord r : log) {
                if (r.op() == TlbiOp.DSB) {
                    continue;
                }
                boolean all = r.op() == TlbiOp.VMALLE1 || (r.op() == TlbiOp.ASIDE1 && r.asid() == ASID);
                for (long va : vas) {
                    boolean thisAsid = (r.op() == TlbiOp.VAE1 || r.op() == TlbiOp.VALE1) && r.asid() == ASID;
                    boolean anyAsid = r.op() == TlbiOp.VAAE1 || r.op() == TlbiOp.VAALE1; // global (nG = 0) pages
                    boolean byVa = (thisAsid || anyAsid) && (r.va() & -PAGE) == va;
                    if (all || byVa) {
                        done.add(va);
                    }
                }
            }
            pending.removeAll(done);
            if (!pending.isEmpty()) {
                throw new AssertionError(what + ": no TLB invalidate for " + pending.stream().map(MmapAreaProperties::hex).toList()
                        + " before its frame went back; log: " + log);
            }
            if (!log.isEmpty() && log.get(log.size() - 1).op() != TlbiOp.DSB) {
                throw new AssertionError(what + ": the TLB maintenance does not end with a DSB: " + log);
            }
        }

        private void check(AreaOp op) {
            try {
                PageTableInvariants.checkAll(table, tableFrames, model);
                audit.assertClean();
                assertEquals(model.pages().keySet(), area.pages().keySet(), "the area's own bookkeeping");
                assertEquals(area.pages().size(), new HashSet<>(area.pages().values()).size(), "two pages share a data frame");
                assertEquals(dataFramesAtStart - area.pages().size(), dataFrames.freeFrames(), "data frames in use = pages mapped");
            } catch (AssertionError e) {
                throw new AssertionError("after " + op + ": " + e.getMessage(), e);
            }
        }

        void unmapEverything() {
            while (!area.pages().isEmpty()) {
                long va = area.pages().keySet().iterator().next();
                int n = 1;
                while (area.pages().containsKey(va + n * PAGE)) {
                    n++;
                }
                try {
                    step(new Munmap(0, n));
                } catch (AssertionError e) {
                    throw new AssertionError("at the end, unmapping what is left: " + e.getMessage(), e);
                }
            }
            assertEquals(1, table.tables().size(), "only the root table is left:\n" + PageTableDump.tree(table));
            assertEquals(tableFramesAtStart - 1, tableFrames.freeFrames(), "table frames: all back but the root");
            assertEquals(dataFramesAtStart, dataFrames.freeFrames(), "data frames: all back");
        }
    }

    // ------------------------------------------------------------------ two examples, to read first

    @Example
    void aFreedRunIsReusedFirstFit() {
        World w = new World();
        long a = w.area.mmap(4, Attributes.USER_DATA);
        long b = w.area.mmap(4, Attributes.USER_DATA);
        w.area.munmap(a, 2);
        assertEquals(BASE, a);
        assertEquals(BASE + 4 * PAGE, b);
        assertEquals(BASE, w.area.mmap(2, Attributes.USER_DATA), "the hole at the base is the first fit");
    }

    @Example
    void aRunWithAHoleIsRefused() {
        World w = new World();
        long a = w.area.mmap(3, Attributes.USER_DATA);
        w.area.munmap(a + PAGE, 1);
        assertThrows(IllegalArgumentException.class, () -> w.area.munmap(a, 3));
        assertEquals(2, w.area.pages().size());
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
