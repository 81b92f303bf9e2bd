package dev.levitate.testkit;

import dev.levitate.mmu.AccessPermission;
import dev.levitate.mmu.Attributes;
import dev.levitate.mmu.Half;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for page-table property tests: page-aligned addresses clustered in a few
 * windows (so operations collide, share tables and straddle 2 MiB blocks), attributes, and
 * operation sequences. Sizes are in bytes, as in {@link dev.levitate.mmu.PageTable}.
 *
 * <p>The VAs are lower-half VAs below 2<sup>39</sup>, valid for 39- and 48-bit tables;
 * {@link #moveTo(PageTableOp, Half, int)} moves a sequence into the upper half.
 */
public final class PageTableArbitraries {
    private PageTableArbitraries() {
    }

    private static final long PAGE = PageTableOp.PAGE;
    private static final long TWO_MIB = 2L << 20;

    /** The VA windows operations land in: near 0, at a 1 GiB boundary, near the top of a 39-bit half (ranges stay below 2^39). */
    private static final long[] WINDOWS = {0x0000_0000_0040_0000L, 0x0000_0000_3FE0_0000L, 0x0000_007F_FF00_0000L};
    /** A VA outside the lower half of both sizes, and outside the upper half once moved there. */
    private static final long OUTSIDE = 1L << 48;

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
     * Leaf attributes: the presets with other access permissions and software bits, <b>half of them
     * global (nG = 0) and half per-ASID (nG = 1)</b>, whatever the preset.
     *
     * @return the arbitrary
     */
    public static Arbitrary<Attributes> attributes() {
        return Combinators.combine(presets(), Arbitraries.of(true, false)).as(Attributes::withNotGlobal);
    }

    /**
     * Leaf attributes that are all global ({@code global}) or all per-ASID.
     *
     * @param global the nG bit to give them: false for nG = 1
     * @return the arbitrary
     */
    public static Arbitrary<Attributes> attributes(boolean global) {
        return presets().map(a -> a.withNotGlobal(!global));
    }

    private static Arbitrary<Attributes> presets() {
        return Combinators.combine(
                        Arbitraries.of(Attributes.USER_DATA, Attributes.USER_CODE, Attributes.KERNEL_DATA, Attributes.DEVICE),
                        Arbitraries.of(AccessPermission.values()), Arbitraries.integers().between(0, 15))
                .as((a, ap, sw) -> a.withAccess(ap).withSoftware(sw));
    }

    /**
     * One operation of any kind, with {@link #attributes()}.
     *
     * @return the arbitrary
     */
    public static Arbitrary<PageTableOp> ops() {
        return ops(attributes());
    }

    /**
     * One operation of any kind: map, mapRange (pages or blocks), unmap, unmapRange, protect, with
     * ranges up to 1100 pages (past the 512-page TLBI threshold); one in twenty is refused for its
     * arguments (misaligned, or outside the half) and one in twenty runs with a table allocation
     * failing.
     *
     * @param attributes the attributes mappings and protects use
     * @return the arbitrary
     */
    public static Arbitrary<PageTableOp> ops(Arbitrary<Attributes> attributes) {
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.longs().between(1, 16), Arbitraries.longs().between(500, 1100))
                .map(n -> n * PAGE);
        Arbitrary<PageTableOp> map = Combinators.combine(pageVas(), pas(), attributes).as(PageTableOp.Map::new);
        Arbitrary<PageTableOp> range = Combinators.combine(pageVas(), pas(), sizes, attributes, Arbitraries.of(true, false))
                .as(PageTableOp.MapRange::new);
        Arbitrary<PageTableOp> blockRange = Combinators.combine(blockVas(), Arbitraries.longs().between(0x200, 0x240),
                        Arbitraries.of(512L, 1024L, 700L), attributes)
                .as((va, b, n, a) -> new PageTableOp.MapRange(va, b * TWO_MIB, n * PAGE, a, true));
        Arbitrary<PageTableOp> unmap = pageVas().map(PageTableOp.Unmap::new);
        Arbitrary<PageTableOp> unmapRange = Combinators.combine(pageVas(), sizes).as(PageTableOp.UnmapRange::new);
        Arbitrary<PageTableOp> protect = Combinators.combine(pageVas(), sizes, attributes).as(PageTableOp.Protect::new);
        Arbitrary<PageTableOp> plain = Arbitraries.frequencyOf(
                Tuple.of(4, map), Tuple.of(2, range), Tuple.of(1, blockRange),
                Tuple.of(4, unmap), Tuple.of(2, unmapRange), Tuple.of(1, protect));
        Arbitrary<PageTableOp> refused = Combinators.combine(plain, Arbitraries.of(true, false)).as(PageTableArbitraries::spoil);
        Arbitrary<PageTableOp> failing = Combinators.combine(Arbitraries.integers().between(1, 3), plain)
                .as(PageTableOp.WithAllocationFailure::new);
        return Arbitraries.frequencyOf(Tuple.of(18, plain), Tuple.of(1, refused), Tuple.of(1, failing));
    }

    /** Makes an operation misaligned (VA + 0x800) or puts it outside the half. */
    private static PageTableOp spoil(PageTableOp op, boolean misalign) {
        long va = op.va();
        return op.moved(misalign ? 0x800 : OUTSIDE - (va & -TWO_MIB), a -> a);
    }

    /**
     * Sequences of operations, with {@link #attributes()}.
     *
     * @param maxSize the longest sequence
     * @return the arbitrary
     */
    public static Arbitrary<List<PageTableOp>> opSequences(int maxSize) {
        return opSequences(maxSize, attributes());
    }

    /**
     * Sequences of up to {@code maxSize} operations with the given attributes: single operations
     * ({@link #ops(Arbitrary)}), and one group in six a {@link #rangeLifecycles range lifecycle}.
     *
     * @param maxSize the longest sequence
     * @param attributes the attributes mappings and protects use
     * @return the arbitrary
     */
    public static Arbitrary<List<PageTableOp>> opSequences(int maxSize, Arbitrary<Attributes> attributes) {
        Arbitrary<List<PageTableOp>> single = ops(attributes).map(List::of);
        return Arbitraries.frequencyOf(Tuple.of(5, single), Tuple.of(1, rangeLifecycles(attributes)))
                .list().ofMaxSize(Math.max(1, maxSize / 2))
                .map(groups -> {
                    List<PageTableOp> out = new java.util.ArrayList<>();
                    groups.forEach(out::addAll);
                    return out.size() > maxSize ? List.copyOf(out.subList(0, maxSize)) : out;
                });
    }

    /**
     * A range mapped, then protected and unmapped whole, or in part from its start, or a page of it
     * mapped again (refused: already mapped, or inside a block): the operations that reach the
     * range-wide invalidations (above the 512-page threshold), block splits and block conflicts, which
     * independent random operations rarely line up.
     *
     * @param attributes the attributes of the mapping and of the protect
     * @return the arbitrary: two or three operations on the same range
     */
    public static Arbitrary<List<PageTableOp>> rangeLifecycles(Arbitrary<Attributes> attributes) {
        Arbitrary<Long> pages = Arbitraries.oneOf(Arbitraries.longs().between(1, 16), Arbitraries.longs().between(500, 1100));
        Arbitrary<Long> va = Arbitraries.oneOf(pageVas(), blockVas());
        Arbitrary<Long> pas = Arbitraries.oneOf(pas(), Arbitraries.longs().between(0x200, 0x240).map(b -> b * TWO_MIB));
        return Combinators.combine(va, pas, pages, attributes, attributes, Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 3), Arbitraries.longs().between(1, 1100))
                .as((v, pa, n, a, b, blocks, shape, part) -> {
                    long size = n * PAGE;
                    long partSize = Math.min(n, part) * PAGE;
                    PageTableOp map = new PageTableOp.MapRange(v, pa, size, a, blocks);
                    return switch (shape) {
                        case 0 -> List.of(map, new PageTableOp.Protect(v, size, b), new PageTableOp.UnmapRange(v, size));
                        case 1 -> List.of(map, new PageTableOp.UnmapRange(v, partSize));
                        case 2 -> List.of(map, new PageTableOp.Protect(v, partSize, b));
                        // a page mapped again inside the range (inside a block, if one was used): refused
                        default -> List.of(map, new PageTableOp.Map(v + (part - 1) % Math.min(n, 512) * PAGE, pa, b));
                    };
                });
    }

    /**
     * Moves an operation to a half: the upper half adds {@code -1L << vaBits} to its VA (the
     * generated VAs are below 2<sup>39</sup>, so they land in the upper half of both sizes); the
     * lower half leaves it. Attributes are kept.
     *
     * @param op the operation
     * @param half the half
     * @param vaBits 39 or 48
     * @return the moved operation
     */
    public static PageTableOp moveTo(PageTableOp op, Half half, int vaBits) {
        return half == Half.LOWER ? op : op.moved(-1L << vaBits, a -> a);
    }

    /**
     * Moves an operation by {@code offset} (for example {@code 0xFFFF_8000_0000_0000} for a 48-bit
     * upper half) and makes its attributes global, as kernel mappings are.
     *
     * @param op the operation
     * @param offset added to its VA
     * @return the moved operation
     */
    public static PageTableOp shift(PageTableOp op, long offset) {
        return op.moved(offset, a -> a.withNotGlobal(false));
    }
}
