package dev.levitate.core.alloc;

/**
 * Allocates physical page frames: 4 KiB frames for page tables ({@link #allocatePage()} and
 * {@link #freePage(long)}) and naturally aligned blocks of 2<sup>order</sup> frames
 * ({@link #allocate(int)} and {@link #free(long, int)}).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A frame is a {@code long} physical address. A block of order {@code k} is
 *       {@code 4096 << k} bytes long and aligned to its own size.</li>
 *   <li>Every free is validated. A double free, a wrong order (an order in {@code 0..maxOrder()}
 *       other than the one the block was allocated with), a misaligned or foreign address, or a
 *       reserved frame throws an {@link InvalidFreeException} subclass and changes nothing.</li>
 *   <li>An order outside {@code 0..maxOrder()} is an argument no allocator state could make valid:
 *       {@link #allocate(int)}, {@link #tryAllocate(int)} and {@link #free(long, int)} all throw
 *       {@link IllegalArgumentException} for it, and change nothing.</li>
 *   <li>Running out of frames throws {@link OutOfFramesException} from {@link #allocate(int)}, or
 *       returns {@link #NO_FRAME} from {@link #tryAllocate(int)}; either way nothing changes: the
 *       statistics, the free blocks and (for a caching allocator) the cache are as before.</li>
 *   <li>Implementations are not thread-safe unless they say so: an allocator belongs to the
 *       thread that owns the kernel.</li>
 * </ul>
 */
public interface PageAllocator {

    /** The sentinel {@link #tryAllocate(int)} returns when no block of the order is free. */
    long NO_FRAME = -1L;

    /** The size of an order-0 block (one frame), 4096 bytes. */
    int FRAME_SIZE = 4096;

    /**
     * Allocates one 4 KiB frame (order 0).
     *
     * @return the frame's physical address, 4 KiB aligned
     * @throws OutOfFramesException if no frame is free
     */
    default long allocatePage() {
        return allocate(0);
    }

    /**
     * Frees one 4 KiB frame that {@link #allocatePage()} (or {@code allocate(0)}) returned.
     *
     * @param pa the frame's physical address
     * @throws InvalidFreeException if the frame is not an allocated order-0 block of this allocator
     */
    default void freePage(long pa) {
        free(pa, 0);
    }

    /**
     * Allocates a naturally aligned block of {@code 2^order} frames.
     *
     * @param order the order, {@code 0..maxOrder()}
     * @return the block's physical address, aligned to {@code 4096 << order}
     * @throws OutOfFramesException if no block of that order can be made
     * @throws IllegalArgumentException if the order is outside {@code 0..maxOrder()}
     */
    default long allocate(int order) {
        long pa = tryAllocate(order);
        if (pa == NO_FRAME) {
            throw new OutOfFramesException(order, freeFrames());
        }
        return pa;
    }

    /**
     * Allocates a block of {@code 2^order} frames, or returns {@link #NO_FRAME}; the
     * exception-free form for hot paths.
     *
     * @param order the order, {@code 0..maxOrder()}
     * @return the block's physical address, or {@link #NO_FRAME} if none can be made
     * @throws IllegalArgumentException if the order is outside {@code 0..maxOrder()}
     */
    long tryAllocate(int order);

    /**
     * Frees a block that {@link #allocate(int)} returned, with the same order.
     *
     * @param pa the block's physical address
     * @param order the order it was allocated with
     * @throws DoubleFreeException if the block is already free
     * @throws WrongOrderException if the block was allocated with another order (in {@code 0..maxOrder()})
     * @throws MisalignedFrameException if {@code pa} is not aligned to the block size
     * @throws ForeignFrameException if {@code pa} is not RAM managed by this allocator
     * @throws ReservedFrameException if {@code pa} is in a reserved range
     * @throws IllegalArgumentException if the order is outside {@code 0..maxOrder()}
     */
    void free(long pa, int order);

    /**
     * Returns the highest order this allocator hands out.
     *
     * @return the maximum order
     */
    int maxOrder();

    /**
     * Returns the number of free frames (order-0 units) right now.
     *
     * @return free frames
     */
    long freeFrames();

    /**
     * Returns the number of allocated frames (order-0 units) right now.
     *
     * @return used frames
     */
    long usedFrames();

    /**
     * Returns the number of frames this allocator manages (free plus used, never reserved ones).
     *
     * @return total frames
     */
    default long totalFrames() {
        return freeFrames() + usedFrames();
    }

    /**
     * Returns a snapshot of the statistics: free blocks per order, free and used frames.
     *
     * @return a fresh, immutable snapshot
     */
    AllocatorStats stats();
}
