package dev.levitate.mmu;

/** The SH[1:0] field of a leaf descriptor (ARM ARM D8.5). The value 0b01 is reserved. */
public enum Shareability {
    /** 0b00: non-shareable. */
    NON(0b00),
    /** 0b10: outer shareable. */
    OUTER(0b10),
    /** 0b11: inner shareable (what an SMP kernel uses for normal memory). */
    INNER(0b11);

    private final int bits;

    Shareability(int bits) {
        this.bits = bits;
    }

    /**
     * Returns the SH value.
     *
     * @return 0, 2 or 3
     */
    public int bits() {
        return bits;
    }

    /**
     * Finds the shareability of an SH value.
     *
     * @param bits the SH field
     * @return the shareability
     * @throws IllegalArgumentException for the reserved value 0b01
     */
    public static Shareability ofBits(int bits) {
        for (Shareability s : values()) {
            if (s.bits == bits) {
                return s;
            }
        }
        throw new IllegalArgumentException("SH = 0b01 is reserved");
    }
}
