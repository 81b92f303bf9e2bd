package dev.levitate.core.tlb;

import dev.levitate.core.LevitateException;

/**
 * One operation seen by a {@link RecordingTlbMaintenance}.
 *
 * @param op the operation
 * @param va the virtual address, or 0 when the operation takes none
 * @param asid the ASID, or -1 when the operation takes none
 */
public record TlbiRecord(TlbiOp op, long va, int asid) {
    @Override
    public String toString() {
        return switch (op) {
            case VAE1, VALE1 -> "TLBI " + op + "IS va=" + LevitateException.hex(va) + " asid=" + asid;
            case VAAE1, VAALE1 -> "TLBI " + op + "IS va=" + LevitateException.hex(va);
            case ASIDE1 -> "TLBI ASIDE1IS asid=" + asid;
            case VMALLE1 -> "TLBI VMALLE1IS";
            case DSB -> "DSB ISH";
        };
    }
}
