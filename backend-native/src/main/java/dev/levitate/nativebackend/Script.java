package dev.levitate.nativebackend;

import java.util.Arrays;

/**
 * A scripted workload: a list of steps encoded as a flat {@code long[]} of (opcode, argument)
 * pairs. This encoding is the stable data form shared with the native shim (and meant for the
 * simulator's guest runner too), so one scheduling scenario can run on both backends.
 *
 * <pre>
 *   opcode 0 EXIT     argument = exit code      (ends the task)
 *   opcode 1 COMPUTE  argument = iterations     (spin on the CPU)
 *   opcode 2 YIELD    argument ignored          (give up the CPU: StopReason YIELDED)
 *   opcode 3 SLEEP    argument = ticks          (StopReason SYSCALL {@link NativeBackend#SYSCALL_SLEEP}, the kernel's sleep)
 * </pre>
 * A script that runs off its end exits with 0. Immutable once built; the builder is not
 * thread-safe.
 */
public final class Script {
    /** Opcode: exit. */
    public static final long EXIT = 0;
    /** Opcode: compute. */
    public static final long COMPUTE = 1;
    /** Opcode: yield. */
    public static final long YIELD = 2;
    /** Opcode: sleep. */
    public static final long SLEEP = 3;

    private long[] program = new long[16];
    private int pairs;

    private Script() {
    }

    /**
     * Starts an empty script.
     *
     * @return a new script
     */
    public static Script create() {
        return new Script();
    }

    private Script add(long op, long arg) {
        if (2 * pairs + 2 > program.length) {
            program = Arrays.copyOf(program, program.length * 2);
        }
        program[2 * pairs] = op;
        program[2 * pairs + 1] = arg;
        pairs++;
        return this;
    }

    /**
     * Appends a compute step.
     *
     * @param iterations how long to spin, at least 0
     * @return this script
     * @throws IllegalArgumentException if negative
     */
    public Script compute(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException("compute needs iterations >= 0, got " + iterations);
        }
        return add(COMPUTE, iterations);
    }

    /**
     * Appends a yield.
     *
     * @return this script
     */
    public Script yieldCpu() {
        return add(YIELD, 0);
    }

    /**
     * Appends a sleep.
     *
     * @param ticks how many scheduler ticks, at least 0
     * @return this script
     * @throws IllegalArgumentException if negative
     */
    public Script sleep(long ticks) {
        if (ticks < 0) {
            throw new IllegalArgumentException("sleep needs ticks >= 0, got " + ticks);
        }
        return add(SLEEP, ticks);
    }

    /**
     * Appends an exit.
     *
     * @param code the exit code
     * @return this script
     */
    public Script exit(long code) {
        return add(EXIT, code);
    }

    /**
     * Returns the encoded program: {@code 2 * steps()} longs.
     *
     * @return a copy of the pairs
     */
    public long[] encode() {
        return Arrays.copyOf(program, 2 * pairs);
    }

    /**
     * Returns the number of steps.
     *
     * @return the count
     */
    public int steps() {
        return pairs;
    }
}
