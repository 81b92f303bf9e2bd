package dev.levitate.sim.boot;

import dev.levitate.core.LevitateException;

/**
 * A kernel or initrd the boot loader refuses: not a format it loads, a Linux {@code Image} header
 * that cannot be right, a gzip stream that is corrupt or too large, or a layout that does not fit
 * the machine's RAM (the kernel past the end of RAM, the initrd or the device tree with no room, two
 * of them overlapping). The message names the file's part and the addresses involved. Nothing was
 * loaded.
 */
public final class BootImageException extends LevitateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason what is wrong, and where
     */
    public BootImageException(String reason) {
        super(reason);
    }
}
