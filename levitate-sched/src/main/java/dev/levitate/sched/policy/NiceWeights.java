package dev.levitate.sched.policy;

/**
 * Linux's {@code sched_prio_to_weight}: the load weight of each nice value -20..19. Nice 0 weighs
 * {@value #NICE_0_WEIGHT}; each step of nice changes the weight by about 1.25, so that a task
 * one nice level lower gets about 10% more CPU than its neighbour.
 */
public final class NiceWeights {
    /** The weight of nice 0. */
    public static final int NICE_0_WEIGHT = 1024;
    /** The most favoured nice value. */
    public static final int MIN_NICE = -20;
    /** The least favoured nice value. */
    public static final int MAX_NICE = 19;

    private static final int[] WEIGHTS = {
        /* -20 */ 88761, 71755, 56483, 46273, 36291,
        /* -15 */ 29154, 23254, 18705, 14949, 11916,
        /* -10 */ 9548, 7620, 6100, 4904, 3906,
        /*  -5 */ 3121, 2501, 1991, 1586, 1277,
        /*   0 */ 1024, 820, 655, 526, 423,
        /*   5 */ 335, 272, 215, 172, 137,
        /*  10 */ 110, 87, 70, 56, 45,
        /*  15 */ 36, 29, 23, 18, 15,
    };

    private NiceWeights() {
    }

    /**
     * Returns the weight of a nice value.
     *
     * @param nice -20..19
     * @return its weight, 15..88761
     * @throws IllegalArgumentException if out of range
     */
    public static int weight(int nice) {
        if (nice < MIN_NICE || nice > MAX_NICE) {
            throw new IllegalArgumentException("nice " + nice + " is outside " + MIN_NICE + ".." + MAX_NICE);
        }
        return WEIGHTS[nice - MIN_NICE];
    }
}
