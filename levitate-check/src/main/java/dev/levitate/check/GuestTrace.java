package dev.levitate.check;

/**
 * What the guest did to its tables during the current call — each descriptor store, TLBI and DSB,
 * with the PC of the instruction — so that a failure can show the offending instruction
 * disassembled with its address and symbol. Fixed-size arrays, no allocation while recording; the
 * first {@value #CAPACITY} events of a call are kept.
 *
 * <p>Not thread-safe: it belongs to its {@link GuestKernel}.
 */
public final class GuestTrace {
    /** How many events of a call are kept. */
    public static final int CAPACITY = 64;
    static final int STORE = 0;
    static final int TLBI = 1;
    static final int DSB = 2;

    private final long[] pcs = new long[CAPACITY];
    private final int[] kinds = new int[CAPACITY];
    private final long[] values = new long[CAPACITY];
    private int count;
    private int total;

    GuestTrace() {
    }

    /** Forgets the events of the previous call. */
    void clear() {
        count = 0;
        total = 0;
    }

    /** Records an event: kind, the instruction's PC, the PA stored to or the TLBI operand. */
    void add(int kind, long pc, long value) {
        total++;
        if (count < CAPACITY) {
            pcs[count] = pc;
            kinds[count] = kind;
            values[count] = value;
            count++;
        }
    }

    /**
     * Returns how many events the current call recorded (including those past the capacity).
     *
     * @return the count
     */
    public int events() {
        return total;
    }

    /**
     * Renders the events, one a line: address, symbol, the instruction disassembled, and the
     * descriptor's PA for a store.
     *
     * @param kernel the kernel (for symbols and the instructions)
     * @return the text, empty if nothing was recorded
     */
    public String render(GuestKernel kernel) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append("\n    ").append(kernel.symbolize(pcs[i])).append(kernel.instructionAt(pcs[i]));
            if (kinds[i] == STORE) {
                s.append(String.format("   (descriptor at PA 0x%x)", values[i]));
            }
        }
        if (total > count) {
            s.append("\n    ... and ").append(total - count).append(" more");
        }
        return s.toString();
    }
}
