package example;

import dev.levitate.core.alloc.BuddyAllocator;
import dev.levitate.core.alloc.InvalidFreeException;
import java.io.PrintStream;

/**
 * Teaches one thing: how a binary buddy allocator splits a block to serve a request and merges
 * buddies back when they are freed. It prints the free blocks of each order after every step.
 */
public final class BuddyTour {
    private BuddyTour() {
    }

    static final long BASE = 0x4000_0000L;

    /**
     * Runs the tour on a 64 KiB region (16 frames: one order-4 block).
     *
     * @param out where to print
     * @return the allocator, so a test can check it ended where it started
     */
    public static BuddyAllocator tour(PrintStream out) {
        BuddyAllocator frames = BuddyAllocator.builder().region(BASE, 16 * 4096).maxOrder(4).build();
        show(out, "start: one free block of 16 frames", frames);

        long a = frames.allocate(0);
        show(out, "allocate(0) = +" + off(a) + ": 16 -> 8+8 -> 4+4 -> 2+2 -> 1+1, one frame taken", frames);

        long b = frames.allocate(1);
        show(out, "allocate(1) = +" + off(b) + ": the free 2-frame block is used as is", frames);

        long c = frames.allocate(0);
        show(out, "allocate(0) = +" + off(c) + ": the buddy of the first frame", frames);

        try {
            frames.free(b, 0);
        } catch (InvalidFreeException e) {
            out.println("free(+" + off(b) + ", 0) refused: " + e.getMessage());
        }

        frames.free(a, 0);
        show(out, "free(+" + off(a) + ", 0): its buddy +" + off(c) + " is still in use, so no merge", frames);
        frames.free(c, 0);
        show(out, "free(+" + off(c) + ", 0): buddies merge into 2 frames; that block's buddy +" + off(b) + " is in use", frames);
        frames.free(b, 1);
        show(out, "free(+" + off(b) + ", 1): merge, merge, merge: back to one block of 16", frames);
        return frames;
    }

    private static String off(long pa) {
        return Long.toHexString(pa - BASE);
    }

    private static void show(PrintStream out, String step, BuddyAllocator frames) {
        out.println(step);
        for (int k = frames.maxOrder(); k >= 0; k--) {
            StringBuilder sb = new StringBuilder();
            for (long pa : frames.freeBlocks(k)) {
                sb.append(" +").append(off(pa));
            }
            out.printf("    order %d (%2d frames):%s%n", k, 1 << k, sb.length() == 0 ? " -" : sb);
        }
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        tour(System.out);
    }
}
