package dev.levitate.testkit;

import dev.levitate.mmu.AccessPermission;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.PageTable;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for page-table property tests: page-aligned addresses clustered in a few
 * windows (so operations collide, share tables and straddle 2 MiB blocks), attributes, and
 * operation sequences.
 */
public final class PageTableArbitraries {
    private PageTableArbitraries() {
    }

    private static final long PAGE = PageTable.PAGE_SIZE;
    private static final long TWO_MIB = 2L << 20;

    /** The VA windows operations land in: near 0, at a 1 GiB boundary, near the top of a 39-bit half (ranges stay below 2^39). */
    private static final long[] WINDOWS = {0x0000_0000_0040_0000L, 0x0000_0000_3FE0_0000L, 0x0000_007F_FF00_0000L};

    /**
     * Page-aligned VAs in a few 8 MiB windows of the lower half (all valid for 39-bit tables too).
     *
     * @return the arbitrary
     */
    public static Arbitrary<Long> pageVas() {
        return Combinators.combine(Arbitraries.of(0, 1, 2), Arbitraries.longs().between(0, 2047))
                .as((w, p) -> WINDOWS[w] + p * PAGE);
    }

    /**
     * 2 MiB-aligned VAs of the same windows, where blocks can go.
     *
     * @return the arbitrary
     */
    public static Arbitrary<Long> blockVas() {
        return Combinators.combine(Arbitraries.of(0, 1, 2), Arbitraries.longs().between(0, 3))
                .as((w, b) -> (WINDOWS[w] & -TWO_MIB) + b * TWO_MIB);
    }

    /**
     * Page-aligned PAs; a quarter of them 2 MiB aligned so blocks are possible.
     *
     * @return the arbitrary
     */
    public static Arbitrary<Long> pas() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0x4000_0, 0x4800_0).map(p -> p * PAGE),
                Arbitraries.longs().between(0x200, 0x240).map(b -> b * TWO_MIB));
    }

    /**
     * Leaf attributes: the presets, with other access permissions and software bits.
     *
     * @return the arbitrary
     */
    public static Arbitrary<Attributes> attributes() {
        return Combinators.combine(
                        Arbitraries.of(Attributes.USER_DATA, Attributes.USER_CODE, Attributes.KERNEL_DATA, Attributes.DEVICE),
                        Arbitraries.of(AccessPermission.values()), Arbitraries.integers().between(0, 15))
                .as((a, ap, sw) -> a.withAccess(ap).withSoftware(sw));
    }

    /**
     * One operation of any kind; ranges up to 1100 pages (past the 512-page TLBI threshold).
     *
     * @return the arbitrary
     */
    public static Arbitrary<PageTableOp> ops() {
        Arbitrary<Integer> pages = Arbitraries.oneOf(Arbitraries.integers().between(1, 16),
                Arbitraries.integers().between(500, 1100));
        Arbitrary<PageTableOp> map = Combinators.combine(pageVas(), pas(), attributes()).as(PageTableOp.Map::new);
        Arbitrary<PageTableOp> range = Combinators.combine(pageVas(), pas(), pages, attributes(), Arbitraries.of(true, false))
                .as(PageTableOp.MapRange::new);
        Arbitrary<PageTableOp> blockRange = Combinators.combine(blockVas(), Arbitraries.longs().between(0x200, 0x240),
                        Arbitraries.of(512, 1024, 700), attributes())
                .as((va, b, n, a) -> new PageTableOp.MapRange(va, b * TWO_MIB, n, a, true));
        Arbitrary<PageTableOp> unmap = pageVas().map(PageTableOp.Unmap::new);
        Arbitrary<PageTableOp> unmapRange = Combinators.combine(pageVas(), pages).as(PageTableOp.UnmapRange::new);
        Arbitrary<PageTableOp> protect = Combinators.combine(pageVas(), pages, attributes()).as(PageTableOp.Protect::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, map), net.jqwik.api.Tuple.of(2, range), net.jqwik.api.Tuple.of(1, blockRange),
                net.jqwik.api.Tuple.of(4, unmap), net.jqwik.api.Tuple.of(2, unmapRange), net.jqwik.api.Tuple.of(1, protect));
    }

    /**
     * Sequences of operations.
     *
     * @param maxSize the longest sequence
     * @return the arbitrary
     */
    public static Arbitrary<List<PageTableOp>> opSequences(int maxSize) {
        return ops().list().ofMaxSize(maxSize);
    }

    /**
     * Moves an operation by {@code offset} (to run the same sequences in the upper half, for
     * example {@code 0xFFFF_8000_0000_0000}) and makes its attributes global, as kernel mappings are.
     *
     * @param op the operation
     * @param offset added to its VA
     * @return the moved operation
     */
    public static PageTableOp shift(PageTableOp op, long offset) {
        if (op instanceof PageTableOp.Map m) {
            return new PageTableOp.Map(m.va() + offset, m.pa(), m.attributes().withNotGlobal(false));
        } else if (op instanceof PageTableOp.MapRange r) {
            return new PageTableOp.MapRange(r.va() + offset, r.pa(), r.pages(), r.attributes().withNotGlobal(false), r.blocks());
        } else if (op instanceof PageTableOp.Unmap u) {
            return new PageTableOp.Unmap(u.va() + offset);
        } else if (op instanceof PageTableOp.UnmapRange u) {
            return new PageTableOp.UnmapRange(u.va() + offset, u.pages());
        } else {
            PageTableOp.Protect p = (PageTableOp.Protect) op;
            return new PageTableOp.Protect(p.va() + offset, p.pages(), p.attributes().withNotGlobal(false));
        }
    }
}
