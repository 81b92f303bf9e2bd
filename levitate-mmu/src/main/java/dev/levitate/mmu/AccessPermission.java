package dev.levitate.mmu;

/**
 * Stage-1 data access permissions AP[2:1] (ARM ARM D8.4.1, table "Data access permissions").
 *
 * <pre>
 *   AP  EL1   EL0
 *   00  RW    none      RW_EL1
 *   01  RW    RW        RW_ALL
 *   10  RO    none      RO_EL1
 *   11  RO    RO        RO_ALL
 * </pre>
 * AP[2] (bit 7) is "read-only", AP[1] (bit 6) is "EL0 may access". The original kernel tested
 * writability with "contains AP_RW_EL1", which is always true because AP_RW_EL1 is 0; here every
 * question is answered from the bits, and a test covers all four values.
 */
public enum AccessPermission {
    /** EL1 read/write, EL0 no access. */
    RW_EL1(0b00),
    /** EL1 and EL0 read/write. */
    RW_ALL(0b01),
    /** EL1 read-only, EL0 no access. */
    RO_EL1(0b10),
    /** EL1 and EL0 read-only. */
    RO_ALL(0b11);

    private static final int EL0_BIT = 0b01;
    private static final int READ_ONLY_BIT = 0b10;

    private final int bits;

    AccessPermission(int bits) {
        this.bits = bits;
    }

    /**
     * Returns the AP[2:1] value.
     *
     * @return 0..3
     */
    public int bits() {
        return bits;
    }

    /**
     * Finds the permission of an AP[2:1] value.
     *
     * @param bits 0..3
     * @return the permission
     */
    public static AccessPermission ofBits(int bits) {
        return values()[bits & 0b11];
    }

    /**
     * Tells whether EL1 may write.
     *
     * @return true when AP[2] is clear
     */
    public boolean el1Writable() {
        return (bits & READ_ONLY_BIT) == 0;
    }

    /**
     * Tells whether EL0 may read.
     *
     * @return true when AP[1] is set
     */
    public boolean el0Readable() {
        return (bits & EL0_BIT) != 0;
    }

    /**
     * Tells whether EL0 may write.
     *
     * @return true when AP[1] is set and AP[2] is clear
     */
    public boolean el0Writable() {
        return el0Readable() && el1Writable();
    }

    @Override
    public String toString() {
        return switch (this) {
            case RW_EL1 -> "EL1 RW";
            case RW_ALL -> "EL0+EL1 RW";
            case RO_EL1 -> "EL1 RO";
            case RO_ALL -> "EL0+EL1 RO";
        };
    }
}
