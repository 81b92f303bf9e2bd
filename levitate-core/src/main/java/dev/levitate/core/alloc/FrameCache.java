package dev.levitate.core.alloc;

import dev.levitate.core.LevitateException;
import dev.levitate.core.mem.PhysicalMemory;
import java.util.Arrays;

/**
 * A small LIFO cache of free 4 KiB frames in front of a {@link BuddyAllocator}, after Linux's
 * per-CPU page lists ("pcp" lists in {@code mm/page_alloc.c}): order-0 frames that are freed go
 * onto the cache instead of merging back into the buddy, and order-0 allocations take the most
 * recently freed frame from it, so a workload that keeps taking and giving back single frames
 * (page tables built and torn down) never splits and re-merges buddy blocks.
 *
 * <h2>Rules (as Linux's lists)</h2>
 * <ul>
 *   <li><b>Free of order 0</b>: after the same validation as {@link BuddyAllocator#free(long, int)},
 *       the frame is pushed on the cache. When the cache then holds more than {@link #high()}
 *       frames, the {@link #batch()} oldest (the coldest) go back to the buddy, where they merge.</li>
 *   <li><b>Allocation of order 0</b>: pops the most recently freed frame. When the cache is empty
 *       it is refilled first with up to {@link #batch()} frames taken from the buddy, in the order
 *       the buddy would hand them out.</li>
 *   <li><b>Higher orders</b> go to the buddy. When the buddy has no block of the order but
 *       draining the cache would make one (an aligned block of the order whose every frame is
 *       cached or free in the buddy), the cache is drained into it (its frames merge) and the
 *       allocation is tried once more. When draining would not help, the cache is left alone.</li>
 * </ul>
 *
 * <h2>Contract</h2>
 * The {@link PageAllocator} contract holds exactly as for the buddy alone. Every free is validated
 * as strictly as the buddy's, and a rejected free throws the exception the buddy without a cache
 * would throw and changes nothing; in particular freeing a frame that sits in the cache is a
 * {@link DoubleFreeException} (the buddy keeps a per-frame "cached" bit in its frame metadata,
 * so the test is one byte compare, as the buddy's own). Statistics count cached frames as free
 * order-0 blocks ({@link #stats()}, {@link #freeFrames()}, {@link #usedFrames()}); after
 * {@link #drain()} the buddy is in exactly the state it would be in without the cache, given
 * the same allocated blocks (a buddy's free blocks are determined by its allocated ones: free
 * buddies always merge). A buddy built with {@link BuddyAllocator.Builder#zeroOnAllocate} zeroes
 * frames served from the cache too. As the contract says, an allocation that returns
 * {@link #NO_FRAME} (or throws {@link OutOfFramesException}) changes nothing: not the statistics,
 * not the buddy's free blocks, not the cache — it drains only when the drain serves the request.
 *
 * <h2>Cost</h2>
 * Order-0 allocation and free are O(1) when the cache neither runs empty nor overflows: a push or
 * pop on a {@code long[]} and one byte of the buddy's metadata. Nothing is allocated on the heap
 * after construction.
 *
 * <h2>Threads</h2>
 * Not thread-safe: the cache and its buddy belong to the thread that owns the kernel (Linux keeps
 * one list per CPU to avoid a lock; here there is one owner). Once a cache fronts a buddy, use
 * the buddy only through the cache, or its statistics will count cached frames as used.
 */
public final class FrameCache implements PageAllocator {

    /** The default {@link #batch()}: frames moved between cache and buddy at a time. */
    public static final int DEFAULT_BATCH = 31;
    /** The default {@link #high()}: the most frames the cache keeps (six batches, as Linux's default). */
    public static final int DEFAULT_HIGH = 6 * DEFAULT_BATCH;
    /** The largest {@link #high()} accepted. */
    public static final int MAX_HIGH = 1 << 20;

    private final BuddyAllocator buddy;
    private final int batch;
    private final int high;
    /** The cached frames, a stack: {@code [0]} the oldest, {@code [count - 1]} the most recently freed. */
    private final long[] frames;
    private int count;
    /**
     * The buddy's frame bytes of its lowest region and that region's first frame number: the fast
     * paths test and set a frame's byte there directly (other regions go through the buddy).
     */
    private final byte[] meta0;
    private final long base0;
    /** The memory frames are zeroed in when handed out, or null. */
    private final PhysicalMemory zeroTarget;

