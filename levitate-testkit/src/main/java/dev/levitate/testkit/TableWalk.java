package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.mmu.Half;
import java.util.ArrayList;
import java.util.List;

/**
 * A software walk of VMSAv8-64 stage-1 tables (4 KiB granule) straight from {@link PhysicalMemory},
 * independent of the implementation under test (ARM ARM D8.2, "translation table walk"): the
 * invariants and the refused-operation check read the tables through it, so they judge any
 * {@link TestablePageTable} by what the MMU would see.
 *
 * <pre>
 *   start level = 0 for 48-bit VAs, 1 for 39-bit; span(L) = 1 &lt;&lt; (12 + 9 * (3 - L))
 *   table: levels 0..2, type 0b11; block: levels 1..2, type 0b01; page: level 3, type 0b11
 *   lower half from 0; upper half from -1 &lt;&lt; vaBits (0xFFFF_0000_0000_0000 for 48 bits)
 * </pre>
 */
public final class TableWalk {
    private TableWalk() {
    }

    /** Told about every valid entry of a walk. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * Visits one valid descriptor.
         *
         * @param level its level
         * @param va the first VA it covers
         * @param tablePa the table it sits in
         * @param index its index in that table
         * @param descriptor its value
         */
        void visit(int level, long va, long tablePa, int index, long descriptor);
    }

    /**
     * Returns the level a walk starts at.
     *
     * @param vaBits 39 or 48
     * @return 1 or 0
     */
    public static int startLevel(int vaBits) {
        return 3 - (vaBits - 12 - 1) / 9;
    }

    /**
     * Returns the first VA of a half.
     *
     * @param half the half
     * @param vaBits the VA size
     * @return 0, or {@code -1L << vaBits}
     */
    public static long halfStart(Half half, int vaBits) {
        return half == Half.LOWER ? 0 : -1L << vaBits;
    }

    /**
     * Tells whether a VA lies in a half.
     *
     * @param half the half
     * @param vaBits the VA size
     * @param va the VA
     * @return true if its top bits are all 0 (lower) or all 1 (upper)
     */
    public static boolean inHalf(Half half, int vaBits, long va) {
        return half == Half.LOWER ? (va >>> vaBits) == 0 : (va >> vaBits) == -1L;
    }

    /**
     * Returns the size one entry of a level covers.
     *
     * @param level 0..3
     * @return 512 GiB, 1 GiB, 2 MiB or 4 KiB
     */
    public static long span(int level) {
        return 1L << (12 + 9 * (3 - level));
    }

    /**
     * Tells whether a descriptor is a table descriptor at its level.
     *
     * @param d the descriptor
     * @param level its level
     * @return true for type 0b11 at levels 0..2
     */
    public static boolean isTable(long d, int level) {
        return level < 3 && (d & 3) == 3;
    }

    /**
     * Tells whether a descriptor maps memory at its level.
     *
     * @param d the descriptor
     * @param level its level
     * @return true for a block (levels 1..2, type 0b01) or a page (level 3, type 0b11)
     */
    public static boolean isLeaf(long d, int level) {
        return level == 3 ? (d & 3) == 3 : (level == 1 || level == 2) && (d & 3) == 1;
    }

    /**
     * Visits every valid entry reachable from the root, depth first, in VA order.
     *
     * @param t the page table
     * @param v the visitor
     */
    public static void walk(TestablePageTable t, Visitor v) {
        walk(t.memory(), t.root(), startLevel(t.vaBits()), halfStart(t.half(), t.vaBits()), v);
    }

    private static void walk(PhysicalMemory m, long table, int level, long base, Visitor v) {
        for (int i = 0; i < 512; i++) {
            long d = m.read64(table + 8L * i);
            if ((d & 1) == 0) {
                continue;
            }
            long va = base + i * span(level);
            v.visit(level, va, table, i, d);
            if (isTable(d, level) && m.contains(d & 0x0000_FFFF_FFFF_F000L, 4096)) {
                walk(m, d & 0x0000_FFFF_FFFF_F000L, level + 1, va, v);
            }
        }
    }

    /**
     * Lists the tables reachable from the root, root first.
     *
     * @param t the page table
     * @return the table frames
     */
    public static List<Long> tables(TestablePageTable t) {
        List<Long> out = new ArrayList<>();
        out.add(t.root());
        walk(t, (level, va, tablePa, index, d) -> {
            if (isTable(d, level)) {
                out.add(d & 0x0000_FFFF_FFFF_F000L);
            }
        });
        return out;
    }

    /**
     * Walks one VA to its leaf.
     *
     * @param t the page table
     * @param va a VA of its half
     * @return {@code {level, descriptor}} of the leaf, or null if the VA is not mapped
     */
    public static long[] leaf(TestablePageTable t, long va) {
        PhysicalMemory m = t.memory();
        long table = t.root();
        for (int level = startLevel(t.vaBits()); level <= 3; level++) {
            long d = m.read64(table + 8L * ((va >>> (12 + 9 * (3 - level))) & 511));
            if (isLeaf(d, level)) {
                return new long[] {level, d};
            }
            if (!isTable(d, level)) {
                return null;
            }
            table = d & 0x0000_FFFF_FFFF_F000L;
        }
        return null;
    }

    /**
     * Returns a 64-bit fingerprint of every valid descriptor reachable from the root and where it
     * sits: equal tables give equal fingerprints, and a change almost surely changes it (cheaper than
     * {@link #dump}, for before/after comparisons on every step).
     *
     * @param t the page table
     * @return the fingerprint
     */
    public static long fingerprint(TestablePageTable t) {
        long[] h = {0xcbf2_9ce4_8422_2325L ^ t.root()};
        walk(t, (level, va, tablePa, index, d) -> {
            h[0] = (h[0] ^ tablePa ^ ((long) index << 52)) * 0x100_0000_01b3L;
            h[0] = (h[0] ^ d) * 0x100_0000_01b3L;
        });
        return h[0];
    }

    /**
     * Prints every valid descriptor reachable from the root, one per line: two dumps are equal
     * exactly when the tables are.
     *
     * @param t the page table
     * @return the dump
     */
    public static String dump(TestablePageTable t) {
        StringBuilder sb = new StringBuilder("root ").append(hex(t.root())).append('\n');
        walk(t, (level, va, tablePa, index, d) -> sb.append("  L").append(level).append(' ').append(hex(tablePa)).append('[')
                .append(index).append("] ").append(hex(va)).append(" = ").append(hex(d)).append('\n'));
        return sb.toString();
    }
}
