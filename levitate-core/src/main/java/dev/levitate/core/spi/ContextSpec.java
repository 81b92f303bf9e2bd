package dev.levitate.core.spi;

import dev.levitate.core.LevitateException;
import java.util.Objects;

/**
 * What a new execution context starts with: where, on which stack, with which argument, at which
 * exception level, in which address space.
 *
 * @param name a human-readable name for traces
 * @param entry the first instruction's address (a VA the context can execute)
 * @param stackTop the initial kernel stack pointer (SP_EL1); 16-byte aligned (AAPCS64, and SP alignment
 *     checking). An EL1 context runs on it; an EL0 context takes its exceptions on it
 * @param userStackTop the initial SP_EL0 of an EL0 context (16-byte aligned), 0 for an EL1 context
 * @param argument the value of x0 (and x19 for the entry trampoline) at entry
 * @param level the exception level the context runs at
 * @param translationRoot the physical address of the TTBR0 translation table, or 0 for none
 * @param asid the ASID that goes with {@code translationRoot}
 */
public record ContextSpec(String name, long entry, long stackTop, long userStackTop, long argument, ExceptionLevel level,
                          long translationRoot, int asid) {

    /**
     * Validates the spec.
     *
     * @throws IllegalArgumentException if a stack top is not 16-byte aligned, the entry is not
     *     4-byte aligned, an EL0 context has no user stack or an EL1 context has one, or the ASID is
     *     outside 0..65535
     *
     * @param name the {@code name} component, as described on the record
     * @param entry the {@code entry} component, as described on the record
     * @param stackTop the {@code stackTop} component, as described on the record
     * @param userStackTop the {@code userStackTop} component, as described on the record
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
        if ((userStackTop & 15) != 0 || (level == ExceptionLevel.EL0) != (userStackTop != 0)) {
            throw new IllegalArgumentException("context '" + name + "': user stack top " + LevitateException.hex(userStackTop)
                    + (level == ExceptionLevel.EL0 ? " must be a non-zero, 16-byte aligned SP_EL0 for an EL0 context"
                    : " must be 0 for an EL1 context (it runs on its kernel stack)"));
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
        return new ContextSpec(name, entry, stackTop, 0, argument, ExceptionLevel.EL1, 0, 0);
    }

    /**
     * A user context: runs at EL0 on {@code userStackTop} in the address space of
     * {@code translationRoot}/{@code asid}, and takes its exceptions on {@code kernelStackTop}.
     *
     * @param name the name
     * @param entry the user entry point (a VA mapped executable at EL0)
     * @param kernelStackTop its kernel stack (SP_EL1 while it is in an exception)
     * @param userStackTop its user stack (SP_EL0)
     * @param argument x0 at entry
     * @param translationRoot the TTBR0 table's physical address
     * @param asid the ASID
     * @return the spec
     * @throws IllegalArgumentException as the constructor
     */
    public static ContextSpec user(String name, long entry, long kernelStackTop, long userStackTop, long argument,
                                   long translationRoot, int asid) {
        return new ContextSpec(name, entry, kernelStackTop, userStackTop, argument, ExceptionLevel.EL0, translationRoot, asid);
    }
}