    /**
     * Puts a cache with the default batch ({@value #DEFAULT_BATCH}) and high watermark
     * ({@value #DEFAULT_HIGH}) in front of a buddy allocator.
     *
     * @param buddy the allocator to cache for; from now on use it through this cache
     * @throws IllegalArgumentException if the buddy already has a cache
     */
    public FrameCache(BuddyAllocator buddy) {
        this(buddy, DEFAULT_BATCH, DEFAULT_HIGH);
    }

    /**
     * Puts a cache in front of a buddy allocator.
     *
     * @param buddy the allocator to cache for; from now on use it through this cache
     * @param batch how many frames a refill takes from the buddy and an overflow gives back, at least 1
     * @param high the most frames the cache keeps, {@code batch..}{@value #MAX_HIGH}
     * @throws IllegalArgumentException if the batch or the high watermark is out of range, or the
     *     buddy already has a cache
     */
    public FrameCache(BuddyAllocator buddy, int batch, int high) {
        if (batch < 1 || high < batch || high > MAX_HIGH) {
            throw new IllegalArgumentException("frame cache batch " + batch + " and high watermark " + high
                    + ": need 1 <= batch <= high <= " + MAX_HIGH);
        }
        buddy.attachCache();
        this.buddy = buddy;
        this.batch = batch;
        this.high = high;
        this.frames = new long[high + 1];
        this.meta0 = buddy.firstZoneMeta();
        this.base0 = buddy.firstZoneBasePfn();
        this.zeroTarget = buddy.zeroTarget();
    }

    // ------------------------------------------------------------------ allocate

    /**
     * {@inheritDoc}
     *
     * <p>Order 0: the most recently freed frame of the cache, after a refill of up to
     * {@link #batch()} frames from the buddy if the cache is empty. Other orders: the buddy's
     * block; if it has none and draining the cache would make one, the cache is drained into the
     * buddy and the buddy asked again. {@link #NO_FRAME} comes back with nothing changed.
     * Frames are zeroed if the buddy zeroes on allocation.
     */
    @Override
    public long tryAllocate(int order) {
        if (order == 0) {
            int n = count;
            if (n == 0) {
                n = refill();
                if (n == 0) {
                    return NO_FRAME;
                }
            }
            n--;
            count = n;
            long pa = frames[n];
            long i = (pa >>> PhysicalMemory.PAGE_SHIFT) - base0;
            final byte[] m = meta0;
            if (i >= 0 && i < m.length) {
                m[(int) i] = BuddyAllocator.ALLOCATED_FRAME;
            } else {
                buddy.uncacheFrame(pa);
            }
            if (zeroTarget != null) {
                zeroTarget.zero(pa, FRAME_SIZE);
            }
            return pa;
        }
        return allocateBlock(order);
    }

    /**
     * An order other than 0: from the buddy; if it has no block, drains the cache into it and asks
     * again, but only when the drain makes a block of the order, so that a refusal changes nothing.
     */
    private long allocateBlock(int order) {
        long pa = buddy.tryAllocate(order);
        if (pa == NO_FRAME && count != 0 && drainWouldServe(order)) {
            drain();
            pa = buddy.tryAllocate(order);
        }
        return pa;
    }

    /**
     * Tells whether draining would give the buddy a free block of {@code order}: the buddy has
     * none now, so such a block must hold a cached frame; each cached frame's aligned block of
     * the order is tested (O(cached frames x pieces of the block), only on the failure path).
     */
    private boolean drainWouldServe(int order) {
        for (int i = 0; i < count; i++) {
            if (buddy.freeOnceCacheDrains(frames[i], order)) {
                return true;
            }
        }
        return false;
    }

