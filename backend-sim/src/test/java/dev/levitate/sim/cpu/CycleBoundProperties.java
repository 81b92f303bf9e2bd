package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.a64.A64;
import dev.levitate.a64.Decoder;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The bound the compiled tier relies on under the A53 model ({@link BlockJit#MAX_CYCLES_PER_INSTRUCTION}):
 * no instruction with a fast form adds more than a quarter of it to the cycle count, whatever ran
 * before it (the scoreboard and units left by random earlier instructions, random branch targets
 * against the predictor). If a change to the model's table broke the bound, an event could fall
 * inside a compiled block that the block timing retires one by one.
 */
class CycleBoundProperties {
    @Property(tries = 300)
    void noFastInstructionAddsMoreThanTheBound(@ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        CycleModel model = new CycleModel(null);
        long now = rnd.nextLong(0, 1L << 40);
        long most = 0;
        for (int i = 0; i < 400; i++) {
            A64 row = FastLoopEquivalenceProperties.FAST_ROWS.get(rnd.nextInt(FastLoopEquivalenceProperties.FAST_ROWS.size()));
            int w = row.encoding().value() | (rnd.nextInt() & ~row.encoding().mask());
            if (Decoder.decode(w) != row.ordinal() || MicroOp.encode(row.ordinal(), w, new long[1], 0) == MicroOp.NONE) {
                continue;
            }
            long va = 0x4000_0000L + 4L * rnd.nextInt(1 << 16);
            long next = rnd.nextBoolean() ? va + 4 : 0x4000_0000L + 4L * rnd.nextInt(1 << 16);
            long after = model.retire(now, CycleModel.describe(row.ordinal(), w), va, next);
            most = Math.max(most, after - now);
            now = after;
        }
        assertTrue(most <= BlockJit.MAX_CYCLES_PER_INSTRUCTION / 4, "an instruction added " + most + " cycles");
    }
}
