package dev.levitate.sim.mmu;

import java.util.ArrayList;
import java.util.List;

/**
 * The TLB and walk cache as text, each TLB entry compared with what the translation tables say
 * now: what {@code levitate run --tlb} prints after a run and {@code monitor tlb} prints in GDB
 * (QEMU's softmmu has no such view).
 *
 * <pre>
 *   TLB, 3 of 64 entries valid, 1 stale (the tables changed and no TLBI covered them yet):
 *     [  5] va 0x0000000000400000 -&gt; pa 0x0040200000 asid 1   size 4K L3 EL0 rw- EL1 rw-
 *     [  9] va 0xffff000040080000 -&gt; pa 0x0040080000 global  size 2M L2 EL0 --- EL1 r-x  STALE: the tables now fault here (fault status 0x07, level 3)
 *   walk cache, 1 entries (table descriptors later walks start below; TLBI VALE1/VAALE1 leave them):
 *     [ 0] L0 table for va ... -&gt; next table at pa 0x0040101000
 * </pre>
 * An entry is compared ({@link Mmu#walkTables}) only when it belongs to the current address
 * space: the MMU on, and the entry global or of the current ASID. A stale entry is still used, as
 * the architecture allows, until a TLBI that covers it (ARM ARM D8.11, "TLB maintenance").
 */
public final class TlbReport {
    private TlbReport() {
    }

    /**
     * Describes the TLB's valid entries and the walk cache's, one line each, with a header line
     * before each list. Reads only: no fill, no statistics, no replacement-order change.
     *
     * @param mmu the MMU
     * @param headerPrefix text put before each header line (for example {@code "levitate run: "})
     * @return the lines, without line terminators
     */
    public static List<String> lines(Mmu mmu, String headerPrefix) {
        List<Tlb.Entry> entries = mmu.tlb().entries();
        List<String> body = new ArrayList<>();
        int stale = 0;
        for (Tlb.Entry e : entries) {
            String note = "";
            if (!mmu.enabled()) {
                note = "  (the MMU is off now: not compared with the tables)";
            } else if (!e.global() && e.asid() != mmu.currentAsid()) {
                note = "  (ASID " + e.asid() + " is not the current one: not compared with the tables)";
            } else {
                Mmu.TableWalk now = mmu.walkTables(e.va());
                if (now.faulted()) {
                    note = String.format("  STALE: the tables now fault here (fault status 0x%02x, level %d)", now.faultStatus(), now.level());
                    stale++;
                } else if (now.pa() != e.pa() || now.permissions() != e.permissions()) {
                    note = String.format("  STALE: the tables now say pa 0x%010x %s", now.pa(), Mmu.permString(now.permissions()));
                    stale++;
                }
            }
            body.add("  " + e + note);
        }
        List<String> out = new ArrayList<>(body.size() + 8);
        out.add(String.format("%sTLB, %d of %d entries valid%s", headerPrefix, entries.size(), mmu.tlb().capacity(),
                entries.isEmpty() ? " (nothing translated through it: the MMU was off, or everything was invalidated)"
                        : stale == 0 ? ", none stale:" : ", " + stale + " stale (the tables changed and no TLBI covered them yet):"));
        out.addAll(body);
        List<Mmu.WalkCacheEntry> walks = mmu.walkCacheEntries();
        out.add(String.format("%swalk cache, %d entries%s", headerPrefix, walks.size(),
                walks.isEmpty() ? " (no table descriptor cached: block mappings only, or invalidated)"
                        : " (table descriptors later walks start below; TLBI VALE1/VAALE1 leave them):"));
        for (Mmu.WalkCacheEntry w : walks) {
            out.add("  " + w);
        }
        return out;
    }
}
