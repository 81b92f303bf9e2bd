package dev.levitate.core.mem;

/**
 * Told when a watched page of {@link PhysicalMemory} is written, with the exact bytes written.
 *
 * <p>A simulator that caches decoded instructions per page watches the pages it decoded and drops
 * the instructions a write touched (self-modifying code, a loader, the kernel writing a task
 * image); data that shares a page with code costs a check, not a re-decode. Watching costs one
 * array load per write to an unwatched page.
 */
@FunctionalInterface
public interface PageWriteObserver {
    /**
     * Called after a write landed in a watched page (once per page a write spans). The page stays
     * watched until {@link PhysicalMemory#unwatchPage(long)} is called.
     *
     * @param pa the first physical address written in this page
     * @param length how many bytes were written in this page (1..4096)
     */
    void written(long pa, int length);
}
