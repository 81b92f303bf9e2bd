package dev.levitate.sim.cpu;

/**
 * The CPU's view of the physical address space (the MMU translates in front of it). Every
 * access returns normally; a failed one sets {@link #faulted()} and the CPU stops with a data
 * abort instead of a Java exception escaping.
 */
public interface Bus {
    /**
     * Reads {@code size} bytes (1, 2, 4 or 8), little-endian, zero-extended.
     *
     * @param pa the address
     * @param size the access size
     * @return the value (0 if the access faulted)
     */
    long read(long pa, int size);

    /**
     * Writes {@code size} bytes (1, 2, 4 or 8), little-endian.
     *
     * @param pa the address
     * @param size the access size
     * @param value the value (low {@code size} bytes)
     */
    void write(long pa, int size, long value);

    /**
     * Tells whether the last access faulted, and clears the flag.
     *
     * @return true if it faulted
     */
    boolean faulted();

    /**
     * Reads the 32-bit instruction at {@code pa} for the decoder.
     *
     * @param pa the address, 4-byte aligned
     * @return the word (0 with {@link #faulted()} set when not executable memory)
     */
    int fetch(long pa);

    /**
     * Tells whether instructions can be fetched from {@code pa} (RAM, not a device or a hole);
     * the CPU checks a vector entry before taking an exception to it.
     *
     * @param pa the address
     * @return true if fetchable
     */
    boolean executable(long pa);

    /**
     * Returns the live backing array of a plain RAM page, so the CPU can cache it for the page's
     * loads (and, when {@code forWrite}, stores) instead of going through the bus each time; null
     * for devices, holes, pages never written (reads), and pages whose writes must be observed.
     * The default has no fast path.
     *
     * @param pa an address in the page
     * @param forWrite whether stores will go through the array (the page is then materialised)
     * @return the 4096-byte array, or null
     */
    default byte[] ramPage(long pa, boolean forWrite) {
        return null;
    }

    /**
     * A number that changes whenever an array {@link #ramPage} returned may have stopped being the
     * page's storage (the page was dropped), so the CPU keeps its cached pages across runs until
     * it moves. The default, -1, means "unknown": the CPU then drops its cached pages at the start
     * of every run.
     *
     * @return the storage epoch, or -1
     */
    default long storageEpoch() {
        return -1;
    }
}
