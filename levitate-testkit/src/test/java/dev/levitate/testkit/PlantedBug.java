package dev.levitate.testkit;

import dev.levitate.core.alloc.AllocatorStats;
import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.Half;
import dev.levitate.mmu.PageTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The planted bugs the testkit must catch: the nine TLB-maintenance bugs of issue #17 and the
 * original kernel's mistakes (ORIGINAL-KERNEL.md). Each is a mutant of levitate-mmu's correct
 * {@link PageTable}: a decorator of its TLB port or allocator, or of the table itself, so the
 * mutant is exactly "the correct code, plus this one mistake". {@link MutationSuiteTest} runs each
 * through jqwik and checks the shrunk counterexample names {@link #caughtBy}.
 */
enum PlantedBug {
    // ---- issue #17, item 5: the nine planted between a correct table and its port
    /** Every TLBI VAE1 dropped (the all-levels invalidation before tables are freed). */
    DROP_VAE1(Where.LOWER_NON_GLOBAL, "freedBeforeInvalidate"),
    /** TLBI VAE1 demoted to VALE1: the walk cache keeps the freed tables. */
    VAE1_DEMOTED_TO_VALE1(Where.LOWER_NON_GLOBAL, "freedBeforeInvalidate"),
    /** The DSB after each TLBI dropped. */
    DROP_TRAILING_DSB(Where.LOWER_NON_GLOBAL, "freedBeforeInvalidate", "staleEntry"),
    /** VAE1 (used when a table is freed) sent with the wrong ASID. */
    WRONG_ASID_WHEN_A_TABLE_IS_FREED(Where.LOWER_NON_GLOBAL, "freedBeforeInvalidate"),
    /** Every TLBI ASIDE1 (ranges above the threshold) dropped. */
    DROP_ASIDE1(Where.LOWER_NON_GLOBAL, "staleEntry", "freedBeforeInvalidate"),
    /** The all-levels invalidation (and its DSB) held back until after the tables are freed. */
    TABLE_FREED_BEFORE_INVALIDATION(Where.LOWER_NON_GLOBAL, "freedBeforeInvalidate"),
    /**
     * Every leaf-only invalidation (VALE1, VAALE1) dropped: stale leaves after unmap or protect (SC1),
     * and a block split whose break-before-make lost its invalidation.
     */
    DROP_VALE1_AND_VAALE1(Where.LOWER_NON_GLOBAL, "staleEntry", "breakBeforeMake"),
    /** The DSB between the descriptor write and the TLBI dropped. */
    DROP_DSB_BETWEEN_WRITE_AND_TLBI(Where.LOWER_NON_GLOBAL, "tlbiBeforeDsb"),
    /** VMALLE1 replaced by ASIDE1 in the upper half, whose global entries ASIDE1 does not touch. */
    VMALLE1_AS_ASIDE1_IN_THE_UPPER_HALF(Where.UPPER_GLOBAL, "staleEntry"),
    // ---- the original kernel's mistakes
    /** Original mistake 1: no barrier at all, TLBIs race the descriptor writes. */
    TLBI_WITHOUT_BARRIER(Where.LOWER_NON_GLOBAL, "tlbiBeforeDsb"),
    /** Original mistake 1: tables freed with no invalidation (the operation's TLBIs dropped when it frees a table). */
    TABLES_FREED_WITHOUT_INVALIDATION(Where.LOWER_NON_GLOBAL, "freedBeforeInvalidate"),
    /** Original mistake 2: a page mapped inside a 2 MiB block silently replaces the block with a new table. */
    PAGE_INSIDE_A_BLOCK_REPLACES_IT(Where.LOWER_NON_GLOBAL, "breakBeforeMake"),
    /** Original mistake 3: reclamation frees boot-time tables that never came from the allocator. */
    RECLAMATION_FREES_BOOT_TABLES(Where.LOWER_NON_GLOBAL, "foreignFree"),
    /** Reclamation frees the root when the last mapping goes. */
    RECLAMATION_FREES_THE_ROOT(Where.LOWER_NON_GLOBAL, "freedWhileLinked");

    /** Where the sequences run: the half and the kind of mapping the bug shows on. */
    enum Where { LOWER_NON_GLOBAL, UPPER_GLOBAL }

    final Where where;
    final Set<String> caughtBy;

    PlantedBug(Where where, String... caughtBy) {
        this.where = where;
        this.caughtBy = Set.of(caughtBy);
    }

    private static final long RAM = 0x4000_0000L;
    private static final long RAM_SIZE = 64L << 20;
    /** The boot-time tables live in the last 4 MiB, outside the allocator. */
    private static final long BOOT = RAM + RAM_SIZE - (4L << 20);

    /**
     * A harness on the mutant.
     *
     * @return the harness
     */
    PageTableHarness harness() {
        PhysicalMemory memory = PhysicalMemory.of(RAM, RAM_SIZE);
        PageTableHarness.Builder b = PageTableHarness.builder((m, f, t) -> {
            MutantPort port = new MutantPort(this, t);
            MutantAllocator frames = new MutantAllocator(this, f, port);
            PageTable.Builder pb = PageTable.builder(m, frames, port).asid(7);
            if (where == Where.UPPER_GLOBAL) {
                pb.half(Half.UPPER);
            }
            PageTable table = pb.build();
            port.asid = table.asid();
            return new MutantTable(this, TestablePageTable.of(table, frames, port), port, frames);
        });
        return b.memory(memory).allocator(BuddyAllocator.forRegion(RAM, BOOT - RAM)).build();
    }

    /** The TLB port between the correct table and the harness, with the bug. */
    static final class MutantPort implements TlbMaintenance {
        private final PlantedBug bug;
        private final TlbMaintenance next;
        int asid;
        private boolean lastWasTlbi;
        private boolean heldDsb;
        /** Held-back operations: {op ordinal, va, asid}. */
        private final List<long[]> held = new ArrayList<>();

        MutantPort(PlantedBug bug, TlbMaintenance next) {
            this.bug = bug;
            this.next = next;
        }

        private void tlbi(TlbiOp op, long va, int a) {
            switch (bug) {
                case DROP_VAE1 -> {
                    if (op == TlbiOp.VAE1) {
                        return;
                    }
                }
                case VAE1_DEMOTED_TO_VALE1 -> op = op == TlbiOp.VAE1 ? TlbiOp.VALE1 : op;
                case WRONG_ASID_WHEN_A_TABLE_IS_FREED -> a = op == TlbiOp.VAE1 ? a + 1 : a;
                case DROP_ASIDE1 -> {
                    if (op == TlbiOp.ASIDE1) {
                        return;
                    }
                }
                case DROP_VALE1_AND_VAALE1 -> {
                    if (op.leafOnly()) {
                        return;
                    }
                }
                case VMALLE1_AS_ASIDE1_IN_THE_UPPER_HALF -> {
                    if (op == TlbiOp.VMALLE1) {
                        op = TlbiOp.ASIDE1;
                        a = asid;
                    }
                }
                case DROP_DSB_BETWEEN_WRITE_AND_TLBI -> heldDsb = false;
                case TABLE_FREED_BEFORE_INVALIDATION -> {
                    if (!op.leafOnly()) {
                        held.add(new long[] {op.ordinal(), va, a});
                        return;
                    }
                }
                case TABLES_FREED_WITHOUT_INVALIDATION -> {
                    held.add(new long[] {op.ordinal(), va, a});
                    return;
                }
                default -> { }
            }
            forward(op, va, a);
            lastWasTlbi = true;
        }

        private void forward(TlbiOp op, long va, int a) {
            switch (op) {
                case VAE1 -> next.vae1(va, a);
                case VALE1 -> next.vale1(va, a);
                case VAAE1 -> next.vaae1(va);
                case VAALE1 -> next.vaale1(va);
                case ASIDE1 -> next.aside1(a);
                case VMALLE1 -> next.vmalle1();
                case DSB -> next.dsb();
            }
        }

        @Override public void vae1(long va, int a) { tlbi(TlbiOp.VAE1, va, a); }
        @Override public void vale1(long va, int a) { tlbi(TlbiOp.VALE1, va, a); }
        @Override public void vaae1(long va) { tlbi(TlbiOp.VAAE1, va, -1); }
        @Override public void vaale1(long va) { tlbi(TlbiOp.VAALE1, va, -1); }
        @Override public void aside1(int a) { tlbi(TlbiOp.ASIDE1, 0, a); }
        @Override public void vmalle1() { tlbi(TlbiOp.VMALLE1, 0, -1); }

        @Override
        public void dsb() {
            switch (bug) {
                case DROP_TRAILING_DSB -> {
                    if (lastWasTlbi) {
                        lastWasTlbi = false;
                        return;
                    }
                }
                case TLBI_WITHOUT_BARRIER -> {
                    return;
                }
                case DROP_DSB_BETWEEN_WRITE_AND_TLBI -> {
                    if (heldDsb) {
                        next.dsb();
                    }
                    heldDsb = true;
                    return;
                }
                case TABLE_FREED_BEFORE_INVALIDATION, TABLES_FREED_WITHOUT_INVALIDATION -> {
                    if (!held.isEmpty()) {
                        held.add(new long[] {TlbiOp.DSB.ordinal(), 0, -1});
                        return;
                    }
                }
                default -> { }
            }
            lastWasTlbi = false;
            next.dsb();
        }

        /** A table is about to be freed. */
        void beforeFree() {
            if (bug == PlantedBug.DROP_DSB_BETWEEN_WRITE_AND_TLBI && heldDsb) {
                heldDsb = false;
                next.dsb();
            }
            if (bug == PlantedBug.TABLES_FREED_WITHOUT_INVALIDATION) {
                held.removeIf(h -> h[0] != TlbiOp.DSB.ordinal());
            }
        }

        /** The operation ends: what was held back goes out now. */
        void endOperation() {
            if (heldDsb) {
                heldDsb = false;
                next.dsb();
            }
            for (long[] h : held) {
                forward(TlbiOp.values()[(int) h[0]], h[1], (int) h[2]);
            }
            held.clear();
        }
    }

    /** The allocator between the correct table and the harness, with the bug. */
    static final class MutantAllocator implements PageAllocator {
        private final PlantedBug bug;
        private final PageAllocator next;
        private final MutantPort port;
        final Set<Long> boot = new HashSet<>();
        private long bootNext = BOOT;

        MutantAllocator(PlantedBug bug, PageAllocator next, MutantPort port) {
            this.bug = bug;
            this.next = next;
            this.port = port;
        }

        @Override
        public long tryAllocate(int order) {
            // the root and the first table chain are "boot-time": they come from a reserve
            if (bug == PlantedBug.RECLAMATION_FREES_BOOT_TABLES && order == 0 && boot.size() < 4) {
                long f = bootNext;
                bootNext += 4096;
                boot.add(f);
                return f;
            }
            return next.tryAllocate(order);
        }

        @Override
        public void free(long pa, int order) {
            port.beforeFree();
            next.free(pa, order);
        }

        @Override public int maxOrder() { return next.maxOrder(); }
        @Override public long freeFrames() { return next.freeFrames(); }
        @Override public long usedFrames() { return next.usedFrames(); }
        @Override public AllocatorStats stats() { return next.stats(); }
    }

    /** The correct table, with the bugs that live in the table itself. */
    static final class MutantTable implements TestablePageTable {
        private final PlantedBug bug;
        private final TestablePageTable inner;
        private final MutantPort port;
        private final MutantAllocator frames;

        MutantTable(PlantedBug bug, TestablePageTable inner, MutantPort port, MutantAllocator frames) {
            this.bug = bug;
            this.inner = inner;
            this.port = port;
            this.frames = frames;
        }

        @Override
        public void map(long va, long pa, Attributes attributes) {
            try {
                if (bug == PlantedBug.PAGE_INSIDE_A_BLOCK_REPLACES_IT && replaceBlock(va, pa, attributes)) {
                    return;
                }
                inner.map(va, pa, attributes);
            } finally {
                port.endOperation();
            }
        }

        /** The original map_page: a block on the way is overwritten with a fresh table holding only the new page. */
        private boolean replaceBlock(long va, long pa, Attributes attributes) {
            long[] leaf = TableWalk.leaf(this, va);
            if (leaf == null || leaf[0] != 2) {
                return false;
            }
            PhysicalMemory m = memory();
            long table = root();
            for (int level = TableWalk.startLevel(vaBits()); level < 2; level++) {
                table = m.read64(table + 8L * ((va >>> (12 + 9 * (3 - level))) & 511)) & Descriptor.OA_MASK;
            }
            long fresh = frames.tryAllocate(0);
            m.zeroPage(fresh);
            m.write64(fresh + 8L * ((va >>> 12) & 511), Descriptor.page(pa, attributes));
            m.write64(table + 8L * ((va >>> 21) & 511), Descriptor.table(fresh));
            port.dsb();
            return true;
        }

        @Override
        public long unmap(long va) {
            try {
                long pa = inner.unmap(va);
                freeRootIfEmpty();
                return pa;
            } finally {
                port.endOperation();
            }
        }

        @Override
        public void mapRange(long va, long pa, long size, Attributes attributes, boolean allowBlocks) {
            try {
                inner.mapRange(va, pa, size, attributes, allowBlocks);
            } finally {
                port.endOperation();
            }
        }

        @Override
        public void unmapRange(long va, long size) {
            try {
                inner.unmapRange(va, size);
                freeRootIfEmpty();
            } finally {
                port.endOperation();
            }
        }

        @Override
        public void protect(long va, long size, Attributes attributes) {
            try {
                inner.protect(va, size, attributes);
            } finally {
                port.endOperation();
            }
        }

        private void freeRootIfEmpty() {
            if (bug != PlantedBug.RECLAMATION_FREES_THE_ROOT) {
                return;
            }
            for (int i = 0; i < 512; i++) {
                if ((memory().read64(root() + 8L * i) & 1) != 0) {
                    return;
                }
            }
            frames.free(root(), 0);
        }

        @Override public long root() { return inner.root(); }
        @Override public PhysicalMemory memory() { return inner.memory(); }
        @Override public PageAllocator allocator() { return frames; }
        @Override public TlbMaintenance tlb() { return port; }
        @Override public Half half() { return inner.half(); }
        @Override public int vaBits() { return inner.vaBits(); }
        @Override public int asid() { return inner.asid(); }
        @Override public Set<Long> bootTables() { return Set.copyOf(frames.boot); }

        @Override
        public String toString() {
            return "PageTable with planted bug " + bug;
        }
    }
}
