package dev.levitate.sim.cpu;

import dev.levitate.a64.Decoder;
import java.util.HashMap;
import java.util.Map;

/**
 * Decoded instructions per 4 KiB page: each word is decoded once, on first execution, and the
 * page's entry is dropped when the page is written (the machine watches decoded pages).
 *
 * <pre>
 *   page = pa &gt;&gt;&gt; 12; slot = (pa &gt;&gt;&gt; 2) &amp; 1023
 *   ids[slot] = row id, Decoder.UNDEFINED, or NOT_DECODED; words[slot] = the instruction
 *   uops[slot], imms[slot] = its fast form (MicroOp); timings[slot] = its cycle-model descriptor
 * </pre>
 * The last page used is kept in a field and the 64 recent ones in a small direct-mapped array, so
 * straight-line code costs two array loads per fetch and calls between pages no map lookup. A
 * write marks only the instructions it overlaps as not decoded, so data beside code is cheap.
 */
final class DecodeCache {
    static final int NOT_DECODED = -2;
    private static final int SLOTS = 1024;

    static final class Page {
        final long number;
        final int[] ids = new int[SLOTS];
        final int[] words = new int[SLOTS];
        /** {@link MicroOp} forms (0 = run by the general interpreter) and their immediates. */
        final long[] uops = new long[SLOTS + 1]; // the last one stays NONE: the fast loop's end of page
        final long[] imms = new long[SLOTS + 1];
        /** {@link CycleModel#describe Timing descriptors} of the decoded instructions. */
        final long[] timings = new long[SLOTS];
        /** {@link BlockTiming} memos by first slot; valid while memoGeneration is the pool's (0: never). */
        final int[] memo = new int[SLOTS];
        int memoGeneration;
        /** {@link BlockJit}: compiled blocks by entry slot, and entries seen before compiling (null until it runs here). */
        CompiledBlock[] blocks;
        byte[] heat;

        Page(long number) {
            this.number = number;
            java.util.Arrays.fill(ids, NOT_DECODED);
        }
    }

    private final Map<Long, Page> pages = new HashMap<>();
    private Page last;
    /** Recently used pages, direct-mapped by page number, so calls between a few pages skip the map. */
    private static final int RECENT = 64;
    private final Page[] recent = new Page[RECENT];
    private final java.util.function.LongConsumer onNewPage;

    DecodeCache(java.util.function.LongConsumer onNewPage) {
        this.onNewPage = onNewPage;
    }

    Page page(long pa) {
        long n = pa >>> 12;
        Page p = last;
        if (p != null && p.number == n) {
            return p;
        }
        int i = (int) n & (RECENT - 1);
        p = recent[i];
        if (p == null || p.number != n) {
            p = pages.get(n); // boxed lookup only when the page is not among the recent ones
            if (p == null) {
                p = new Page(n);
                pages.put(n, p);
                onNewPage.accept(n << 12);
            }
            recent[i] = p;
        }
        last = p;
        return p;
    }

    static int slot(long pa) {
        return (int) (pa >>> 2) & (SLOTS - 1);
    }

    static int decode(Page p, int slot, int word) {
        int id = Decoder.decode(word);
        p.ids[slot] = id;
        p.words[slot] = word;
        p.uops[slot] = id >= 0 ? MicroOp.encode(id, word, p.imms, slot) : MicroOp.NONE;
        p.timings[slot] = id >= 0 ? CycleModel.describe(id, word) : 0;
        p.memoGeneration = 0; // blocks may now be longer (or different)
        if (p.blocks != null) {
            dropBlocksEndingAt(p, slot);
        }
        return id;
    }

    /**
     * A newly decoded word may extend the compiled blocks that stopped right before it (a block
     * ends before an undecoded word): those, and a no-fast-form mark on the slot itself, are
     * dropped, to be compiled again, longer, when they are next hot.
     */
    private static void dropBlocksEndingAt(Page p, int slot) {
        for (int s = Math.max(0, slot - BlockCompiler.MAX_LENGTH); s <= slot; s++) {
            CompiledBlock b = p.blocks[s];
            if (b != null && s + b.length == slot) {
                p.blocks[s] = null;
                p.heat[s] = 0;
            }
        }
    }

    /** Marks the instructions overlapping [pa, pa + length) (one page) as not decoded. */
    void invalidate(long pa, int length) {
        long n = pa >>> 12;
        Page p = last != null && last.number == n ? last : pages.get(n);
        if (p == null) {
            return;
        }
        int first = slot(pa);
        int end = Math.min(SLOTS - 1, slot(pa + length - 1));
        p.memoGeneration = 0;
        p.blocks = null; // any compiled block may hold a word that changed
        p.heat = null;
        for (int i = first; i <= end; i++) {
            p.ids[i] = NOT_DECODED;
            p.uops[i] = MicroOp.NONE;
        }
    }

    int size() {
        return pages.size();
    }
}
