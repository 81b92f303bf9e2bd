package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The memos that compiled blocks carry ({@link TimedBlockEmitter.Memo}): applied at the entry cycle
 * of a state with its signature, a memo gives what retiring the block's instructions one by one
 * gives (cycles, the slots it writes, pairing state, pairs); and a loop's steady-state memo
 * ({@link TimedBlockEmitter.Memo#ofLoop}) is the state the loop re-enters itself in.
 * ({@code FastLoopEquivalenceProperties} checks the emitted code that uses them.)
 */
class TimedBlockMemoProperties {
    private static final long BASE = 0x4000_0000L;

    @Provide
    Arbitrary<BlockTimingProperties.Block> blocks() {
        return new BlockTimingProperties().blocks();
    }

    private static long[] timings(BlockTimingProperties.Block block) {
        int n = block.words().length + (block.closing() != 0 ? 1 : 0);
        DecodeCache.Page page = new DecodeCache.Page(BASE >>> 12);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            DecodeCache.decode(page, i, i < block.words().length ? block.words()[i] : block.closing());
            t[i] = page.timings[i];
        }
        return t;
    }

    @Property(tries = 2000)
    void aMemoAppliedIsRetiringOneByOneFromTheStateItWasTakenIn(@ForAll("blocks") BlockTimingProperties.Block block) {
        long[] t = timings(block);
        SplittableRandom rnd = new SplittableRandom(block.seed());
        long now = 100 + rnd.nextInt(50);
        CycleModel one = new CycleModel(null);
        BlockTimingProperties.randomState(one, rnd, now);
        TimedBlockEmitter.Memo memo = TimedBlockEmitter.Memo.of(one, now, t, 0, t.length);
        long[] before = one.ready.clone();
        long cycles = now;
        for (int i = 0; i < t.length; i++) {
            cycles = Math.max(cycles, one.issue(cycles, t[i])); // the issue the memo covers (no prediction)
        }
        assertEquals(cycles, now + memo.takes(), "cycles");
        long[] applied = before.clone();
        for (int i = 0; i < memo.writes().length; i++) {
            applied[memo.writes()[i]] = now + memo.offsets()[i];
        }
        applied[CycleModel.Board.DISCARD] = one.ready[CycleModel.Board.DISCARD]; // written by issue, never read
        assertArrayEquals(one.ready, applied, "scoreboard");
        assertEquals(one.openIssue, memo.openOut() == CycleModel.CLOSED ? CycleModel.CLOSED : now + memo.openOut(), "open issue slot");
        if (one.openIssue != CycleModel.CLOSED) {
            assertEquals(one.firstResources, memo.firstOut(), "resources of the open pair");
        }
        assertEquals(one.pairs, memo.pairs(), "pairs");
    }

    /** The tight loop of benchmarks/sim/tight-loop.S: ldr, madd, adds, str, add, subs, b.ne back. */
    static final int[] TIGHT_LOOP = {0xf9400023, 0x9b021064, 0xab0300a5, 0xf9000424, 0x910004c6, 0xf1000400, 0x54ffff41};

    @Example
    void aLoopsSteadyStateMemoHasTheSignatureTheLoopReentersItselfWith() {
        DecodeCache.Page page = new DecodeCache.Page(BASE >>> 12);
        long[] t = new long[TIGHT_LOOP.length];
        for (int i = 0; i < t.length; i++) {
            DecodeCache.decode(page, i, TIGHT_LOOP[i]);
            t[i] = page.timings[i];
        }
        CycleModel m = new CycleModel(null);
        long now = 1000;
        TimedBlockEmitter.Memo steady = TimedBlockEmitter.Memo.ofLoop(m, now, t, 0, t.length);
        // rounds retired one by one, the closing branch taken back to the start each time
        for (int round = 0; round < 10; round++) {
            if (round >= TimedBlockEmitter.LOOP_ROUNDS) {
                for (int i = 0; i < steady.liveIns().length; i++) {
                    assertEquals(steady.expected()[i], Math.max(m.ready[steady.liveIns()[i]] - now, -1),
                            "live-in slot " + steady.liveIns()[i] + " at the start of round " + round);
                }
                assertEquals(steady.pairing(), m.openIssue == now - 1 ? m.firstResources : 0, "pairing, round " + round);
            }
            for (int i = 0; i < t.length; i++) {
                long va = BASE + 4L * i;
                now = m.retire(now, t[i], va, i == t.length - 1 ? BASE : va + 4);
            }
        }
        assertEquals(0, m.mispredicts(), "a backward b.ne is predicted taken from its first sight");
    }
}
