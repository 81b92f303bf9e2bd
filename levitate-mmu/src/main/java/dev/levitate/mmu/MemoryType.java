package dev.levitate.mmu;

/**
 * Memory types by MAIR_EL1 index (ARM ARM D8.5, "Memory region attributes"). Levitate programs
 * MAIR_EL1 with {@link #MAIR_EL1}: the original kernel's Attr0 and Attr1, plus two more.
 */
public enum MemoryType {
    /** Attr0 = 0xFF: Normal, inner and outer write-back, read/write-allocate. */
    NORMAL_WB(0, 0xFF, "Normal-WB"),
    /** Attr1 = 0x04: Device-nGnRE (MMIO such as the UART and the GIC). */
    DEVICE_NGNRE(1, 0x04, "Device-nGnRE"),
    /** Attr2 = 0x44: Normal, inner and outer non-cacheable. */
    NORMAL_NC(2, 0x44, "Normal-NC"),
    /** Attr3 = 0x00: Device-nGnRnE (strongly ordered). */
    DEVICE_NGNRNE(3, 0x00, "Device-nGnRnE");

    /** The MAIR_EL1 value that gives every index its meaning here: 0x0000_0000_0044_04FF. */
    public static final long MAIR_EL1;

    static {
        long m = 0;
        for (MemoryType t : values()) {
            m |= (long) t.mairByte << (8 * t.index);
        }
        MAIR_EL1 = m;
    }

    private final int index;
    private final int mairByte;
    private final String label;

    MemoryType(int index, int mairByte, String label) {
        this.index = index;
        this.mairByte = mairByte;
        this.label = label;
    }

    /**
     * Returns the AttrIndx value of this type.
     *
     * @return 0..3
     */
    public int index() {
        return index;
    }

    /**
     * Returns the MAIR_EL1 attribute byte of this type.
     *
     * @return the Attr&lt;n&gt; value
     */
    public int mairByte() {
        return mairByte;
    }

    /**
     * Tells whether accesses of this type must be aligned (Device memory).
     *
     * @return true for the Device types
     */
    public boolean isDevice() {
        return this == DEVICE_NGNRE || this == DEVICE_NGNRNE;
    }

    /**
     * Finds the type of an AttrIndx value.
     *
     * @param index 0..7
     * @return the type
     * @throws IllegalArgumentException for an index this MAIR leaves unused (4..7)
     */
    public static MemoryType ofIndex(int index) {
        for (MemoryType t : values()) {
            if (t.index == index) {
                return t;
            }
        }
        throw new IllegalArgumentException("AttrIndx " + index + " is not programmed in Levitate's MAIR_EL1");
    }

    @Override
    public String toString() {
        return label;
    }
}
