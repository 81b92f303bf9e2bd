package dev.levitate.core.spi;

import dev.levitate.core.LevitateException;
import java.util.Objects;

/**
 * What a new execution context starts with: where, on which stack, with which argument, at which
 * exception level, in which address space.
 *
 * @param name a human-readable name for traces
 * @param entry the first instruction's address (a VA the context can execute)
 * @param stackTop the initial stack pointer; 16-byte aligned (AAPCS64, and SP alignment checking)
 * @param argument the value of x0 (and x19 for the entry trampoline) at entry
 * @param level the exception level the context runs at
 * @param translationRoot the physical address of the TTBR0 translation table, or 0 for none
 * @param asid the ASID that goes with {@code translationRoot}
 */
public record ContextSpec(String name, long entry, long stackTop, long argument, ExceptionLevel level,
                          long translationRoot, int asid) {

    /**
     * Validates the spec.
     *
     * @throws IllegalArgumentException if the stack top is not 16-byte aligned, the entry is not
     *     4-byte aligned, or the ASID is outside 0..65535
     *
     * @param name the {@code name} component, as described on the record
     * @param entry the {@code entry} component, as described on the record
     * @param stackTop the {@code stackTop} component, as described on the record
     * @param argument the {@code argument} component, as described on the record
     * @param level the {@code level} component, as described on the record
     * @param translationRoot the {@code translationRoot} component, as described on the record
     * @param asid the {@code asid} component, as described on the record
     */
    public ContextSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
        if ((stackTop & 15) != 0) {
            throw new IllegalArgumentException("context '" + name + "': stack top " + LevitateException.hex(stackTop)
                    + " is not 16-byte aligned (AAPCS64 requires SP % 16 == 0)");
        }
        if ((entry & 3) != 0) {
            throw new IllegalArgumentException("context '" + name + "': entry " + LevitateException.hex(entry)
                    + " is not 4-byte aligned (A64 instructions are 4 bytes)");
        }
        if (asid < 0 || asid > 0xFFFF) {
            throw new IllegalArgumentException("context '" + name + "': ASID " + asid + " is outside 0..65535");
        }
    }

    /**
     * A kernel context at EL1 with no user address space.
     *
     * @param name the name
     * @param entry the entry point
     * @param stackTop the initial SP, 16-byte aligned
     * @param argument the argument in x0
     * @return the spec
     */
    public static ContextSpec kernel(String name, long entry, long stackTop, long argument) {
        return new ContextSpec(name, entry, stackTop, argument, ExceptionLevel.EL1, 0, 0);
    }
}
