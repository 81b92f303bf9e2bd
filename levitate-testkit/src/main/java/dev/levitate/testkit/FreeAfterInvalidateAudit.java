package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.tlb.RecordingTlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.core.tlb.TlbiRecord;
import dev.levitate.mmu.PageTable;
import dev.levitate.mmu.PageTableListener;
import java.util.List;

/**
 * Checks "free only after invalidate": when a table is about to go back to the allocator, the TLB
 * log since the start of the operation must hold an all-levels invalidation (VAE1 / VAAE1 of a VA
 * the table covered, ASIDE1 of its ASID, or VMALLE1) followed by a DSB. Register it with
 * {@link PageTable#addListener}, call {@link #beginOperation()} before each operation, and read
 * {@link #violations()}.
 */
public final class FreeAfterInvalidateAudit implements PageTableListener {
    private final RecordingTlbMaintenance tlb;
    private final int asid;
    private int mark;
    private final java.util.List<String> violations = new java.util.ArrayList<>();
    private long tablesFreed;

    /**
     * Creates the audit.
     *
     * @param tlb the recording port the page table invalidates through
     * @param asid the page table's ASID
     */
    public FreeAfterInvalidateAudit(RecordingTlbMaintenance tlb, int asid) {
        this.tlb = tlb;
        this.asid = asid;
    }

    /** Marks the start of an operation: invalidations before it do not count. */
    public void beginOperation() {
        mark = tlb.mark();
    }

    @Override
    public void tableFreed(int level, long tablePa, long vaStart, long vaEnd) {
        tablesFreed++;
        List<TlbiRecord> ops = tlb.since(mark);
        boolean covered = false;
        for (TlbiRecord r : ops) {
            if (r.op() == TlbiOp.DSB) {
                if (covered) {
                    return;
                }
                continue;
            }
            // vaEnd is 0 when the table covers the top of the upper half (the end wraps)
            boolean inRange = Long.compareUnsigned(r.va(), vaStart) >= 0 && (vaEnd == 0 || Long.compareUnsigned(r.va(), vaEnd) < 0);
            covered |= switch (r.op()) {
                case VAE1 -> inRange && r.asid() == asid;
                case VAAE1 -> inRange;
                case ASIDE1 -> r.asid() == asid;
                case VMALLE1 -> true;
                default -> false;
            };
        }
        violations.add("level-" + level + " table " + hex(tablePa) + " covering " + hex(vaStart) + ".." + hex(vaEnd)
                + " was freed without a covering all-levels invalidate and DSB first; TLB log of the operation: " + ops);
    }

    /**
     * Returns the violations seen so far.
     *
     * @return descriptions, empty if the rule always held
     */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Returns how many table frees were audited.
     *
     * @return the count
     */
    public long tablesFreed() {
        return tablesFreed;
    }

    /**
     * Throws if any free broke the rule.
     *
     * @throws AssertionError naming the first violation
     */
    public void assertClean() {
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.get(0));
        }
    }

    /**
     * Returns the ASID checked against.
     *
     * @return the ASID
     */
    public int asid() {
        return asid;
    }

    /**
     * Convenience for a page table under audit.
     *
     * @param table the page table
     * @param tlb its recording port
     * @return the registered audit
     */
    public static FreeAfterInvalidateAudit attach(PageTable table, RecordingTlbMaintenance tlb) {
        FreeAfterInvalidateAudit a = new FreeAfterInvalidateAudit(tlb, table.asid());
        table.addListener(a);
        return a;
    }
}
