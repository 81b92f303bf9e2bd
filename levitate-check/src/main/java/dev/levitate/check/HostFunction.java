package dev.levitate.check;

import dev.levitate.sim.cpu.Cpu;

/**
 * A guest function serviced by the host: when the guest branches to its symbol, the host runs this
 * instead (the function's first instruction is replaced by a BRK), puts the result in x0 and
 * returns to x30, as an AAPCS64 callee. Used for the kernel's frame allocator, so that the testkit
 * tracks, checks and fails every table allocation and free.
 */
@FunctionalInterface
public interface HostFunction {
    /**
     * Runs the function.
     *
     * @param cpu the guest CPU: arguments in x0–x7 ({@link Cpu#reg(int)})
     * @return the result, for x0
     */
    long call(Cpu cpu);
}
