package dev.levitate.sim.cpu;

/**
 * The branch predictor of the {@link CycleModel}: a bimodal table of two-bit counters for
 * conditional branches, a return stack for RET, and a last-target table for BR/BLR.
 *
 * <h2>Layout</h2>
 * <pre>
 *   counter[(va &gt;&gt;&gt; 2) &amp; (CONDITIONAL_ENTRIES - 1)]   0 = never seen; 1, 2 = not taken (strong, weak);
 *                                                   3, 4 = taken (weak, strong)
 *   returns[top &amp; (RETURN_ENTRIES - 1)]               return addresses pushed by BL/BLR; depth &lt;= RETURN_ENTRIES
 *   target[(va &gt;&gt;&gt; 2) &amp; (INDIRECT_ENTRIES - 1)]       the last target of the BR/BLR at va, 0 = none
 * </pre>
 *
 * <h2>Operations</h2>
 * <ol>
 *   <li>Conditional: a branch never seen before is predicted statically, backward taken and forward
 *       not taken; its counter then starts weak in the direction it went. Afterwards the counter
 *       predicts (taken when &ge; 3) and saturates towards each outcome.</li>
 *   <li>RET pops the return stack (an empty stack falls back to the last-target table); BL and BLR
 *       push va + 4, dropping the oldest entry when full.</li>
 *   <li>BR/BLR predict the last target seen at that address; a first sight mispredicts.</li>
 * </ol>
 * Aliasing between branches that share an index is deliberate: real tables alias too. Everything is
 * primitive arrays; no operation allocates.
 */
final class BranchPredictor {
    private static final int WEAK_NOT_TAKEN = 2;
    private static final int WEAK_TAKEN = 3;
    private static final int STRONG_TAKEN = 4;
    private static final int STRONG_NOT_TAKEN = 1;

    private final byte[] counter = new byte[CycleModel.CONDITIONAL_ENTRIES];
    private final long[] returns = new long[CycleModel.RETURN_ENTRIES];
    private final long[] target = new long[CycleModel.INDIRECT_ENTRIES];
    private int top;
    private int depth;

    static {
        assert Integer.bitCount(CycleModel.CONDITIONAL_ENTRIES) == 1;
        assert Integer.bitCount(CycleModel.RETURN_ENTRIES) == 1;
        assert Integer.bitCount(CycleModel.INDIRECT_ENTRIES) == 1;
    }

    /**
     * Predicts and trains a conditional branch.
     *
     * @param va the branch's address
     * @param backward whether its offset is negative (the static prediction for a first sight)
     * @param taken what it did
     * @return true if the prediction was wrong
     */
    boolean conditional(long va, boolean backward, boolean taken) {
        final int i = (int) (va >>> 2) & (CycleModel.CONDITIONAL_ENTRIES - 1);
        final int c = counter[i];
        final boolean predicted;
        final int next;
        if (c == 0) {
            predicted = backward;
            next = taken ? WEAK_TAKEN : WEAK_NOT_TAKEN;
        } else {
            predicted = c >= WEAK_TAKEN;
            next = taken ? Math.min(c + 1, STRONG_TAKEN) : Math.max(c - 1, STRONG_NOT_TAKEN);
        }
        counter[i] = (byte) next;
        return predicted != taken;
    }

    /**
     * Whether the conditional branch at {@code va} has its counter saturated at strongly taken (so
     * that {@link #conditional} with {@code taken} true would predict it and change nothing).
     *
     * @param va the branch's address
     * @return true if its counter is at strongly taken
     */
    boolean stronglyTaken(long va) {
        return counter[(int) (va >>> 2) & (CycleModel.CONDITIONAL_ENTRIES - 1)] == STRONG_TAKEN;
    }

    /**
     * Records a call: pushes its return address.
     *
     * @param returnAddress va + 4 of the BL or BLR
     */
    void call(long returnAddress) {
        top = (top + 1) & (CycleModel.RETURN_ENTRIES - 1);
        returns[top] = returnAddress;
        depth = Math.min(depth + 1, CycleModel.RETURN_ENTRIES);
    }

    /**
     * Predicts a RET from the return stack.
     *
     * @param va the RET's address (for the fallback)
     * @param actual where it went
     * @return true if the prediction was wrong
     */
    boolean ret(long va, long actual) {
        if (depth == 0) {
            return indirect(va, actual);
        }
        final long predicted = returns[top];
        top = (top - 1) & (CycleModel.RETURN_ENTRIES - 1);
        depth--;
        return predicted != actual;
    }

    /**
     * Predicts and trains an indirect branch (BR, BLR) from its last target.
     *
     * @param va the branch's address
     * @param actual where it went
     * @return true if the prediction was wrong
     */
    boolean indirect(long va, long actual) {
        final int i = (int) (va >>> 2) & (CycleModel.INDIRECT_ENTRIES - 1);
        final boolean wrong = target[i] != actual;
        target[i] = actual;
        return wrong;
    }
}
