package dev.levitate.testkit;

/**
 * The checks of the {@link TlbModel}, each named as its violations print ({@code [staleEntry] ...}),
 * with the Arm ARM rule it enforces.
 */
public enum TlbCheck {
    /**
     * After an operation, a translation the TLB or walk cache may still hold differs from what the
     * tables now say (ARM ARM D8.13, "TLB maintenance requirements"): a changed or removed leaf or
     * table descriptor was not invalidated by a TLBI that covers it (VA, level, ASID) and completed
     * by a DSB.
     */
    STALE_ENTRY("staleEntry"),
    /**
     * A descriptor changed between two valid states that the architecture only allows through
     * break-before-make (ARM ARM D8.14.1): output address, block to table or back, block size,
     * memory type, shareability, or nG from 1 to 0, while the old one could still be cached.
     */
    BREAK_BEFORE_MAKE("breakBeforeMake"),
    /**
     * A TLBI covering a changed descriptor ran before a DSB completed the descriptor write (ARM ARM
     * D8.13.3: the write must be complete before the invalidation, or a walk may refill the old value).
     */
    TLBI_BEFORE_DSB("tlbiBeforeDsb"),
    /**
     * A table frame went back to the allocator while a walk-cache entry could still point at it: no
     * invalidation covering it was issued, or the one issued was not yet completed by a DSB.
     */
    FREED_BEFORE_INVALIDATE("freedBeforeInvalidate"),
    /** A table frame went back to the allocator while it was still linked in the tables (or was the root). */
    FREED_WHILE_LINKED("freedWhileLinked");

    private final String label;

    TlbCheck(String label) {
        this.label = label;
    }

    /**
     * Returns the name violations print in brackets.
     *
     * @return e.g. {@code "staleEntry"}
     */
    public String label() {
        return label;
    }
}
