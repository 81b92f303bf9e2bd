package dev.levitate.mmu;

/**
 * How big a {@link PageTable} is: tables per level and leaves by size.
 *
 * @param tablesPerLevel number of tables at each level 0..3 (the root counts at its level)
 * @param pages 4 KiB page descriptors
 * @param blocks2M 2 MiB block descriptors (level 2)
 * @param blocks1G 1 GiB block descriptors (level 1)
 */
public record PageTableStats(int[] tablesPerLevel, long pages, long blocks2M, long blocks1G) {
    /**
     * Copies the array.
     *
     * @param tablesPerLevel the {@code tablesPerLevel} component
     * @param pages the {@code pages} component
     * @param blocks2M the {@code blocks2M} component
     * @param blocks1G the {@code blocks1G} component
     */
    public PageTableStats {
        tablesPerLevel = tablesPerLevel.clone();
    }

    /**
     * Returns the tables per level (a copy).
     *
     * @return counts for levels 0..3
     */
    @Override
    public int[] tablesPerLevel() {
        return tablesPerLevel.clone();
    }

    /**
     * Returns the number of tables in all.
     *
     * @return the sum over levels
     */
    public int tables() {
        int n = 0;
        for (int t : tablesPerLevel) {
            n += t;
        }
        return n;
    }

    @Override
    public String toString() {
        return String.format("%d tables (L0 %d, L1 %d, L2 %d, L3 %d); %d pages, %d 2M blocks, %d 1G blocks", tables(),
                tablesPerLevel[0], tablesPerLevel[1], tablesPerLevel[2], tablesPerLevel[3], pages, blocks2M, blocks1G);
    }
}
