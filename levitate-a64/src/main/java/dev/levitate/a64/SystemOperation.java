package dev.levitate.a64;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SYS instructions the simulator models (ARM ARM C5.2 and C5.5, "A64 system instructions for
 * cache maintenance, address translation and TLB maintenance"), keyed like
 * {@link SystemRegister} with op0 = 1. TLBI operands: VA[55:12] in bits [43:0], ASID in [63:48].
 */
public enum SystemOperation {
    /** Invalidate all instruction caches to PoU, inner shareable (no-op: no caches modelled). */
    IC_IALLUIS(0, 7, 1, 0),
    /** Invalidate all instruction caches to PoU (no-op). */
    IC_IALLU(0, 7, 5, 0),
    /** Invalidate instruction cache by VA to PoU (no-op). */
    IC_IVAU(3, 7, 5, 1),
    /** Invalidate data cache by VA to PoC (no-op). */
    DC_IVAC(0, 7, 6, 1),
    /** Invalidate data cache by set/way (no-op: no caches modelled; EL1 only). */
    DC_ISW(0, 7, 6, 2),
    /** Clean data cache by set/way (no-op; EL1 only). */
    DC_CSW(0, 7, 10, 2),
    /** Clean and invalidate data cache by set/way (no-op; EL1 only). */
    DC_CISW(0, 7, 14, 2),
    /** Zero a DCZID-sized block (64 bytes) by VA. */
    DC_ZVA(3, 7, 4, 1),
    /** Clean data cache by VA to PoC (no-op). */
    DC_CVAC(3, 7, 10, 1),
    /** Clean data cache by VA to PoU (no-op). */
    DC_CVAU(3, 7, 11, 1),
    /** Clean and invalidate data cache by VA to PoC (no-op). */
    DC_CIVAC(3, 7, 14, 1),
    /** Address translate, stage 1, EL1, read. */
    AT_S1E1R(0, 7, 8, 0),
    /** Address translate, stage 1, EL1, write. */
    AT_S1E1W(0, 7, 8, 1),
    /** Address translate, stage 1, EL0, read. */
    AT_S1E0R(0, 7, 8, 2),
    /** Address translate, stage 1, EL0, write. */
    AT_S1E0W(0, 7, 8, 3),
    /** TLBI: all entries of the EL1&amp;0 regime, inner shareable. */
    TLBI_VMALLE1IS(0, 8, 3, 0),
    /** TLBI: by VA and ASID, all levels, inner shareable. */
    TLBI_VAE1IS(0, 8, 3, 1),
    /** TLBI: by ASID, inner shareable. */
    TLBI_ASIDE1IS(0, 8, 3, 2),
    /** TLBI: by VA, all ASIDs, all levels, inner shareable. */
    TLBI_VAAE1IS(0, 8, 3, 3),
    /** TLBI: by VA and ASID, last level only, inner shareable. */
    TLBI_VALE1IS(0, 8, 3, 5),
    /** TLBI: by VA, all ASIDs, last level only, inner shareable. */
    TLBI_VAALE1IS(0, 8, 3, 7),
    /** TLBI: all entries of the EL1&amp;0 regime. */
    TLBI_VMALLE1(0, 8, 7, 0),
    /** TLBI: by VA and ASID, all levels (walk-cache entries for the VA too). */
    TLBI_VAE1(0, 8, 7, 1),
    /** TLBI: by ASID. */
    TLBI_ASIDE1(0, 8, 7, 2),
    /** TLBI: by VA, all ASIDs, all levels. */
    TLBI_VAAE1(0, 8, 7, 3),
    /** TLBI: by VA and ASID, last level only (walk-cache entries stay). */
    TLBI_VALE1(0, 8, 7, 5),
    /** TLBI: by VA, all ASIDs, last level only. */
    TLBI_VAALE1(0, 8, 7, 7);

    private final int key;

    SystemOperation(int op1, int crn, int crm, int op2) {
        this.key = SystemRegister.key(1, op1, crn, crm, op2);
    }

    /**
     * Returns the 16-bit key (op0 = 1).
     *
     * @return the key
     */
    public int key() {
        return key;
    }

    /**
     * Tells whether this is a TLB invalidation.
     *
     * @return true for the TLBI operations
     */
    public boolean isTlbi() {
        return name().startsWith("TLBI_");
    }

    private static final Map<Integer, SystemOperation> BY_KEY = new HashMap<>();

    static {
        for (SystemOperation o : values()) {
            BY_KEY.put(o.key, o);
        }
    }

    /**
     * Finds an operation by key.
     *
     * @param key the 16-bit key
     * @return the operation, or null if not modelled
     */
    public static SystemOperation ofKey(int key) {
        return BY_KEY.get(key);
    }

    /**
     * Returns the assembler spelling ({@code tlbi vale1is}, {@code dc zva}, or {@code sys #op1, cN, cM, #op2}).
     *
     * @param key the 16-bit key
     * @return the text
     */
    public static String nameOf(int key) {
        SystemOperation o = BY_KEY.get(key);
        if (o != null) {
            return o.name().toLowerCase(Locale.ROOT).replaceFirst("_", " ");
        }
        return String.format("sys #%d, c%d, c%d, #%d", (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15, key & 7);
    }
}
