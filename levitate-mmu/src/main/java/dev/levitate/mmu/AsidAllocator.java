package dev.levitate.mmu;

import dev.levitate.core.tlb.TlbMaintenance;
import java.util.Objects;

/**
 * Hands out ASIDs with generations, in the scheme of Linux's {@code arch/arm64/mm/context.c}, for
 * one CPU.
 *
 * <h2>Design</h2>
 * <pre>
 *   context id = generation &lt;&lt; bits | asid          (a long per address space)
 *   bits = 8 or 16 (ID_AA64MMFR0_EL1.ASIDBits); ASID 0 is reserved (used while switching)
 *   map: one bit per ASID of the current generation
 * </pre>
 * <ol>
 *   <li>{@link #activate(Context)}: if the context's generation is current, its ASID is still
 *       valid: return it (the fast path). Otherwise take the next free ASID from the bitmap.</li>
 *   <li>When the bitmap is full: roll over. The generation advances, the bitmap is cleared except
 *       for the ASID of the active context (it keeps running), and every TLB entry is invalidated
 *       once (TLBI VMALLE1 and DSB), since any old ASID may now be given to someone else.</li>
 *   <li>{@link #release(Context)} retires the context's ASID: it stays marked in the bitmap, so
 *       it is not handed out again in this generation, and becomes free at the next rollover,
 *       whose VMALLE1 removes whatever the TLB still holds of it. Reusing it earlier would be safe
 *       only if the caller had invalidated it, which the allocator cannot know (Linux's allocator
 *       never frees an ASID within a generation either).</li>
 * </ol>
 *
 * <h2>Following the allocator (what a kernel does on every switch)</h2>
 * An address space keeps its {@link Context}; before it runs, the kernel calls
 * {@link #activate(Context)}. If the ASID that comes back differs from the one its page table
 * holds (a rollover happened and the context was not the active one), the kernel retags the
 * table ({@link PageTable#retag(int)}) and loads TTBR0 with the new ASID: the rollover's VMALLE1
 * removed every entry of the old one. A table whose context is stale ({@link #isCurrent} false)
 * owns no ASID any more: it is retagged {@link PageTable#NO_ASID} before maintenance that would
 * otherwise name an ASID someone else may now hold.
 *
 * Not thread-safe (one CPU, one kernel thread).
 */
public final class AsidAllocator {

    /** One address space's ASID state. Create with {@link AsidAllocator#newContext()}. */
    public static final class Context {
        private long id;

        private Context() {
        }

        /**
         * Returns the raw context id (generation and ASID), 0 before the first activation.
         *
         * @return the id
         */
        public long id() {
            return id;
        }
    }

    private final int bits;
    private final int count;
    private final long[] map;
    private final TlbMaintenance tlb;
    private long generation = 1;
    private int cursor = 1;
    private int inUse;
    private int retired;
    private long rollovers;
    private Context active;

    /**
     * Creates an allocator.
     *
     * @param bits 8 or 16
     * @param tlb where rollover's invalidate-all goes
     * @throws IllegalArgumentException if bits is not 8 or 16
     */
    public AsidAllocator(int bits, TlbMaintenance tlb) {
        if (bits != 8 && bits != 16) {
            throw new IllegalArgumentException("ASIDs are 8 or 16 bits wide, not " + bits);
        }
        this.bits = bits;
        this.count = 1 << bits;
        this.map = new long[count / Long.SIZE];
        this.tlb = Objects.requireNonNull(tlb, "tlb");
        map[0] |= 1; // ASID 0 is reserved
    }

    /**
     * Creates the state of a new address space; it gets an ASID on first activation.
     *
     * @return a fresh context
     */
    public Context newContext() {
        return new Context();
    }

    /**
     * Returns the ASID to run {@code ctx} with, allocating (and rolling over) when needed, and
     * makes it the active context (the one whose ASID survives a rollover, as the CPU may still
     * run with it). Call it before every switch to the address space (Linux's
     * {@code check_and_switch_context}); the fast path is one compare.
     *
     * @param ctx the address space's context
     * @return its ASID, 1..2^bits-1
     */
    public int activate(Context ctx) {
        if (ctx.id != 0 && (ctx.id >>> bits) == generation) {
            active = ctx;
            return (int) (ctx.id & (count - 1));
        }
        int asid = nextFree();
        if (asid < 0) {
            rollover();
            asid = nextFree();
        }
        set(asid);
        inUse++;
        ctx.id = (generation << bits) | asid;
        active = ctx;
        return asid;
    }

    /**
     * Gives back the ASID of an address space that is being destroyed. An ASID of the current
     * generation is retired, not freed: no context gets it again before the next rollover, whose
     * VMALLE1 removes every entry the TLB may still hold for it, so a new address space never
     * meets the old one's translations. (An ASID of an old generation was already recycled by the
     * rollover.) The context has no ASID afterwards; activating it again allocates a new one.
     *
     * @param ctx the context
     */
    public void release(Context ctx) {
        if (isCurrent(ctx)) {
            inUse--;
            retired++;
        }
        ctx.id = 0;
        if (active == ctx) {
            active = null;
        }
    }

    /**
     * Tells whether a context holds an ASID of the current generation: one no other context holds,
     * which its TLB entries may be tagged with. False before its first activation, after a
     * rollover it was not active for, and after {@link #release}.
     *
     * @param ctx the context
     * @return true if its ASID is current
     */
    public boolean isCurrent(Context ctx) {
        return ctx.id != 0 && (ctx.id >>> bits) == generation;
    }

    /**
     * Returns the context's ASID if it is current ({@link #isCurrent}), without activating it.
     *
     * @param ctx the context
     * @return 1..2^bits-1, or -1 ({@link PageTable#NO_ASID}) if it holds no current ASID
     */
    public int asidOf(Context ctx) {
        return isCurrent(ctx) ? (int) (ctx.id & (count - 1)) : PageTable.NO_ASID;
    }

    private int nextFree() {
        for (int n = 0; n < count; n++) {
            int a = cursor;
            cursor = cursor + 1 == count ? 1 : cursor + 1;
            if ((map[a >>> 6] & (1L << a)) == 0) {
                return a;
            }
        }
        return -1;
    }

    private void set(int asid) {
        map[asid >>> 6] |= 1L << asid;
    }

    private void rollover() {
        generation++;
        rollovers++;
        java.util.Arrays.fill(map, 0);
        map[0] |= 1;
        inUse = 0;
        retired = 0;
        if (active != null) {
            int keep = (int) (active.id & (count - 1));
            set(keep);
            inUse++;
            active.id = (generation << bits) | keep;
        }
        tlb.vmalle1();
        tlb.dsb();
    }

    /**
     * Returns the current generation (starts at 1).
     *
     * @return the generation
     */
    public long generation() {
        return generation;
    }

    /**
     * Returns how many rollovers happened.
     *
     * @return the count
     */
    public long rollovers() {
        return rollovers;
    }

    /**
     * Returns the number of ASIDs of the current generation in use.
     *
     * @return the count
     */
    public int inUse() {
        return inUse;
    }

    /**
     * Returns the number of ASIDs released in the current generation: taken out of use until the
     * next rollover.
     *
     * @return the count
     */
    public int retired() {
        return retired;
    }

    /**
     * Returns the ASID width.
     *
     * @return 8 or 16
     */
    public int bits() {
        return bits;
    }
}
