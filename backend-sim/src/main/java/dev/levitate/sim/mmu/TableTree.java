package dev.levitate.sim.mmu;

import java.util.ArrayList;
import java.util.List;

/**
 * The translation tables one TTBR points to, as the {@link Mmu} walks them, printed as a tree:
 * {@code monitor pagetable ttbr0|ttbr1} in GDB. Written from the walk's own rules (ARM ARM D8,
 * 4 KiB granule): the start level from TnSZ, table descriptors at levels 0 to 2, blocks at levels
 * 1 and 2, pages at level 3; invalid descriptors are skipped.
 *
 * <pre>
 *   TTBR1_EL1 0x0000000040101000 (ASID 0), T1SZ 16: 48-bit VAs from 0xffff000000000000, walk from level 0
 *   L0[0]   va 0xffff000000000000..0xffff007fffffffff table -&gt; 0x0040102000
 *     L1[1] va 0xffff000040000000..0xffff00007fffffff table -&gt; 0x0040103000
 *       L2[0] va 0xffff000040000000..0xffff0000401fffff block -&gt; 0x0040000000 EL0 --- EL1 rwx nG AF attr 0
 * </pre>
 * The output is bounded: after {@code maxLines} lines the walk stops and says so, whatever the
 * tables hold (a guest's tables are input, and could map 2^36 pages). A descriptor that cannot be
 * read (outside memory) ends its branch with a line saying where.
 */
public final class TableTree {
    private final Mmu mmu;
    private final Mmu.TableMemory memory;
    private final int maxLines;
    private final List<String> lines = new ArrayList<>();
    private boolean truncated;

    private TableTree(Mmu mmu, int maxLines) {
        this.mmu = mmu;
        this.memory = mmu.tableMemory();
        this.maxLines = maxLines;
    }

    /**
     * Describes the tables under TTBR0_EL1 or TTBR1_EL1 as the MMU's registers are set now.
     * Reads descriptors only: the TLB, the walk cache and the statistics are not touched.
     *
     * @param mmu the MMU (its TCR and TTBRs, and its descriptor memory)
     * @param upper true for TTBR1_EL1 (the upper VA range), false for TTBR0_EL1
     * @param maxLines the most lines to return, at least 2
     * @return the lines, without terminators; the first describes the TTBR
     * @throws IllegalArgumentException if {@code maxLines} is below 2
     */
    public static List<String> lines(Mmu mmu, boolean upper, int maxLines) {
        if (maxLines < 2) {
            throw new IllegalArgumentException("maxLines must be at least 2, got " + maxLines);
        }
        TableTree t = new TableTree(mmu, maxLines);
        t.describe(upper);
        return t.lines;
    }

    private void describe(boolean upper) {
        long tcr = mmu.tcr();
        long ttbr = mmu.ttbr(upper);
        int tsz = Math.max(16, Math.min(39, (int) ((upper ? tcr >>> 16 : tcr) & 63)));
        int inputSize = 64 - tsz;
        int startLevel = inputSize > 39 ? 0 : inputSize > 30 ? 1 : 2;
        boolean asid16 = ((tcr >>> 36) & 1) != 0;
        long base = upper ? -1L << inputSize : 0;
        boolean disabled = ((tcr >>> (upper ? 23 : 7)) & 1) != 0;
        lines.add(String.format("%s 0x%016x (ASID %d), %s %d: %d-bit VAs from 0x%016x, walk from level %d%s%s",
                upper ? "TTBR1_EL1" : "TTBR0_EL1", ttbr, (ttbr >>> 48) & (asid16 ? 0xFFFF : 0xFF), upper ? "T1SZ" : "T0SZ", tsz,
                inputSize, base, startLevel, disabled ? (upper ? "; TCR.EPD1 = 1: walks of this half fault" : "; TCR.EPD0 = 1: walks of this half fault") : "",
                mmu.enabled() ? "" : "; the MMU is off (SCTLR_EL1.M = 0): nothing is translated now"));
        int entries = (int) Math.min(512, 1L << (inputSize - WalkCache.shiftOf(startLevel)));
        walk(ttbr & 0x0000_FFFF_FFFF_F000L & ~((entries * 8L - 1) & ~0xFFFL), startLevel, base, entries, 0);
    }

    private void walk(long table, int level, long vaBase, int entries, int limits) {
        int shift = WalkCache.shiftOf(level);
        String indent = "  ".repeat(level);
        for (int i = 0; i < entries; i++) {
            if (lines.size() >= maxLines - 1) {
                if (!truncated) {
                    truncated = true;
                    lines.add("... (stopped after " + (maxLines - 1) + " lines; the tables go on)");
                }
                return;
            }
            long descAddr = table + 8L * i;
            long desc = memory.read64(descAddr);
            if (memory.faulted()) {
                lines.add(String.format("%sL%d[%d] descriptor at 0x%010x is outside memory: a walk here takes an external abort", indent, level, i, descAddr));
                return;
            }
            if ((desc & 1) == 0) {
                continue;
            }
            long va = vaBase + ((long) i << shift);
            long last = va + (1L << shift) - 1;
            String head = String.format("%sL%d[%d] va 0x%016x..0x%016x", indent, level, i, va, last);
            boolean tableOrPage = (desc & 2) != 0;
            if (level < 3 && tableOrPage) {
                long next = desc & 0x0000_FFFF_FFFF_F000L;
                int nextLimits = limits | (int) ((desc >>> 61) & 3) | (int) ((desc >>> 60) & 1) << 2 | (int) ((desc >>> 59) & 1) << 3;
                lines.add(String.format("%s table -> 0x%010x%s", head, next, tableLimits(desc)));
                walk(next, level + 1, va, 512, nextLimits);
                continue;
            }
            if (level == 3 ? !tableOrPage : level == 0) {
                lines.add(String.format("%s reserved (%s): a walk here takes a translation fault", head,
                        level == 0 ? "a block at level 0" : "a level-3 descriptor with bit 1 clear"));
                continue;
            }
            long out = desc & 0x0000_FFFF_FFFF_F000L & ~((1L << shift) - 1);
            lines.add(String.format("%s %s -> 0x%010x %s%s%s attr %d", head, level == 3 ? "page" : "block", out,
                    Mmu.permString(mmu.leafPermissions(desc, limits)), (desc & (1L << 11)) != 0 ? " nG" : "",
                    (desc & (1L << 10)) != 0 ? " AF" : " no AF (access flag fault)", (desc >>> 2) & 7));
        }
    }

    private static String tableLimits(long desc) {
        StringBuilder sb = new StringBuilder();
        int ap = (int) (desc >>> 61) & 3;
        if (ap != 0) {
            sb.append(" APTable ").append(ap);
        }
        if (((desc >>> 60) & 1) != 0) {
            sb.append(" UXNTable");
        }
        if (((desc >>> 59) & 1) != 0) {
            sb.append(" PXNTable");
        }
        return sb.toString();
    }
}
