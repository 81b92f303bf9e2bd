package dev.levitate.cli;

import dev.levitate.core.alloc.AllocatorStats;
import dev.levitate.core.alloc.PageAllocator;
import java.io.PrintWriter;

/** Prints a page allocator's free blocks per order as a small bar chart. */
final class FreeListPicture {
    private FreeListPicture() {
    }

    private static final String[] SIZES = {"4K", "8K", "16K", "32K", "64K", "128K", "256K", "512K", "1M", "2M", "4M", "8M",
        "16M", "32M", "64M", "128M", "256M", "512M", "1G", "2G", "4G"};

    static void print(PrintWriter out, PageAllocator frames) {
        AllocatorStats s = frames.stats();
        long[] free = s.freeBlocksPerOrder();
        out.println("   order  block  free blocks");
        for (int k = 0; k < free.length; k++) {
            if (free[k] == 0) {
                continue;
            }
            String size = k < SIZES.length ? SIZES[k] : (4L << k) + "K";
            out.printf("   %5d  %5s  %-12s %d%n", k, size, "#".repeat((int) Math.min(free[k], 12)), free[k]);
        }
        out.printf("   %d frames free, %d used%n", s.freeFrames(), s.usedFrames());
    }
}
