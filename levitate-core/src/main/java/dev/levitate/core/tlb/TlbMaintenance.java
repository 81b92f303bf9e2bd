package dev.levitate.core.tlb;

/**
 * The port through which page-table code maintains the TLB: one method per AArch64 TLBI operation
 * of the EL1&amp;0 regime, plus the barrier that orders them.
 *
 * <h2>Which one to use (ARM ARM D8.13, "TLB maintenance instructions")</h2>
 * <pre>
 *   changed a leaf (page/block) descriptor, tables untouched ........ vale1  (VA, ASID, last level)
 *   freed or changed a table descriptor on the way to the VA ........ vae1   (VA, ASID, all levels)
 *   the mapping is global (nG = 0) .................................. vaale1 / vaae1 (all ASIDs)
 *   many pages of one address space ................................. aside1 (ASID)
 *   nothing narrower is right (ASID rollover, TTBR1 rebuilt) ........ vmalle1
 * </pre>
 * The order that makes a change safe is: write the descriptor, {@link #dsb()}, TLBI, {@link #dsb()}
 * — and a table frame goes back to the allocator only after the second barrier.
 *
 * <p>Virtual addresses are passed whole (not shifted as in the TLBI register operand) and must be
 * page aligned; an ASID is 0..65535. Implementations that forward to hardware or a simulator
 * document their own thread rules; {@link RecordingTlbMaintenance} is single-threaded.
 */
public interface TlbMaintenance {

    /**
     * TLBI VAE1IS: invalidates every cached translation of {@code va} in {@code asid}, at all
     * levels (leaf and walk-cache entries), plus global entries for {@code va}.
     *
     * @param va the virtual address, page aligned
     * @param asid the address-space identifier
     */
    void vae1(long va, int asid);

    /**
     * TLBI VALE1IS: invalidates the last-level (leaf) translation of {@code va} in {@code asid};
     * walk-cache entries for tables may remain.
     *
     * @param va the virtual address, page aligned
     * @param asid the address-space identifier
     */
    void vale1(long va, int asid);

    /**
     * TLBI VAAE1IS: invalidates every cached translation of {@code va} in all ASIDs, all levels.
     *
     * @param va the virtual address, page aligned
     */
    void vaae1(long va);

    /**
     * TLBI VAALE1IS: invalidates the last-level translation of {@code va} in all ASIDs.
     *
     * @param va the virtual address, page aligned
     */
    void vaale1(long va);

    /**
     * TLBI ASIDE1IS: invalidates every non-global translation tagged with {@code asid}.
     *
     * @param asid the address-space identifier
     */
    void aside1(int asid);

    /**
     * TLBI VMALLE1IS: invalidates every EL1&amp;0 translation, all ASIDs, global or not.
     */
    void vmalle1();

    /**
     * DSB ISH: completes all earlier descriptor writes and TLB maintenance before anything later.
     */
    void dsb();

    /**
     * A port that does nothing, for code that runs without any TLB (a pure software model).
     *
     * @return a stateless no-op implementation (thread-safe)
     */
    static TlbMaintenance none() {
        return NoTlbMaintenance.INSTANCE;
    }
}
