package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.PageTable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariant checks to run after every step of a property test, on any
 * {@link TestablePageTable}: they read the tables from memory with {@link TableWalk}, as the MMU
 * would. Each throws {@link AssertionError} whose message starts with the check's name in brackets
 * ({@code [translationsAgree]}) and names the address that breaks it.
 */
public final class PageTableInvariants {
    private PageTableInvariants() {
    }

    /**
     * Runs every check.
     *
     * @param table the page table under test
     * @param frames the allocator it takes tables from (only its tables come from it)
     * @param model the reference model it must agree with
     */
    public static void checkAll(TestablePageTable table, TrackingAllocator frames, ReferenceModel model) {
        translationsAgree(table, model);
        tablesAreExactlyTheLiveFrames(table, frames);
        if (table instanceof PageTableAdapter a) {
            countsMatchARescan(a.pageTable());
        }
        if (table.reclaimsEagerly()) {
            noEmptyTableButTheRoot(table);
        }
    }

    /**
     * Runs every check on levitate-mmu's page table.
     *
     * @param table the page table under test
     * @param frames the allocator it takes tables from
     * @param model the reference model it must agree with
     */
    public static void checkAll(PageTable table, TrackingAllocator frames, ReferenceModel model) {
        checkAll(new PageTableAdapter(table, frames, TlbMaintenance.none()), frames, model);
    }

    /**
     * Every page the model maps translates to the same PA and attributes, and nothing else is
     * mapped (checked by walking the tables in memory).
     *
     * @param table the page table
     * @param model the model
     */
    public static void translationsAgree(TestablePageTable table, ReferenceModel model) {
        for (Map.Entry<Long, ReferenceModel.Entry> e : model.pages().entrySet()) {
            long va = e.getKey();
            long[] leaf = TableWalk.leaf(table, va);
            ReferenceModel.Entry want = e.getValue();
            if (leaf == null) {
                throw new AssertionError("[translationsAgree] VA " + hex(va) + ": the model maps it to " + hex(want.pa()) + " "
                        + want.attributes() + ", the tables do not map it");
            }
            int level = (int) leaf[0];
            long d = leaf[1];
            long pa = (d & Descriptor.OA_MASK) + (va & (TableWalk.span(level) - 1));
            Attributes got;
            try {
                got = Attributes.fromDescriptor(d);
            } catch (IllegalArgumentException bad) {
                throw new AssertionError("[translationsAgree] VA " + hex(va) + ": level-" + level + " descriptor " + hex(d)
                        + " has attributes Levitate does not know: " + bad.getMessage());
            }
            if (pa != want.pa() || !got.equals(want.attributes())) {
                throw new AssertionError("[translationsAgree] VA " + hex(va) + ": the model maps it to " + hex(want.pa()) + " "
                        + want.attributes() + ", the tables to " + hex(pa) + " " + got + " (level " + level + ")");
            }
        }
        long[] mappedPages = {0};
        TableWalk.walk(table, (level, va, tablePa, index, d) -> {
            if (TableWalk.isLeaf(d, level)) {
                long n = TableWalk.span(level) / PageTable.PAGE_SIZE;
                for (long i = 0; i < n; i++) {
                    if (model.get(va + i * PageTable.PAGE_SIZE) == null) {
                        throw new AssertionError("[translationsAgree] VA " + hex(va + i * PageTable.PAGE_SIZE)
                                + " is mapped by the tables (level " + level + ", " + hex(d) + ") but not by the model");
                    }
                }
                mappedPages[0] += n;
            }
        });
        if (mappedPages[0] != model.size()) {
            throw new AssertionError("[translationsAgree] the tables map " + mappedPages[0] + " pages, the model " + model.size());
        }
    }

    /**
     * Same check on levitate-mmu's page table.
     *
     * @param table the page table
     * @param model the model
     */
    public static void translationsAgree(PageTable table, ReferenceModel model) {
        translationsAgree(new PageTableAdapter(table, null, TlbMaintenance.none()), model);
    }

    /**
     * The frames the allocator has handed out are exactly the tables reachable from the root: no
     * leaked table, no table reachable after it was freed.
     *
     * @param table the page table
     * @param frames the tracking allocator
     */
    public static void tablesAreExactlyTheLiveFrames(TestablePageTable table, TrackingAllocator frames) {
        List<Long> reachable = TableWalk.tables(table);
        Set<Long> set = new HashSet<>(reachable);
        if (set.size() != reachable.size()) {
            throw new AssertionError("[tablesAreExactlyTheLiveFrames] a table is reachable twice: " + hexes(reachable));
        }
        set.removeAll(table.bootTables());
        if (!set.equals(frames.liveFrames())) {
            Set<Long> leaked = new HashSet<>(frames.liveFrames());
            leaked.removeAll(set);
            Set<Long> dangling = new HashSet<>(set);
            dangling.removeAll(frames.liveFrames());
            throw new AssertionError("[tablesAreExactlyTheLiveFrames] allocated frames and reachable tables differ: leaked "
                    + hexes(leaked) + ", reachable but not allocated " + hexes(dangling));
        }
    }

    /**
     * Every table's O(1) valid count (levitate-mmu's side array) equals a rescan of its 512 entries.
     *
     * @param table the page table
     */
    public static void countsMatchARescan(PageTable table) {
        for (long t : table.tables()) {
            int valid = 0;
            for (int i = 0; i < PageTable.ENTRIES; i++) {
                if (Descriptor.isValid(table.memory().read64(t + 8L * i))) {
                    valid++;
                }
            }
            if (table.validCount(t) != valid) {
                throw new AssertionError("[countsMatchARescan] table " + hex(t) + " counts " + table.validCount(t)
                        + " valid entries, a rescan finds " + valid);
            }
        }
    }

    /**
     * With eager reclamation, no table but the root is ever empty.
     *
     * @param table the page table
     */
    public static void noEmptyTableButTheRoot(TestablePageTable table) {
        for (long t : TableWalk.tables(table)) {
            if (t == table.root()) {
                continue;
            }
            boolean empty = true;
            for (int i = 0; i < 512 && empty; i++) {
                empty = (table.memory().read64(t + 8L * i) & 1) == 0;
            }
            if (empty) {
                throw new AssertionError("[noEmptyTableButTheRoot] empty table " + hex(t) + " was not reclaimed");
            }
        }
    }

    private static String hexes(Iterable<Long> s) {
        StringBuilder sb = new StringBuilder("[");
        for (long v : s) {
            sb.append(sb.length() > 1 ? ", " : "").append(hex(v));
        }
        return sb.append(']').toString();
    }
}