    /** Fills the empty cache with up to {@link #batch} frames from the buddy; returns how many. */
    private int refill() {
        int n = 0;
        while (n < batch) {
            long pa = buddy.allocateForCache();
            if (pa == NO_FRAME) {
                break;
            }
            frames[n++] = pa;
        }
        // the frame the buddy gave first goes on top, so the cache hands them out in its order
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            long t = frames[i];
            frames[i] = frames[j];
            frames[j] = t;
        }
        count = n;
        return n;
    }

    // ------------------------------------------------------------------ free

    /**
     * {@inheritDoc}
     *
     * <p>Order 0: validated as the buddy validates it, then pushed on the cache; if the cache then
     * holds more than {@link #high()} frames, its {@link #batch()} oldest go back to the buddy.
     * Other orders go straight to the buddy. A frame that is in the cache is free: freeing it
     * again throws {@link DoubleFreeException}, whatever the order.
     */
    @Override
    public void free(long pa, int order) {
        long i = (pa >>> PhysicalMemory.PAGE_SHIFT) - base0;
        final byte[] m = meta0;
        if (order == 0 && (pa & PhysicalMemory.PAGE_MASK) == 0 && i >= 0 && i < m.length && m[(int) i] == BuddyAllocator.ALLOCATED_FRAME) {
            m[(int) i] = BuddyAllocator.CACHED;
        } else if (order != 0 || !buddy.cacheFreedFrame(pa)) {
            freeBlock(pa, order);
            return;
        }
        int n = count;
        frames[n] = pa;
        count = ++n;
        if (n > high) {
            spill();
        }
    }

    /** Not a valid order-0 free to cache: a block of another order, or an invalid free (throws). */
    private void freeBlock(long pa, int order) {
        if (order == 0) {
            buddy.refuseFree(pa, 0);
        }
        buddy.free(pa, order);
    }

    /** Gives the {@link #batch} oldest frames back to the buddy. */
    private void spill() {
        for (int i = 0; i < batch; i++) {
            buddy.releaseCachedFrame(frames[i]);
        }
        System.arraycopy(frames, batch, frames, 0, count - batch);
        count -= batch;
    }

    /**
     * Gives every cached frame back to the buddy, where it merges with its buddies. Afterwards the
     * buddy's free blocks are exactly what they would be had there never been a cache, given the
     * blocks allocated now. Linux drains its per-CPU lists the same way when a higher-order
     * allocation fails; {@link #tryAllocate(int)} does that itself when the drain serves it.
     *
     * @return the number of frames given back
     */
    public int drain() {
        int n = count;
        // oldest first, so frames merge in the order they were freed
        for (int i = 0; i < n; i++) {
            buddy.releaseCachedFrame(frames[i]);
        }
        count = 0;
        return n;
    }

    // ------------------------------------------------------------------ queries

    /**
     * Returns the number of frames in the cache (free, but not on the buddy's free lists).
     *
     * @return cached frames, {@code 0..high()}
     */
    public int cachedFrames() {
        return count;
    }

    /**
     * Returns how many frames a refill takes from the buddy and an overflow gives back.
     *
     * @return the batch
     */
    public int batch() {
        return batch;
    }

    /**
     * Returns the high watermark: the most frames the cache keeps.
     *
     * @return the high watermark
     */
    public int high() {
        return high;
    }

    /**
     * Returns the buddy allocator behind the cache (its own statistics count cached frames as
     * allocated; use it for inspection, or after {@link #drain()}).
     *
     * @return the buddy
     */
    public BuddyAllocator buddy() {
        return buddy;
    }

    @Override
    public int maxOrder() {
        return buddy.maxOrder();
    }

    /** {@inheritDoc} Cached frames count as free. O(maxOrder). */
    @Override
    public long freeFrames() {
        return buddy.freeFrames() + count;
    }

    /** {@inheritDoc} Cached frames do not count as used. O(maxOrder). */
    @Override
    public long usedFrames() {
        return buddy.usedFrames() - count;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each cached frame counts as a free order-0 block, and not as a used one.
     */
    @Override
    public AllocatorStats stats() {
        AllocatorStats s = buddy.stats();
        long[] free = s.freeBlocksPerOrder();
        long[] used = s.usedBlocksPerOrder();
        free[0] += count;
        used[0] -= count;
        return new AllocatorStats(free, used, s.freeFrames() + count, s.usedFrames() - count);
    }

    /**
     * Tells whether {@code pa} is the start of a block allocated with {@code order} and not in the
     * cache — the block a later {@code free(pa, order)} would accept.
     *
     * @param pa a physical address
     * @param order an order
     * @return true if that block is allocated
     */
    public boolean isAllocated(long pa, int order) {
        return buddy.isAllocated(pa, order);
    }

    /**
     * Checks every invariant: the buddy's ({@link BuddyAllocator#checkInvariants()}), and that the
     * cache holds distinct frames, each marked cached in the buddy, and no other frame is marked.
     * For tests; O(frames).
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    public void checkInvariants() {
        buddy.checkInvariants();
        long[] held = Arrays.copyOf(frames, count);
        Arrays.sort(held);
        for (int i = 0; i < held.length; i++) {
            if (!buddy.isCachedFrame(held[i]) || (i > 0 && held[i] == held[i - 1])) {
                throw new IllegalStateException("frame cache holds " + LevitateException.hex(held[i])
                        + " twice or unmarked");
            }
        }
        if (buddy.countCachedFrames() != count) {
            throw new IllegalStateException("the buddy marks " + buddy.countCachedFrames() + " frames cached, the cache holds " + count);
        }
    }

    @Override
    public String toString() {
        return "FrameCache(" + count + " of " + high + " frames, batch " + batch + ") over " + buddy;
    }
}
