package dev.levitate.nativebackend;

/**
 * The task bodies built into the native shim (a native backend cannot run arbitrary Java or guest
 * code on a task stack: no JVM frame may live there).
 */
public enum NativeBody {
    /** Yields {@code a0} times, then exits with {@code a0}. */
    COUNTER,
    /**
     * Proves the switch: each of {@code a1} rounds fills every callee-saved register with a
     * pattern derived from {@code a0}, yields, and checks them all. Exits with the number of rounds
     * that found a register changed (0 when {@code cpu_switch_to} is right).
     */
    REGCHECK,
    /** Runs a {@link Script}: compute, yield, sleep, exit. */
    SCRIPT,
    /**
     * Recurses {@code a0} levels of 1 KiB frames, checking the stack depth on the way: a recursion
     * that would reach the guard page stops as a fault ("stack overflow"), never a crash.
     */
    RECURSE
}
