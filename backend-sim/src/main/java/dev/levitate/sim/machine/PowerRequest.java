package dev.levitate.sim.machine;

/**
 * What a guest asked the machine's power controller for through PSCI (Arm DEN 0022, the Power State
 * Coordination Interface), when that ended the run: {@link Machine#powerRequest()} says which of
 * them stopped it.
 */
public enum PowerRequest {
    /** SYSTEM_OFF: the run ends, as QEMU's does. */
    SYSTEM_OFF,
    /**
     * SYSTEM_RESET: the run ends. QEMU resets the machine and boots the same kernel again unless it
     * was started with {@code -no-reboot}; the simulator always behaves as with {@code -no-reboot}.
     */
    SYSTEM_RESET,
    /**
     * CPU_OFF of the only core: nothing is left to run and nothing can turn the core on again, so the
     * run ends with {@link dev.levitate.sim.cpu.StopKind#WAIT} (QEMU's machine idles for ever).
     */
    CPU_OFF
}
