package dev.levitate.core.mem;

/**
 * Told when a watched page of {@link PhysicalMemory} is written.
 *
 * <p>A simulator that caches decoded instructions per page watches the pages it decoded and drops
 * its cache when one is written (self-modifying code, a loader, the kernel writing a task image).
 * Watching costs one array load per write to an unwatched page.
 */
@FunctionalInterface
public interface PageWriteObserver {
    /**
     * Called after a write landed in a watched page. The page stays watched until
     * {@link PhysicalMemory#unwatchPage(long)} is called.
     *
     * @param pageBase the physical address of the written page, 4 KiB aligned
     */
    void pageWritten(long pageBase);
}
