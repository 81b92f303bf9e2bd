package dev.levitate.core.alloc;

import dev.levitate.core.LevitateException;
import dev.levitate.core.mem.MemoryRegion;
import dev.levitate.core.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A binary buddy allocator of physical frames over one or more RAM regions, with holes and
 * reserved ranges, validating every free.
 *
 * <h2>Notation</h2>
 * <pre>
 *   pfn      = pa &gt;&gt;&gt; 12                  page frame number (absolute)
 *   block k  = 2^k frames, pfn aligned to 2^k (natural alignment), k = 0..maxOrder
 *   buddy(pfn, k) = pfn ^ (1 &lt;&lt; k)        the other half of the order-(k+1) block
 *   i        = pfn - zone.basePfn          index into a zone's side arrays
 * </pre>
 *
 * <h2>Metadata (per frame, primitive side arrays, like Linux's struct page; about 9 bytes/frame)</h2>
 * <pre>
 *   byte meta[i]            bits [7:6] state: NONE (inside a block) | FREE head | ALLOCATED head | RESERVED
 *                           bit  5     CACHED: an ALLOCATED order-0 frame held free by a {@link FrameCache}
 *                           bits [4:0] order of the block headed at i (FREE and ALLOCATED)
 *   int  ints[TOPS + k]     one past the top of order k's stack, k = 0..31 (an order above
 *                           maxOrder has an empty stack that is never pushed)
 *   int  ints[SLOTS + i]    for a FREE head i, its position in its order's stack
 *   int  ints[bottom[k]-1]  -1, the sentinel under order k's stack
 *   int  ints[bottom[k]..]  order k's free blocks, a stack of frame indices; capacity
 *                           (frames &gt;&gt; (k+1)) + 2, as no two free buddies stay unmerged below
 *                           maxOrder (about one int per frame for all the stacks)
 * </pre>
 * Push and pop touch only the top of the order's stack (no neighbour's link is written, unlike a
 * doubly linked free list); taking a block out of the middle, when it merges with its buddy, moves
 * the top entry into its place and updates that entry's slot. The number of free blocks of order
 * k is the stack's height. Everything but {@code meta} lives in one {@code int[]}, so the hot
 * paths keep one array base and length.
 * A head test ("is i a FREE head of order k?") is one byte compare. A stack is empty when its
 * sentinel is on top: the inline allocation reads the entry it would pop and takes it unless it
 * is the sentinel, so no per-order "non-empty" mask is kept up to date by pushes and pops; the
 * slow path finds the smallest non-empty order at or above the request by testing the tops of at
 * most maxOrder + 1 stacks. The lowest region's {@code ints}, {@code meta} and first frame number
 * are also held in final fields of the allocator, so the hot paths load no zone object.
 *
 * <h2>Counters</h2>
 * <pre>
 *   long blocks[k]          allocated blocks of order k plus free blocks of order k (all zones)
 * </pre>
 * The hot paths change no counter: an inline allocation turns a free block of order k into an
 * allocated one, an inline free (no merge) does the reverse, so {@code blocks[k]} stays and the
 * stack's height moves. Only the slow paths, whose splits and merges change how many blocks of
 * an order exist, update {@code blocks}. The free blocks of order k are the stacks' heights; the
 * allocated ones are {@code blocks[k]} minus them; free and used frames follow (O(maxOrder) per
 * zone).
 *
 * <h2>Hot paths and slow paths</h2>
 * {@code tryAllocate} and {@code free} are small enough for C2 to inline into a caller's loop, and
 * serve only the common case: a block of exactly the requested order in the lowest region (no
 * zeroing), and a free in the lowest region whose buddy is not free. Everything else — a split,
 * a merge, another region, zeroing, a bad order, an invalid free — goes to {@code allocateSlow}
 * or {@code freeSlow}, which are written out (no helper calls) and kept above C2's
 * FreqInlineSize so that they stay calls: inlined, their loops cost the callers' loops their
 * registers (measured in docs/benchmarks.md, 2026-12-02; {@code BuddyAllocatorCodeShapeTest}
 * guards the sizes). Both slow paths validate again on their own, so the contracts below do not
 * depend on which path runs.
 *
 * <h2>Frames held by a {@link FrameCache}</h2>
 * A frame that a {@link FrameCache} in front of this allocator holds is, to the free stacks, an
 * allocated order-0 block (it never merges and is never handed out here), but its byte carries
 * the CACHED bit, so it is no ALLOCATED head: freeing it again, directly or through the cache,
 * is a {@link DoubleFreeException}, and {@link #isAllocated(long, int)} says false. The hot paths
 * of this class compare whole bytes and never look at the bit; only the cache's package-private
 * hooks set and clear it.
 *
 * <h2>Operations (each O(maxOrder) = O(log n), no allocation)</h2>
 * <ol>
 *   <li><b>allocate(k)</b>: per zone, j = the smallest order at or above k whose stack is not
 *       empty; pop stack j (LIFO); while j &gt; k: j--, the upper half {@code pfn + 2^j} becomes
 *       a FREE head of order j; mark pfn ALLOCATED order k.</li>
 *   <li><b>free(pa, k)</b>: validate first (order range — an order outside 0..maxOrder is an
 *       {@link IllegalArgumentException}, as for allocation — alignment, inside a zone, not reserved,
 *       an ALLOCATED head of exactly order k — otherwise find the enclosing block by testing the
 *       aligned head at each order, to say "double free" or "wrong order"); then merge: while
 *       k &lt; maxOrder and buddy(pfn, k) is a FREE head of order k inside the zone, take it off
 *       its stack, clear the upper head, pfn = min, k++; push the result.</li>
 * </ol>
 * Merging never goes past {@code maxOrder}; blocks never cross a zone (region) edge, a hole or a
 * reserved frame, because such a buddy is never a FREE head. Each region given to the builder is
 * its own zone, so two regions that happen to touch are never merged into one block.
 *
 * <h2>Threads</h2>
 * Not thread-safe: an allocator belongs to the thread that owns the kernel.
 */
public final class BuddyAllocator implements PageAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(BuddyAllocator.class);

    /** The default maximum order: 2^20 frames = 4 GiB blocks, as in the original kernel. */
    public static final int DEFAULT_MAX_ORDER = 20;
    /** The largest maximum order this implementation accepts (2^30 frames = 4 TiB blocks). */
    public static final int MAX_SUPPORTED_ORDER = 30;

    private static final int SHIFT = PhysicalMemory.PAGE_SHIFT;
    private static final int STATE_SHIFT = 6;
    private static final byte NONE = 0;
    private static final int FREE = 1;
    private static final int ALLOCATED = 2;
    private static final int RESERVED = 3;
    /** The order bits of a meta byte (orders up to 31, more than {@link #MAX_SUPPORTED_ORDER}). */
    private static final int ORDER_MASK = 0x1F;
    /** The meta byte of an order-0 frame allocated to a {@link FrameCache} and held free there. */
    static final byte CACHED = (byte) (ALLOCATED << STATE_SHIFT | 0x20);
    /** The meta byte of an allocated order-0 frame (the head of an allocated order-0 block). */
    static final byte ALLOCATED_FRAME = (byte) (ALLOCATED << STATE_SHIFT);
    /** Where the stack tops start in a zone's {@code ints} (one per order). */
    private static final int TOPS = 0;
    /** Where the per-frame stack positions start in a zone's {@code ints}. */
    private static final int SLOTS = TOPS + ORDER_MASK + 1;

    /** One RAM region with its side arrays and free-block stacks. */
    private static final class Zone {
        final long basePfn;
        final long limitPfn;
        final int frames;
        /** Per frame: state in bits [7:6], order in bits [5:0] (one byte, one cache line). */
        final byte[] meta;
        /**
         * Everything else, in one array (one base, one length for the hot paths):
         * {@code [TOPS + k]} one past the top of order k's stack (orders 0..31); {@code [SLOTS + i]}
         * the position of the FREE head i in its stack; then per order a sentinel -1 and the stack.
         */
        final int[] ints;
        /** Per order: the position of its stack's first entry in {@code ints} (after its sentinel). */
        final int[] bottom;

        Zone(long base, long limit, int maxOrder) {
            this.basePfn = base >>> SHIFT;
            this.limitPfn = limit >>> SHIFT;
            long n = limitPfn - basePfn;
            if (n > Integer.MAX_VALUE / 2 - 2 * SLOTS) {
                throw new IllegalArgumentException("RAM region " + LevitateException.hex(base) + " is larger than 4 TiB");
            }
            this.frames = (int) n;
            this.meta = new byte[frames];
            this.bottom = new int[maxOrder + 1];
            int size = SLOTS + frames;
            for (int k = 0; k <= maxOrder; k++) {
                bottom[k] = size + 1;
                size += 1 + capacity(frames, k, maxOrder);
            }
            this.ints = new int[size];
            for (int k = 0; k <= maxOrder; k++) {
                ints[bottom[k] - 1] = -1;
                ints[TOPS + k] = bottom[k];
            }
            // orders above maxOrder: an empty stack that is never pushed (its top is order 0's bottom)
            for (int k = maxOrder + 1; k <= ORDER_MASK; k++) {
                ints[TOPS + k] = bottom[0];
            }
        }

        boolean containsPfn(long pfn) {
            return pfn >= basePfn && pfn < limitPfn;
        }

        int state(int i) {
            return (meta[i] & 0xFF) >>> STATE_SHIFT;
        }

        int order(int i) {
            return meta[i] & ORDER_MASK;
        }

        /** Tells whether frame i heads a block in {@code state} of order {@code k}: one byte compare. */
        boolean isHead(int i, int state, int k) {
            return meta[i] == meta(state, k);
        }

        void set(int i, int state, int k) {
            meta[i] = meta(state, k);
        }

        /**
         * The most free blocks of order k a zone of {@code frames} frames can hold: below the
         * maximum order, each aligned order-(k+1) block that meets the zone holds at most one
         * (two free buddies always merge); at the maximum order, they are disjoint.
         */
        static int capacity(int frames, int k, int maxOrder) {
            return k < maxOrder ? (frames >> (k + 1)) + 2 : (frames >> k) + 1;
        }

        /** Returns the number of free blocks of order k. */
        int count(int k) {
            return ints[TOPS + k] - bottom[k];
        }

        void push(int i, int k) {
            final int[] a = ints;
            int t = a[TOPS + k];
            a[t] = i;
            a[SLOTS + i] = t;
            a[TOPS + k] = t + 1;
            meta[i] = meta(FREE, k);
        }

        /** Tells whether order k's stack is empty: the sentinel is on top. */
        boolean isEmpty(int k) {
            return ints[ints[TOPS + k] - 1] < 0;
        }

        /** Removes and returns the most recently pushed block of the non-empty order k. */
        int pop(int k) {
            final int[] a = ints;
            int t = a[TOPS + k] - 1;
            a[TOPS + k] = t;
            return a[t];
        }

        /** Takes the FREE head i of order k off its stack (the top entry fills its place). */
        void unlink(int i, int k) {
            final int[] a = ints;
            int t = a[TOPS + k] - 1;
            int p = a[SLOTS + i];
            int last = a[t];
            a[p] = last;
            a[SLOTS + last] = p;
            a[TOPS + k] = t;
            meta[i] = NONE;
        }
    }

    private static byte meta(int state, int k) {
        return (byte) (state << STATE_SHIFT | k);
    }

    private final Zone[] zones;
    /** {@code zones[0]}, the lowest region, tried first by both hot paths. */
    private final Zone first;
    /** The lowest region's arrays and first frame number, held here for the hot paths. */
    private final int[] ints0;
    private final byte[] meta0;
    private final long base0;
    private final int maxOrder;
    private final PhysicalMemory zeroTarget;
    /**
     * Per order: the allocated blocks plus the free blocks of all zones. The hot paths never
     * touch it (an allocation pops one free block and adds one allocated block of the same
     * order; a free without a merge does the reverse); the slow paths, which change the number
     * of blocks of an order by a split or a merge, do. The allocated blocks of order k are
     * {@code blocks[k]} minus the free stacks' heights.
     */
    private final long[] blocks;
    private long totalFrames;
    /** Whether a {@link FrameCache} fronts this allocator (at most one may). */
    private boolean cacheAttached;

    private BuddyAllocator(Builder b) {
        this.maxOrder = b.maxOrder;
        this.zeroTarget = b.zeroTarget;
        this.blocks = new long[maxOrder + 1];
        List<long[]> regions = new ArrayList<>(b.regions);
        regions.sort(Comparator.comparingLong(r -> r[0]));
        for (int i = 1; i < regions.size(); i++) {
            if (regions.get(i)[0] < regions.get(i - 1)[1]) {
                throw new IllegalArgumentException("RAM regions at " + LevitateException.hex(regions.get(i - 1)[0]) + " and "
                        + LevitateException.hex(regions.get(i)[0]) + " overlap");
            }
        }
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("a buddy allocator needs at least one RAM region");
        }
        this.zones = new Zone[regions.size()];
        for (int z = 0; z < zones.length; z++) {
            zones[z] = new Zone(regions.get(z)[0], regions.get(z)[1], maxOrder);
        }
        for (long[] r : b.reserved) {
            for (Zone zone : zones) {
                long from = Math.max(r[0] >>> SHIFT, zone.basePfn);
                long to = Math.min((r[1] + PhysicalMemory.PAGE_MASK) >>> SHIFT, zone.limitPfn);
                for (long pfn = from; pfn < to; pfn++) {
                    zone.set((int) (pfn - zone.basePfn), RESERVED, 0);
                }
            }
        }
        for (Zone zone : zones) {
            populate(zone);
        }
        this.first = zones[0];
        this.ints0 = first.ints;
        this.meta0 = first.meta;
        this.base0 = first.basePfn;
    }

    /** Puts every run of non-reserved frames on the free stacks as maximal aligned blocks. */
    private void populate(Zone zone) {
        int i = 0;
        while (i < zone.frames) {
            if (zone.state(i) == RESERVED) {
                i++;
                continue;
            }
            int end = i;
            while (end < zone.frames && zone.state(end) != RESERVED) {
                end++;
            }
            long pfn = zone.basePfn + i;
            long stop = zone.basePfn + end;
            while (pfn < stop) {
                int k = Math.min(maxOrder, Long.numberOfTrailingZeros(pfn));
                while (pfn + (1L << k) > stop) {
                    k--;
                }
                zone.push((int) (pfn - zone.basePfn), k);
                blocks[k]++;
                totalFrames += 1L << k;
                pfn += 1L << k;
            }
            i = end;
        }
    }

    /**
     * Creates an allocator over one RAM region, default maximum order, nothing reserved.
     *
     * @param base the first physical address, 4 KiB aligned
     * @param size the size in bytes, a positive multiple of 4 KiB
     * @return the allocator with every frame free
     * @throws IllegalArgumentException if the region is misaligned or empty
     */
    public static BuddyAllocator forRegion(long base, long size) {
        return builder().region(base, size).build();
    }

    /**
     * Starts a builder: add regions, reserved ranges, the maximum order and zeroing.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link BuddyAllocator}. Not thread-safe. */
    public static final class Builder {
        private final List<long[]> regions = new ArrayList<>();
        private final List<long[]> reserved = new ArrayList<>();
        private int maxOrder = DEFAULT_MAX_ORDER;
        private PhysicalMemory zeroTarget;

        private Builder() {
        }

        /**
         * Adds a RAM region. Regions may leave holes between them; edges need only be 4 KiB
         * aligned.
         *
         * @param base the first physical address, 4 KiB aligned
         * @param size the size in bytes, a positive multiple of 4 KiB
         * @return this builder
         * @throws IllegalArgumentException if the region is misaligned or empty
         */
        public Builder region(long base, long size) {
            MemoryRegion r = new MemoryRegion(base, size);
            regions.add(new long[] {r.base(), r.limit()});
            return this;
        }

        /**
         * Adds every region of a physical memory.
         *
         * @param memory the memory whose regions to manage
         * @return this builder
         */
        public Builder regions(PhysicalMemory memory) {
            for (MemoryRegion r : memory.regions()) {
                regions.add(new long[] {r.base(), r.limit()});
            }
            return this;
        }

        /**
         * Reserves a range: its frames are never handed out (kernel image, device tree, …). The
         * range is widened to whole frames; parts outside every region are ignored.
         *
         * @param base the first reserved address
         * @param size the number of bytes reserved, positive
         * @return this builder
         * @throws IllegalArgumentException if the size is not positive
         */
        public Builder reserve(long base, long size) {
            if (size <= 0 || base < 0) {
                throw new IllegalArgumentException("reserved range " + LevitateException.hex(base) + " + " + size + " is empty or negative");
            }
            reserved.add(new long[] {base, base + size});
            return this;
        }

        /**
         * Sets the maximum order (default {@value #DEFAULT_MAX_ORDER}).
         *
         * @param maxOrder 0..{@value #MAX_SUPPORTED_ORDER}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxOrder(int maxOrder) {
            if (maxOrder < 0 || maxOrder > MAX_SUPPORTED_ORDER) {
                throw new IllegalArgumentException("max order " + maxOrder + " is outside 0.." + MAX_SUPPORTED_ORDER);
            }
            this.maxOrder = maxOrder;
            return this;
        }

        /**
         * Zeroes every block in {@code memory} as it is allocated (pages the kernel hands to page
         * tables or to user tasks must not leak old contents).
         *
         * @param memory the memory holding the frames, or null for no zeroing
         * @return this builder
         */
        public Builder zeroOnAllocate(PhysicalMemory memory) {
            this.zeroTarget = memory;
            return this;
        }

        /**
         * Builds the allocator with every non-reserved frame free.
         *
         * @return the allocator
         * @throws IllegalArgumentException if there is no region or regions overlap
         */
        public BuddyAllocator build() {
            return new BuddyAllocator(this);
        }
    }

    // ------------------------------------------------------------------ allocate

    /**
     * {@inheritDoc}
     *
     * <p>Takes the most recently freed block of the smallest sufficient order (LIFO, as the
     * original kernel; a block that left its stack by merging is replaced there by the stack's
     * top), splitting larger blocks as needed, from the lowest region first.
     */
    @Override
    public long tryAllocate(int order) {
        // the hot path: the first zone has a free block of exactly this order and nothing is
        // zeroed (an order outside 0..31 fails the first test; one in maxOrder+1..31 finds the
        // sentinel under order 0's stack on top of its own, empty one). No counter changes: the
        // block stays a block of this order (see Counters in the class comment). Any other case (a split, another zone, no memory, a bad order, zeroing,
        // whose call would cost this path its registers) goes to allocateSlow, which is
        // kept too big for C2 to inline here: inlined, its loops cost the callers' loops their
        // registers (docs/benchmarks.md, 2026-12-02).
        final int[] a = ints0;
        if ((order & ~ORDER_MASK) == 0 && zeroTarget == null) {
            int t = a[TOPS + order] - 1;
            int i = a[t];
            if (i >= 0) { // not the sentinel under the stack
                a[TOPS + order] = t;
                meta0[i] = meta(ALLOCATED, order);
                return (base0 + i) << SHIFT;
            }
        }
        return allocateSlow(order);
    }

    /**
     * Every allocation the hot path of {@link #tryAllocate(int)} does not serve: checks the order,
     * then per zone in address order takes the smallest free block of at least that order and
     * splits it. Written out in one method (the pushes of the split inline) so that C2 compiles it
     * on its own rather than inline: it must stay above C2's FreqInlineSize (325 bytecodes),
     * which {@code BuddyAllocatorCodeShapeTest} checks.
     */
    private long allocateSlow(int order) {
        if (order < 0 || order > maxOrder) {
            throw new IllegalArgumentException("order " + order + " is outside 0.." + maxOrder);
        }
        for (Zone z : zones) {
            final int[] a = z.ints;
            int j = order;
            while (j <= maxOrder && a[a[TOPS + j] - 1] < 0) {
                j++;
            }
            if (j > maxOrder) {
                continue;
            }
            final byte[] meta = z.meta;
            // pop the top of stack j
            int t = a[TOPS + j] - 1;
            a[TOPS + j] = t;
            int i = a[t];
            blocks[j]--;
            if (meta[i] != meta(FREE, j)) {
                throw new IllegalStateException("buddy allocator corrupted: stack " + j + " holds frame "
                        + LevitateException.hex((z.basePfn + i) << SHIFT) + ", which is no free block of that order");
            }
            // split: the upper half of each level becomes a FREE head pushed on its stack
            while (j > order) {
                j--;
                int h = i + (1 << j);
                int top = a[TOPS + j];
                a[top] = h;
                a[SLOTS + h] = top;
                a[TOPS + j] = top + 1;
                meta[h] = meta(FREE, j);
                blocks[j]++;
            }
            meta[i] = meta(ALLOCATED, order);
            blocks[order]++;
            long pa = (z.basePfn + i) << SHIFT;
            if (zeroTarget != null) {
                zeroTarget.zero(pa, (long) PhysicalMemory.PAGE_SIZE << order);
            }
            return pa;
        }
        return refused(order);
    }

    /**
     * Logs a refusal at debug level (what was asked, what is free, the largest free block: the
     * figures that tell exhaustion from fragmentation) and returns {@link #NO_FRAME}. Off the hot
     * path: only a request no zone can serve comes here, and nothing is built unless debug is on.
     */
    private long refused(int order) {
        if (LOG.isDebugEnabled()) {
            long[] free = freeBlockCounts();
            int largest = -1;
            for (int k = 0; k < free.length; k++) {
                largest = free[k] > 0 ? k : largest;
            }
            LOG.debug("refused an order-{} block ({} KiB): {} frames free, largest free block order {}",
                    order, (PhysicalMemory.PAGE_SIZE << order) >> 10, freeFrames(), largest);
        }
        return NO_FRAME;
    }

    // ------------------------------------------------------------------ free

    /**
     * {@inheritDoc}
     *
     * <p>The free is validated completely before anything changes; then the block merges with its
     * buddy while the buddy is a free block of the same order, up to the maximum order.
     */
    @Override
    public void free(long pa, int order) {
        // the hot path: a free in the first zone whose buddy is not free. One combined test
        // validates it (an ALLOCATED head of order k is aligned to 2^k frames and fits in its zone
        // by construction, so the page-alignment test and the head test cover alignment and the
        // end of the zone; an order outside 0..31 could alias another state, or the CACHED bit,
        // in the byte, so it is tested). A free buddy sends the free to freeSlow even at maxOrder,
        // where freeSlow does not merge it: rare, and one test fewer here. No counter changes, as
        // in tryAllocate. Everything else (a merge, another zone, an invalid free) goes to
        // freeSlow, which validates again and is kept out of line like allocateSlow.
        long pfn = pa >>> SHIFT;
        final byte[] meta = meta0;
        final long base = base0;
        long d = pfn - base;
        int i = (int) d;
        if ((d >>> 31) == 0 && i < meta.length && ((pa & PhysicalMemory.PAGE_MASK) | (order & ~ORDER_MASK)) == 0) {
            // the buddy's index in int arithmetic: pfn ^ 2^order lies 2^order above or below
            int bit = 1 << order;
            // (without a branch: which one is random)
            int bi = i + bit - 2 * ((int) pfn & bit);
            if (meta[i] == meta(ALLOCATED, order)
                    && (bi < 0 || bi >= meta.length || meta[bi] != meta(FREE, order))) {
                final int[] a = ints0;
                int t = a[TOPS + order];
                a[t] = i;
                a[SLOTS + i] = t;
                a[TOPS + order] = t + 1;
                meta[i] = meta(FREE, order);
                return;
            }
        }
        freeSlow(pa, order);
    }

    /**
     * Every free the hot path of {@link #free(long, int)} does not complete: finds the zone and
     * tests the free as the hot path does (a refusal goes to {@link #checkFree}, which throws the
     * exact exception before anything changes), then merges the block with its buddy while
     * the buddy is a FREE head of the same order, up to the maximum order, and pushes the result.
     * Written out in one method (the unlinks and the push inline) so that C2 compiles it on its
     * own rather than inline; it must stay above C2's FreqInlineSize (325 bytecodes), which
     * {@code BuddyAllocatorCodeShapeTest} checks.
     */
    private void freeSlow(long pa, int order) {
        long pfn = pa >>> SHIFT;
        Zone z = null;
        for (Zone c : zones) {
            if (pfn >= c.basePfn && pfn < c.limitPfn) {
                z = c;
                break;
            }
        }
        if (z == null || ((pa & PhysicalMemory.PAGE_MASK) | (order & ~ORDER_MASK)) != 0
                || z.meta[(int) (pfn - z.basePfn)] != meta(ALLOCATED, order)) {
            refuseFree(pa, order);
        }
        final byte[] meta = z.meta;
        final int[] a = z.ints;
        final long base = z.basePfn;
        blocks[order]--;
        int k = order;
        meta[(int) (pfn - base)] = NONE;
        while (k < maxOrder) {
            long bd = (pfn ^ (1L << k)) - base;
            if (bd < 0 || bd >= meta.length || meta[(int) bd] != meta(FREE, k)) {
                break;
            }
            // take the buddy off its stack: the top entry fills its place
            int bi = (int) bd;
            int t = a[TOPS + k] - 1;
            int p = a[SLOTS + bi];
            int last = a[t];
            a[p] = last;
            a[SLOTS + last] = p;
            a[TOPS + k] = t;
            meta[bi] = NONE;
            blocks[k]--;
            pfn &= ~(1L << k);
            k++;
        }
        // push the merged block
        int i = (int) (pfn - base);
        int top = a[TOPS + k];
        a[top] = i;
        a[SLOTS + i] = top;
        a[TOPS + k] = top + 1;
        meta[i] = meta(FREE, k);
        blocks[k]++;
    }

    /** The fast path refused a free: throw the exact exception (never returns). */
    void refuseFree(long pa, int order) {
        checkFree(pa, order);
        throw new IllegalStateException("buddy allocator corrupted: free of " + LevitateException.hex(pa) + " rejected without a reason");
    }

    /** Validates a free in the documented order and throws the exception that says why it is refused. */
    private void checkFree(long pa, int order) {
        if (order < 0 || order > maxOrder) {
            // not a state the allocator could be in (an InvalidFreeException) but an argument outside
            // the domain, as for allocate: the PageAllocator contract's IllegalArgumentException
            throw new IllegalArgumentException("free of " + LevitateException.hex(pa) + " order " + order
                    + ": the order is outside 0.." + maxOrder);
        }
        long size = (long) PhysicalMemory.PAGE_SIZE << order;
        if ((pa & (size - 1)) != 0) {
            throw new MisalignedFrameException(pa, order, "an order-" + order + " block is aligned to " + size + " bytes");
        }
        long pfn = pa >>> SHIFT;
        Zone z = zoneOf(pfn);
        if (z == null || pa < 0) {
            throw new ForeignFrameException(pa, order, "not in RAM managed by this allocator " + describeZones());
        }
        if (pfn + (1L << order) > z.limitPfn) {
            throw new ForeignFrameException(pa, order, "the block reaches past the end of its region at "
                    + LevitateException.hex(z.limitPfn << SHIFT));
        }
        int i = (int) (pfn - z.basePfn);
        if (!z.isHead(i, ALLOCATED, order)) {
            rejectFree(z, i, pa, order, pfn);
        }
    }

    /** The free is invalid: say exactly why (the slow path, off the hot path). */
    private void rejectFree(Zone z, int i, long pa, int order, long pfn) {
        if (z.meta[i] == CACHED) {
            throw new DoubleFreeException(pa, order, "the frame is free, held in a frame cache");
        }
        int st = z.state(i);
        if (st == RESERVED) {
            throw new ReservedFrameException(pa, order, "the frame is reserved and was never allocated");
        }
        if (st == FREE) {
            throw new DoubleFreeException(pa, order, "the block is already free (order " + z.order(i) + ")");
        }
        if (st == ALLOCATED) {
            throw new WrongOrderException(pa, order, "it was allocated with order " + z.order(i));
        }
        rejectInterior(z, pa, order, pfn);
    }

    /** The frame is no block head: say which block it is inside, free or allocated. */
    private void rejectInterior(Zone z, long pa, int order, long pfn) {
        for (int k = 1; k <= maxOrder; k++) {
            long h = pfn & -(1L << k);
            if (!z.containsPfn(h)) {
                break;
            }
            int hi = (int) (h - z.basePfn);
            if (z.isHead(hi, FREE, k) || z.isHead(hi, ALLOCATED, k)) {
                String where = "it lies inside the order-" + k + " block at " + LevitateException.hex(h << SHIFT);
                if (z.state(hi) == FREE) {
                    throw new DoubleFreeException(pa, order, where + ", which is free");
                }
                throw new WrongOrderException(pa, order, where + ", which is allocated");
            }
        }
        throw new IllegalStateException("buddy allocator corrupted: frame " + LevitateException.hex(pa) + " is in no block");
    }

    // ------------------------------------------------------------------ hooks of FrameCache

    /**
     * Records that a {@link FrameCache} now fronts this allocator.
     *
     * @throws IllegalArgumentException if one already does
     */
    void attachCache() {
        if (cacheAttached) {
            throw new IllegalArgumentException("this buddy allocator already has a frame cache");
        }
        cacheAttached = true;
    }

    /**
     * The frame bytes of the lowest region, for {@link FrameCache}'s inline fast paths (index =
     * frame number minus {@link #firstZoneBasePfn()}); the array is the allocator's own.
     */
    byte[] firstZoneMeta() {
        return first.meta;
    }

    /** The frame number of the lowest region's first frame. */
    long firstZoneBasePfn() {
        return first.basePfn;
    }

    /** The memory blocks are zeroed in on allocation, or null. */
    PhysicalMemory zeroTarget() {
        return zeroTarget;
    }

    /** The zone holding {@code pfn}, the first zone tested inline; null if none does. */
    private Zone zoneFor(long pfn) {
        Zone z = first;
        long d = pfn - z.basePfn;
        return d >= 0 && d < z.frames ? z : zoneOf(pfn);
    }

    /**
     * A frame freed to the cache: if {@code pa} is an allocated order-0 block (and not cached),
     * marks it CACHED and returns true; otherwise changes nothing and returns false.
     */
    boolean cacheFreedFrame(long pa) {
        long pfn = pa >>> SHIFT;
        Zone z = zoneFor(pfn);
        if (z == null || (pa & PhysicalMemory.PAGE_MASK) != 0) {
            return false;
        }
        final byte[] meta = z.meta;
        int i = (int) (pfn - z.basePfn);
        if (meta[i] != meta(ALLOCATED, 0)) {
            return false;
        }
        meta[i] = CACHED;
        return true;
    }

    /** The cached frame {@code pa} leaves the cache for a caller: allocated order 0 again (the cache zeroes it). */
    void uncacheFrame(long pa) {
        long pfn = pa >>> SHIFT;
        Zone z = zoneFor(pfn);
        z.meta[(int) (pfn - z.basePfn)] = meta(ALLOCATED, 0);
    }

    /** The cached frame {@code pa} goes back to the free stacks (merging with its buddies). */
    void releaseCachedFrame(long pa) {
        long pfn = pa >>> SHIFT;
        Zone z = zoneFor(pfn);
        int i = z == null ? -1 : (int) (pfn - z.basePfn);
        if (i < 0 || z.meta[i] != CACHED) {
            throw new IllegalStateException("frame cache corrupted: " + LevitateException.hex(pa) + " is not a cached frame");
        }
        z.meta[i] = meta(ALLOCATED, 0);
        free(pa, 0);
    }

    /**
     * Takes one frame for the cache, as {@code tryAllocate(0)} would choose it (lowest zone,
     * smallest order, LIFO), marked CACHED and not zeroed (it is zeroed when the cache hands it
     * out); {@link #NO_FRAME} if none is free.
     */
    long allocateForCache() {
        for (Zone z : zones) {
            int j = 0;
            while (j <= maxOrder && z.isEmpty(j)) {
                j++;
            }
            if (j <= maxOrder) {
                int i = z.pop(j);
                blocks[j]--;
                while (j > 0) {
                    j--;
                    z.push(i + (1 << j), j);
                    blocks[j]++;
                }
                z.meta[i] = CACHED;
                blocks[0]++;
                return (z.basePfn + i) << SHIFT;
            }
        }
        return NO_FRAME;
    }

    /**
     * Tells whether the naturally aligned block of {@code 2^order} frames that holds the cached
     * frame {@code pa} would be wholly free once every cached frame went back to the free stacks:
     * each of its frames is CACHED or lies in a FREE block that starts inside it. Walks the block
     * a free block or a cached frame at a time, so it costs the pieces the block is made of, not
     * its frames. Changes nothing. For {@link FrameCache}, which drains only when draining serves
     * the allocation (a refused allocation changes nothing).
     */
    boolean freeOnceCacheDrains(long pa, int order) {
        long pfn = pa >>> SHIFT;
        Zone z = zoneFor(pfn);
        if (z == null) {
            return false;
        }
        long head = pfn & -(1L << order);
        long end = head + (1L << order);
        if (head < z.basePfn || end > z.limitPfn) {
            return false;
        }
        final byte[] meta = z.meta;
        long p = head;
        while (p < end) {
            int i = (int) (p - z.basePfn);
            if (meta[i] == CACHED) {
                p++;
            } else if (z.state(i) == FREE) {
                p += 1L << z.order(i);
            } else {
                return false;
            }
        }
        return true;
    }

    /** Tells whether {@code pa} is a frame held by the cache. */
    boolean isCachedFrame(long pa) {
        long pfn = pa >>> SHIFT;
        Zone z = zoneFor(pfn);
        return z != null && (pa & PhysicalMemory.PAGE_MASK) == 0 && z.meta[(int) (pfn - z.basePfn)] == CACHED;
    }

    /** Counts the CACHED frames by a full scan (for invariant checks). */
    long countCachedFrames() {
        long n = 0;
        for (Zone z : zones) {
            for (byte m : z.meta) {
                if (m == CACHED) {
                    n++;
                }
            }
        }
        return n;
    }

    private Zone zoneOf(long pfn) {
        for (Zone z : zones) {
            if (z.containsPfn(pfn)) {
                return z;
            }
        }
        return null;
    }

    private String describeZones() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < zones.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('[').append(LevitateException.hex(zones[i].basePfn << SHIFT)).append(", ")
                    .append(LevitateException.hex(zones[i].limitPfn << SHIFT)).append(')');
        }
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------ queries

    @Override
    public int maxOrder() {
        return maxOrder;
    }

    /** {@inheritDoc} O(maxOrder) per region: the sum of the free stacks' heights times their blocks' sizes. */
    @Override
    public long freeFrames() {
        long free = 0;
        for (Zone z : zones) {
            for (int k = 0; k <= maxOrder; k++) {
                free += (long) z.count(k) << k;
            }
        }
        return free;
    }

    /** {@inheritDoc} O(maxOrder) per region: all frames but the free ones. */
    @Override
    public long usedFrames() {
        return totalFrames - freeFrames();
    }

    /** The number of allocated blocks of each order: the blocks of that order less the free ones. */
    private long[] usedBlockCounts() {
        long[] out = freeBlockCounts();
        for (int k = 0; k <= maxOrder; k++) {
            out[k] = blocks[k] - out[k];
        }
        return out;
    }

    /** The number of free blocks of each order, summed over the zones. */
    private long[] freeBlockCounts() {
        long[] out = new long[maxOrder + 1];
        for (Zone z : zones) {
            for (int k = 0; k <= maxOrder; k++) {
                out[k] += z.count(k);
            }
        }
        return out;
    }

    @Override
    public AllocatorStats stats() {
        long used = usedFrames();
        return new AllocatorStats(freeBlockCounts(), usedBlockCounts(), totalFrames - used, used);
    }

    /**
     * Tells whether {@code pa} is the start of a block allocated with {@code order} — the block a
     * later {@code free(pa, order)} would accept.
     *
     * @param pa a physical address
     * @param order an order
     * @return true if that block is allocated
     */
    public boolean isAllocated(long pa, int order) {
        if ((pa & PhysicalMemory.PAGE_MASK) != 0 || order < 0 || order > maxOrder) {
            return false;
        }
        Zone z = zoneOf(pa >>> SHIFT);
        if (z == null) {
            return false;
        }
        int i = (int) ((pa >>> SHIFT) - z.basePfn);
        return z.isHead(i, ALLOCATED, order);
    }

    /**
     * Returns the addresses of the free blocks of one order, sorted ascending. Walks the free
     * lists: for tests, statistics and pictures, not for hot paths.
     *
     * @param order the order
     * @return the free blocks' physical addresses
     * @throws IllegalArgumentException if the order is outside 0..maxOrder
     */
    public long[] freeBlocks(int order) {
        if (order < 0 || order > maxOrder) {
            throw new IllegalArgumentException("order " + order + " is outside 0.." + maxOrder);
        }
        long[] out = new long[(int) freeBlockCounts()[order]];
        int n = 0;
        for (Zone z : zones) {
            for (int p = z.bottom[order]; p < z.ints[TOPS + order]; p++) {
                out[n++] = (z.basePfn + z.ints[p]) << SHIFT;
            }
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * Checks every invariant by a full scan: each free stack sits on its sentinel within its
     * capacity and holds FREE heads of its order whose slots point back at them, and the orders
     * above maxOrder have empty stacks; blocks tile the non-reserved frames exactly, every
     * FREE head is on its stack; no two free buddies of the same order sit unmerged; the counters
     * match. For tests; O(frames).
     *
     * @throws IllegalStateException naming the first broken invariant and the frame involved
     */
    public void checkInvariants() {
        long free = 0;
        long used = 0;
        long[] fb = new long[maxOrder + 1];
        long[] ub = new long[maxOrder + 1];
        for (Zone z : zones) {
            for (int k = 0; k <= maxOrder; k++) {
                int end = k < maxOrder ? z.bottom[k + 1] - 1 : z.ints.length;
                int top = z.ints[TOPS + k];
                if (top < z.bottom[k] || top > end || z.ints[z.bottom[k] - 1] != -1) {
                    throw new IllegalStateException("free stack " + k + " overflows or lost its sentinel: " + z.count(k) + " blocks");
                }
                for (int p = z.bottom[k]; p < top; p++) {
                    int i = z.ints[p];
                    if (i < 0 || i >= z.frames || !z.isHead(i, FREE, k) || z.ints[SLOTS + i] != p) {
                        throw new IllegalStateException("free stack " + k + " is broken at position " + p);
                    }
                }
                fb[k] -= z.count(k);
            }
            for (int k = maxOrder + 1; k <= ORDER_MASK; k++) {
                if (z.ints[TOPS + k] != z.bottom[0]) {
                    throw new IllegalStateException("order " + k + ", above the maximum order, has a free stack");
                }
            }
            int i = 0;
            while (i < z.frames) {
                int st = z.state(i);
                if (st == RESERVED) {
                    i++;
                    continue;
                }
                long pa = (z.basePfn + i) << SHIFT;
                if (st == NONE) {
                    throw new IllegalStateException("frame " + LevitateException.hex(pa) + " is in no block");
                }
                int k = z.order(i);
                long pfn = z.basePfn + i;
                if ((pfn & ((1L << k) - 1)) != 0 || i + (1L << k) > z.frames) {
                    throw new IllegalStateException("block " + LevitateException.hex(pa) + " order " + k + " is misaligned or past its region");
                }
                for (int j = i + 1; j < i + (1 << k); j++) {
                    if (z.meta[j] != NONE) {
                        throw new IllegalStateException("block " + LevitateException.hex(pa) + " order " + k + " overlaps frame "
                                + LevitateException.hex((z.basePfn + j) << SHIFT));
                    }
                }
                if (st == FREE) {
                    free += 1L << k;
                    fb[k]++;
                    long buddy = pfn ^ (1L << k);
                    if (k < maxOrder && z.containsPfn(buddy)) {
                        int bi = (int) (buddy - z.basePfn);
                        if (z.isHead(bi, FREE, k)) {
                            throw new IllegalStateException("free buddies " + LevitateException.hex(pa) + " and "
                                    + LevitateException.hex(buddy << SHIFT) + " of order " + k + " were not merged");
                        }
                    }
                } else {
                    used += 1L << k;
                    ub[k]++;
                }
                i += 1 << k;
            }
        }
        if (free != freeFrames() || used != usedFrames() || !Arrays.equals(fb, new long[maxOrder + 1]) || !Arrays.equals(ub, usedBlockCounts())) {
            throw new IllegalStateException("counters disagree with a rescan: free " + freeFrames() + " vs " + free
                    + ", used " + usedFrames() + " vs " + used);
        }
    }

    @Override
    public String toString() {
        return "BuddyAllocator" + describeZones() + " maxOrder=" + maxOrder + ": " + stats();
    }
}
