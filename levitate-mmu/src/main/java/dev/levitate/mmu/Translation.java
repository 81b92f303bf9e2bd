package dev.levitate.mmu;

import dev.levitate.core.LevitateException;

/**
 * The result of a software table walk: where a VA goes, with what attributes, from which level.
 *
 * @param va the virtual address looked up
 * @param pa the physical address it translates to (page offset included)
 * @param attributes the leaf's attributes
 * @param level the level of the leaf: 1 (1 GiB block), 2 (2 MiB block) or 3 (4 KiB page)
 */
public record Translation(long va, long pa, Attributes attributes, int level) {
    @Override
    public String toString() {
        return LevitateException.hex(va) + " -> " + LevitateException.hex(pa) + " (level " + level + ", "
                + attributes + ")";
    }
}
