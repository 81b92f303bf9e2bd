package dev.levitate.testkit;

import dev.levitate.core.alloc.AllocatorStats;
import dev.levitate.core.alloc.PageAllocator;
import java.util.Collections;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link PageAllocator} wrapper that remembers which order-0 frames are out (to compare with
 * the tables reachable from a root: no leak, no dangling table) and can be told to fail the k-th
 * allocation from now (failure injection).
 */
public final class TrackingAllocator implements PageAllocator {
    private final PageAllocator inner;
    private final Set<Long> live = new HashSet<>();
    private long failCountdown = -1;
    private final java.util.List<Long> foreign = new java.util.ArrayList<>();

    /**
     * Wraps an allocator.
     *
     * @param inner the real allocator
     */
    public TrackingAllocator(PageAllocator inner) {
        this.inner = Objects.requireNonNull(inner);
    }

    /**
     * Makes the {@code k}-th allocation from now fail (1 = the next one), and every later one until
     * {@link #stopFailing()}.
     *
     * @param k at least 1
     */
    public void failAt(long k) {
        this.failCountdown = k;
    }

    /** Ends failure injection. */
    public void stopFailing() {
        this.failCountdown = -1;
    }

    @Override
    public long tryAllocate(int order) {
        if (failCountdown > 0 && --failCountdown == 0) {
            failCountdown = 0;
            return NO_FRAME;
        }
        if (failCountdown == 0) {
            return NO_FRAME;
        }
        long pa = inner.tryAllocate(order);
        if (pa != NO_FRAME && order == 0) {
            live.add(pa);
        }
        return pa;
    }

    @Override
    public void free(long pa, int order) {
        if (order == 0 && !live.contains(pa)) {
            foreign.add(pa);
            throw new AssertionError("[foreignFree] frame " + dev.levitate.core.LevitateException.hex(pa)
                    + " was freed to the allocator, which never handed it out (or already took it back): a boot-time table"
                    + " reclaimed, or a double free (nothing was forwarded)");
        }
        inner.free(pa, order);
        if (order == 0) {
            live.remove(pa);
        }
    }

    /**
     * Returns the order-0 frames freed through this wrapper that it never handed out (or handed out
     * and already took back): a boot-time table reclaimed, a double free. Such a free is not forwarded:
     * it throws {@link AssertionError} naming the frame, and is remembered here.
     *
     * @return the frames, in the order they were freed
     */
    public java.util.List<Long> foreignFrees() {
        return java.util.List.copyOf(foreign);
    }

    /**
     * Returns the order-0 frames handed out and not freed.
     *
     * @return an unmodifiable view
     */
    public Set<Long> liveFrames() {
        return Collections.unmodifiableSet(live);
    }

    @Override
    public int maxOrder() {
        return inner.maxOrder();
    }

    @Override
    public long freeFrames() {
        return inner.freeFrames();
    }

    @Override
    public long usedFrames() {
        return inner.usedFrames();
    }

    @Override
    public AllocatorStats stats() {
        return inner.stats();
    }
}
