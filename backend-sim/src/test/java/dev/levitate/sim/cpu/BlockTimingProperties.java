package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.levitate.a64.A64;
import dev.levitate.a64.Decoder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link BlockTiming} gives exactly what retiring the block's instructions one by one gives: the
 * same cycle count, scoreboard, pairing state, pair and misprediction counts. Random blocks of
 * fast-form words (registers often narrowed to a few, so that they depend on each other), closed by
 * a random branch or not, entered from random scoreboard states around the entry cycle, several
 * times in a row: from a fresh random state, from the state the block itself left (a loop), and,
 * when the memo says the loop is steady ({@link BlockTiming#chained}), without the lookup.
 */
class BlockTimingProperties {
    private static final long BASE = 0x4000_0000L;
    private static final List<A64> ROWS = FastLoopEquivalenceProperties.FAST_ROWS;

    record Block(int[] words, int closing, long seed) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int w : words) {
                b.append(dev.levitate.a64.Disassembler.disassemble(w, 0)).append("; ");
            }
            return b + (closing != 0 ? dev.levitate.a64.Disassembler.disassemble(closing, 0) : "(no branch)") + ", seed " + seed;
        }
    }

    @Provide
    Arbitrary<Block> blocks() {
        Arbitrary<Integer> any = Arbitraries.of(ROWS).flatMap(row -> Arbitraries.integers()
                .map(bits -> row.encoding().value() | (bits & ~row.encoding().mask())));
        // registers x0..x3 (and 16..19, 31 -> 19) in half of the words: dependences between them
        Arbitrary<Integer> word = Combinators.combine(any, Arbitraries.of(false, true))
                .as((w, narrow) -> narrow ? w & ~(0xC | 0xC << 5 | 0xC << 10 | 0xC << 16) : w)
                .filter(w -> fast(w) && !CycleModel.isBranch(CycleModel.describe(Decoder.decode(w), w)));
        Arbitrary<Integer> branch = any.filter(w -> fast(w) && CycleModel.isBranch(CycleModel.describe(Decoder.decode(w), w)));
        return Combinators.combine(word.array(int[].class).ofMinSize(1).ofMaxSize(12),
                Arbitraries.oneOf(branch, Arbitraries.just(0)), Arbitraries.longs()).as(Block::new)
                .filter(b -> b.words.length + (b.closing != 0 ? 1 : 0) >= BlockTiming.MIN_LENGTH);
    }

    private static boolean fast(int w) {
        int id = Decoder.decode(w);
        return id >= 0 && MicroOp.encode(id, w, new long[1], 0) != MicroOp.NONE;
    }

    @Property(tries = 3000)
    void blockTimingIsRetiringOneByOne(@ForAll("blocks") Block block) {
        DecodeCache.Page page = new DecodeCache.Page(BASE >>> 12);
        int n = block.words.length + (block.closing != 0 ? 1 : 0);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            int w = i < block.words.length ? block.words[i] : block.closing;
            DecodeCache.decode(page, i, w);
            t[i] = page.timings[i];
        }
        SplittableRandom rnd = new SplittableRandom(block.seed);
        CycleModel one = new CycleModel(null);
        CycleModel memo = new CycleModel(null);
        BlockTiming blocks = new BlockTiming(memo);
        long now = 100 + rnd.nextInt(50);
        randomState(one, rnd, now);
        copy(one, memo);
        boolean chained = false;
        for (int round = 0; round < 6; round++) {
            if (round == 3) { // a new random state: the memo must notice
                blocks.settle();
                assertBoards(one, memo, round);
                now += rnd.nextInt(40);
                randomState(one, rnd, now);
                copy(one, memo);
                chained = false;
            }
            // where the closing branch goes: back to the start (a loop), on, or elsewhere
            long lastVa = BASE + 4L * (n - 1);
            long nextPc = block.closing == 0 ? lastVa + 4 : switch (rnd.nextInt(3)) {
                case 0 -> BASE;
                case 1 -> lastVa + 4;
                default -> BASE + 0x800;
            };
            long expected = now;
            for (int i = 0; i < n; i++) {
                long va = BASE + 4L * i;
                expected = one.retire(expected, t[i], va, i == n - 1 ? nextPc : va + 4);
            }
            int o = chained ? lastMemo : blocks.lookup(page, 0, now);
            assertNotEquals(0, o, "a block of " + n + " instructions has a memo");
            assertEquals(n, blocks.length(o));
            long got = blocks.apply(o, now, lastVa, nextPc, BASE);
            Statistics.label("entry").collect(chained ? "chained" : "looked up");
            assertEquals(expected, got, "cycles after the block, round " + round);
            chained = blocks.chained();
            if (!chained) { // a chained entry's scoreboard writes wait for settle()
                assertBoards(one, memo, round);
            }
            lastMemo = o;
            now = got;
        }
        blocks.settle();
        assertBoards(one, memo, 6);
    }

    private int lastMemo;

    /** A random scoreboard around {@code now}, and a random pairing state. */
    static void randomState(CycleModel m, SplittableRandom rnd, long now) {
        Arrays.fill(m.ready, 0);
        for (int i = 0; i <= 34; i++) {
            m.ready[i] = i == CycleModel.Board.ZERO ? 0 : Math.max(0, now + rnd.nextInt(-8, 25));
        }
        for (int u = 0; u < 4; u++) {
            m.ready[CycleModel.Board.BUSY + u] = Math.max(0, now + rnd.nextInt(-8, u == 0 ? 0 : 22));
        }
        switch (rnd.nextInt(3)) {
            case 0 -> m.openIssue = now - 1;
            case 1 -> m.openIssue = now - 1 - rnd.nextInt(1, 5);
            default -> m.openIssue = CycleModel.CLOSED;
        }
        m.firstResources = 8 | rnd.nextInt(8);
    }

    static void copy(CycleModel from, CycleModel to) {
        System.arraycopy(from.ready, 0, to.ready, 0, from.ready.length);
        to.openIssue = from.openIssue;
        to.firstResources = from.firstResources;
    }

    private static void assertBoards(CycleModel one, CycleModel memo, int round) {
        long[] a = one.ready.clone();
        long[] b = memo.ready.clone();
        a[CycleModel.Board.DISCARD] = 0; // written by retire, never read
        b[CycleModel.Board.DISCARD] = 0;
        assertArrayEquals(a, b, "scoreboard after round " + round);
        assertEquals(one.openIssue, memo.openIssue, "open issue slot after round " + round);
        if (one.openIssue != CycleModel.CLOSED) {
            assertEquals(one.firstResources, memo.firstResources, "resources of the open pair after round " + round);
        }
        assertEquals(one.pairs, memo.pairs, "pairs after round " + round);
        assertEquals(one.mispredicts(), memo.mispredicts(), "mispredictions after round " + round);
    }
}
