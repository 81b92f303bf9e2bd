package dev.levitate.core.tlb;

/**
 * The kinds of TLB maintenance the {@link TlbMaintenance} port carries, named as the A64
 * instructions are, plus the barrier.
 */
public enum TlbiOp {
    /** TLBI VAE1IS: by VA and ASID, all levels. */
    VAE1(true, true, false),
    /** TLBI VALE1IS: by VA and ASID, last level only. */
    VALE1(true, true, true),
    /** TLBI VAAE1IS: by VA, all ASIDs, all levels. */
    VAAE1(true, false, false),
    /** TLBI VAALE1IS: by VA, all ASIDs, last level only. */
    VAALE1(true, false, true),
    /** TLBI ASIDE1IS: by ASID. */
    ASIDE1(false, true, false),
    /** TLBI VMALLE1IS: everything. */
    VMALLE1(false, false, false),
    /** DSB ISH: a barrier, not an invalidation. */
    DSB(false, false, false);

    private final boolean byVa;
    private final boolean byAsid;
    private final boolean leafOnly;

    TlbiOp(boolean byVa, boolean byAsid, boolean leafOnly) {
        this.byVa = byVa;
        this.byAsid = byAsid;
        this.leafOnly = leafOnly;
    }

    /**
     * Tells whether the operation takes a virtual address.
     *
     * @return true for the VA forms
     */
    public boolean byVa() {
        return byVa;
    }

    /**
     * Tells whether the operation is limited to one ASID.
     *
     * @return true for VAE1, VALE1 and ASIDE1
     */
    public boolean byAsid() {
        return byAsid;
    }

    /**
     * Tells whether the operation leaves walk-cache (non-leaf) entries alone.
     *
     * @return true for VALE1 and VAALE1
     */
    public boolean leafOnly() {
        return leafOnly;
    }

    /**
     * Tells whether this is an invalidation (every constant but {@link #DSB}).
     *
     * @return true for TLBI operations
     */
    public boolean isInvalidation() {
        return this != DSB;
    }

    /**
     * Tells whether this invalidation removes a walk-cache entry for a table that translates
     * {@code va} in {@code asid}: the test for "free only after invalidate".
     *
     * @param opVa the operation's VA (ignored unless {@link #byVa()})
     * @param opAsid the operation's ASID (ignored unless {@link #byAsid()})
     * @param va a VA the table covered, page aligned
     * @param asid the ASID of the table's address space
     * @return true if the operation invalidates all levels for that VA and ASID
     */
    public boolean coversTableWalk(long opVa, int opAsid, long va, int asid) {
        return switch (this) {
            case VAE1 -> opVa == va && opAsid == asid;
            case VAAE1 -> opVa == va;
            case ASIDE1 -> opAsid == asid;
            case VMALLE1 -> true;
            default -> false;
        };
    }
}
