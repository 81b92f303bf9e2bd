package dev.levitate.sched.kernel;

/**
 * Guest code for a task: A64 machine code assembled for the address it will run at (with
 * backend-sim's {@code A64Assembler}, the GNU toolchain, or {@link GuestCode}).
 */
@FunctionalInterface
public interface GuestProgram {
    /**
     * Produces the code for a base address.
     *
     * @param base the virtual address of the first instruction
     * @return the little-endian bytes (at most the kernel's code limit)
     */
    byte[] assemble(long base);
}
