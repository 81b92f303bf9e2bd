package dev.levitate.core.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random allocate/free sequences over random region layouts, checked step by step against
 * {@link ReferenceBuddy}, the sorted-set-per-order design.
 */
class BuddyAllocatorProperties {

    /** A RAM layout: regions (page offsets and lengths) and reserved ranges, relative to a base. */
    record Layout(List<long[]> regions, List<long[]> reserved, int maxOrder) {
        BuddyAllocator build() {
            BuddyAllocator.Builder b = BuddyAllocator.builder().maxOrder(maxOrder);
            regions.forEach(r -> b.region(r[0], r[1] - r[0]));
            reserved.forEach(r -> b.reserve(r[0], r[1] - r[0]));
            return b.build();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Layout(maxOrder=" + maxOrder + ", regions=");
            regions.forEach(r -> sb.append(String.format("[%x,%x)", r[0], r[1])));
            sb.append(", reserved=");
            reserved.forEach(r -> sb.append(String.format("[%x,%x)", r[0], r[1])));
            return sb.append(')').toString();
        }
    }

    /** One step. */
    sealed interface Op permits Alloc, Free, BadFree {
    }

    /** allocate(order). */
    record Alloc(int order) implements Op {
        @Override
        public String toString() {
            return "alloc(" + order + ")";
        }
    }

    /** Free the n-th live allocation (modulo their count). */
    record Free(int pick) implements Op {
        @Override
        public String toString() {
            return "free(live #" + pick + ")";
        }
    }

    /** A free that may be invalid: an address near a live block or random, with some order. */
    record BadFree(int pick, long delta, int order) implements Op {
        @Override
        public String toString() {
            return String.format("badFree(live #%d %+d, order %d)", pick, delta, order);
        }
    }

    static final long BASE = 0x4000_0000L;
    static final long PAGE = 4096;

    @Provide
    Arbitrary<Layout> layouts() {
        Arbitrary<Integer> count = Arbitraries.integers().between(1, 3);
        return count.flatMap(n -> Combinators.combine(
                        Arbitraries.longs().between(0, 40).list().ofSize(n),
                        Arbitraries.longs().between(1, 80).list().ofSize(n),
                        Arbitraries.longs().between(0, 200).list().ofMaxSize(2),
                        Arbitraries.of(2, 4, 6, 20))
                .as((gaps, sizes, res, maxOrder) -> {
                    List<long[]> regions = new ArrayList<>();
                    long at = BASE;
                    for (int i = 0; i < n; i++) {
                        at += gaps.get(i) * PAGE;
                        regions.add(new long[] {at, at + sizes.get(i) * PAGE});
                        at += sizes.get(i) * PAGE;
                    }
                    List<long[]> reserved = new ArrayList<>();
                    for (long r : res) {
                        long start = BASE + r * PAGE + (r % 3) * 512;
                        reserved.add(new long[] {start, start + (1 + r % 5) * PAGE});
                    }
                    return new Layout(regions, reserved, maxOrder);
                }));
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> alloc = Arbitraries.integers().between(0, 5).map(Alloc::new);
        Arbitrary<Op> free = Arbitraries.integers().between(0, 1000).map(Free::new);
        Arbitrary<Op> bad = Combinators.combine(Arbitraries.integers().between(0, 1000),
                        Arbitraries.longs().between(-8, 8).map(d -> d * PAGE / 2), Arbitraries.integers().between(-1, 22))
                .as(BadFree::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, alloc), net.jqwik.api.Tuple.of(4, free), net.jqwik.api.Tuple.of(1, bad))
                .list().ofMaxSize(120);
    }

    @Property(tries = 300)
    void agreesWithTheReferenceModelAndCoalescesFully(@ForAll("layouts") Layout layout, @ForAll("ops") List<Op> ops) {
        BuddyAllocator real = layout.build();
        ReferenceBuddy model = ReferenceBuddy.fromTiling(layout, real);
        long[][] initial = snapshot(real);
        long total = real.totalFrames();

        for (Op op : ops) {
            if (op instanceof Alloc a) {
                if (a.order() > real.maxOrder()) {
                    continue;
                }
                long pa = real.tryAllocate(a.order());
                if (pa == PageAllocator.NO_FRAME) {
                    assertTrue(!model.canAllocate(a.order()), "allocator said no, model has a block for " + a);
                } else {
                    model.allocateAt(pa, a.order());
                }
            } else if (op instanceof Free f) {
                if (model.live().isEmpty()) {
                    continue;
                }
                long[] b = model.live().get(f.pick() % model.live().size());
                real.free(b[0], (int) b[1]);
                model.free(b[0], (int) b[1]);
            } else if (op instanceof BadFree bf) {
                long pa = model.live().isEmpty() ? BASE + bf.delta()
                        : model.live().get(bf.pick() % model.live().size())[0] + bf.delta();
                if (model.isLive(pa, bf.order())) {
                    real.free(pa, bf.order());
                    model.free(pa, bf.order());
                } else {
                    AllocatorStats before = real.stats();
                    long[][] lists = snapshot(real);
                    Class<? extends RuntimeException> expected = bf.order() < 0 || bf.order() > real.maxOrder()
                            ? IllegalArgumentException.class : InvalidFreeException.class;
                    assertThrows(expected, () -> real.free(pa, bf.order()), "free should be rejected: " + bf);
                    assertEquals(before, real.stats());
                    assertSnapshotEquals(lists, snapshot(real));
                }
            }
            assertEquals(total, real.freeFrames() + real.usedFrames(), "free + used = total");
            assertSnapshotEquals(model.snapshot(), snapshot(real));
            model.checkLiveBlocks(layout);
            real.checkInvariants();
        }
        for (long[] b : new ArrayList<>(model.live())) {
            real.free(b[0], (int) b[1]);
            model.free(b[0], (int) b[1]);
        }
        assertSnapshotEquals(initial, snapshot(real));
        assertEquals(0, real.usedFrames());
    }

    static long[][] snapshot(BuddyAllocator a) {
        long[][] out = new long[a.maxOrder() + 1][];
        for (int k = 0; k <= a.maxOrder(); k++) {
            out[k] = a.freeBlocks(k);
        }
        return out;
    }

    static void assertSnapshotEquals(long[][] expected, long[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            assertArrayEquals(expected[k], actual[k], "free blocks of order " + k);
        }
    }

    @Property(tries = 50)
    void initialBlocksTileExactlyTheUsableFrames(@ForAll("layouts") Layout layout) {
        BuddyAllocator real = layout.build();
        ReferenceBuddy.fromTiling(layout, real);
        real.checkInvariants();
        assertNotEquals(-1, real.freeFrames());
    }
}
