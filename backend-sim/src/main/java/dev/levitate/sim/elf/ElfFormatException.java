package dev.levitate.sim.elf;

import dev.levitate.core.LevitateException;

/**
 * An ELF file the loader refuses: truncated, not ELF64 little-endian AArch64, overlapping or
 * oversized segments, segments outside RAM, or a broken symbol table. The message gives the reason
 * and the file offset or address involved. Nothing was loaded.
 */
public final class ElfFormatException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason what is wrong, and where
     */
    public ElfFormatException(String reason) {
        super("bad ELF image: " + reason);
    }
}
