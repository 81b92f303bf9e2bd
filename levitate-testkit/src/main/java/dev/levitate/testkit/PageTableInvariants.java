package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.PageTable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariant checks to run after every step of a property test. Each throws
 * {@link AssertionError} naming the address that breaks it.
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
    public static void checkAll(PageTable table, TrackingAllocator frames, ReferenceModel model) {
        translationsAgree(table, model);
        tablesAreExactlyTheLiveFrames(table, frames);
        countsMatchARescan(table);
        if (table.reclaimMode() == PageTable.ReclaimMode.EAGER) {
            noEmptyTableButTheRoot(table);
        }
    }

    /**
     * Every page the model maps translates to the same PA and attributes, and nothing else is
     * mapped (checked by walking the real tables).
     *
     * @param table the page table
     * @param model the model
     */
    public static void translationsAgree(PageTable table, ReferenceModel model) {
        for (Map.Entry<Long, ReferenceModel.Entry> e : model.pages().entrySet()) {
            var t = table.translate(e.getKey());
            if (t.isEmpty() || t.get().pa() != e.getValue().pa() || !t.get().attributes().equals(e.getValue().attributes())) {
                throw new AssertionError("VA " + hex(e.getKey()) + ": model maps to " + hex(e.getValue().pa()) + " "
                        + e.getValue().attributes() + ", table says " + t.map(Object::toString).orElse("unmapped"));
            }
        }
        long[] mappedPages = {0};
        table.walk((level, index, va, tablePa, d) -> {
            if (Descriptor.isLeaf(d, level)) {
                long n = PageTable.span(level) / PageTable.PAGE_SIZE;
                for (long i = 0; i < n; i++) {
                    if (model.get(va + i * PageTable.PAGE_SIZE) == null) {
                        throw new AssertionError("VA " + hex(va + i * PageTable.PAGE_SIZE) + " is mapped by the table (level "
                                + level + ") but not by the model");
                    }
                }
                mappedPages[0] += n;
            }
        });
        if (mappedPages[0] != model.size()) {
            throw new AssertionError("the table maps " + mappedPages[0] + " pages, the model " + model.size());
        }
    }

    /**
     * The frames the allocator has handed out are exactly the tables reachable from the root: no
     * leaked table, no table reachable after it was freed.
     *
     * @param table the page table
     * @param frames the tracking allocator
     */
    public static void tablesAreExactlyTheLiveFrames(PageTable table, TrackingAllocator frames) {
        List<Long> reachable = table.tables();
        Set<Long> set = new HashSet<>(reachable);
        if (set.size() != reachable.size()) {
            throw new AssertionError("a table is reachable twice: " + reachable);
        }
        if (!set.equals(frames.liveFrames())) {
            Set<Long> leaked = new HashSet<>(frames.liveFrames());
            leaked.removeAll(set);
            Set<Long> dangling = new HashSet<>(set);
            dangling.removeAll(frames.liveFrames());
            throw new AssertionError("allocated frames and reachable tables differ: leaked " + hexes(leaked) + ", dangling "
                    + hexes(dangling));
        }
    }

    /**
     * Every table's O(1) valid count equals a rescan of its 512 entries.
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
                throw new AssertionError("table " + hex(t) + " counts " + table.validCount(t) + " valid entries, a rescan finds " + valid);
            }
        }
    }

    /**
     * With eager reclamation, no table but the root is ever empty.
     *
     * @param table the page table
     */
    public static void noEmptyTableButTheRoot(PageTable table) {
        for (long t : table.tables()) {
            if (t != table.root() && table.validCount(t) == 0) {
                throw new AssertionError("empty table " + hex(t) + " was not reclaimed");
            }
        }
    }

    private static String hexes(Set<Long> s) {
        StringBuilder sb = new StringBuilder("[");
        for (long v : s) {
            sb.append(sb.length() > 1 ? ", " : "").append(hex(v));
        }
        return sb.append(']').toString();
    }
}
