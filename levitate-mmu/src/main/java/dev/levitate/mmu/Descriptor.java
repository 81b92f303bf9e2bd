package dev.levitate.mmu;

/**
 * VMSAv8-64 translation table descriptors for the 4 KiB granule (ARM ARM D8.3, "Translation table
 * descriptor formats"), as static helpers on a {@code long}.
 *
 * <h2>Bit layout</h2>
 * <pre>
 *   63  59 58  55 54  53  52     48 47                    12 11  10  9 8  7 6  5   4  2  1  0
 *  +------+------+---+---+--------+------------------------+---+---+----+----+---+------+---+---+
 *  | ign  |  SW  |UXN|PXN|  res0  |   output address [47:12]| nG| AF| SH | AP | NS|AttrIx| T | V |
 *  +------+------+---+---+--------+------------------------+---+---+----+----+---+------+---+---+
 *   V (valid) = 0: invalid, everything else ignored.
 *   T = 1 at levels 0..2: table descriptor (next-level table address in [47:12]).
 *   T = 0 at levels 1..2: block descriptor (1 GiB at level 1, 2 MiB at level 2).
 *   T = 1 at level 3: page descriptor (4 KiB). T = 0 at level 3 is reserved (treated as invalid).
 * </pre>
 * Every shift and mask below is derived from a named position and width.
 */
public final class Descriptor {
    private Descriptor() {
    }

    /** Bit 0: the descriptor is valid. */
    public static final int VALID_BIT = 0;
    /** Bit 1: table (levels 0..2) or page (level 3) rather than block. */
    public static final int TABLE_BIT = 1;
    /** First bit of AttrIndx, the MAIR_EL1 index. */
    public static final int ATTR_INDX_SHIFT = 2;
    /** Width of AttrIndx. */
    public static final int ATTR_INDX_WIDTH = 3;
    /** Bit 5: non-secure. */
    public static final int NS_BIT = 5;
    /** First bit of AP[2:1], the access permissions. */
    public static final int AP_SHIFT = 6;
    /** Width of AP. */
    public static final int AP_WIDTH = 2;
    /** First bit of SH, the shareability. */
    public static final int SH_SHIFT = 8;
    /** Width of SH. */
    public static final int SH_WIDTH = 2;
    /** Bit 10: the access flag. */
    public static final int AF_BIT = 10;
    /** Bit 11: not global (the entry is tagged with the ASID). */
    public static final int NG_BIT = 11;
    /** First bit of the output address. */
    public static final int OA_SHIFT = 12;
    /** Width of the output address field (bits [47:12]). */
    public static final int OA_WIDTH = 36;
    /** Bit 53: privileged execute-never. */
    public static final int PXN_BIT = 53;
    /** Bit 54: unprivileged execute-never. */
    public static final int UXN_BIT = 54;
    /** First bit of the software-use field. */
    public static final int SW_SHIFT = 55;
    /** Width of the software-use field (bits [58:55]). */
    public static final int SW_WIDTH = 4;

    /** Mask of the output address: 0x0000_FFFF_FFFF_F000. */
    public static final long OA_MASK = field(OA_SHIFT, OA_WIDTH);
    /** The two type bits together. */
    public static final long TYPE_MASK = bit(VALID_BIT) | bit(TABLE_BIT);
    /** Type bits of a table or page descriptor: 0b11. */
    public static final long TYPE_TABLE_OR_PAGE = bit(VALID_BIT) | bit(TABLE_BIT);
    /** Type bits of a block descriptor: 0b01. */
    public static final long TYPE_BLOCK = bit(VALID_BIT);
    /** The attribute bits that leaf descriptors carry (everything but type and address). */
    public static final long LEAF_ATTRIBUTE_MASK = field(ATTR_INDX_SHIFT, NG_BIT - ATTR_INDX_SHIFT + 1)
            | bit(PXN_BIT) | bit(UXN_BIT) | field(SW_SHIFT, SW_WIDTH);

    /**
     * Returns a mask with one bit set.
     *
     * @param position the bit
     * @return {@code 1L << position}
     */
    public static long bit(int position) {
        return 1L << position;
    }

    /**
     * Returns a mask of {@code width} bits starting at {@code shift}.
     *
     * @param shift the lowest bit
     * @param width the number of bits
     * @return the mask
     */
    public static long field(int shift, int width) {
        return ((1L << width) - 1) << shift;
    }

    /**
     * Extracts a field.
     *
     * @param descriptor the descriptor
     * @param shift the lowest bit
     * @param width the number of bits
     * @return the field's value
     */
    public static int get(long descriptor, int shift, int width) {
        return (int) ((descriptor >>> shift) & ((1L << width) - 1));
    }

    /**
     * Tells whether the descriptor is valid.
     *
     * @param d the descriptor
     * @return bit 0
     */
    public static boolean isValid(long d) {
        return (d & bit(VALID_BIT)) != 0;
    }

    /**
     * Tells whether the descriptor at {@code level} points to a next-level table.
     *
     * @param d the descriptor
     * @param level 0..3
     * @return true for a table descriptor (levels 0..2, type 0b11)
     */
    public static boolean isTable(long d, int level) {
        return level < 3 && (d & TYPE_MASK) == TYPE_TABLE_OR_PAGE;
    }

    /**
     * Tells whether the descriptor at {@code level} is a block (levels 1..2, type 0b01).
     *
     * @param d the descriptor
     * @param level 0..3
     * @return true for a block descriptor
     */
    public static boolean isBlock(long d, int level) {
        return (level == 1 || level == 2) && (d & TYPE_MASK) == TYPE_BLOCK;
    }

    /**
     * Tells whether the descriptor at {@code level} is a page (level 3, type 0b11).
     *
     * @param d the descriptor
     * @param level 0..3
     * @return true for a page descriptor
     */
    public static boolean isPage(long d, int level) {
        return level == 3 && (d & TYPE_MASK) == TYPE_TABLE_OR_PAGE;
    }

    /**
     * Tells whether the descriptor maps memory (a block or a page).
     *
     * @param d the descriptor
     * @param level 0..3
     * @return true for a leaf
     */
    public static boolean isLeaf(long d, int level) {
        return isBlock(d, level) || isPage(d, level);
    }

    /**
     * Returns the output address: the next table's PA, or the mapped block or page PA.
     *
     * @param d the descriptor
     * @return bits [47:12]
     */
    public static long address(long d) {
        return d & OA_MASK;
    }

    /**
     * Makes a table descriptor.
     *
     * @param tablePa the next-level table, 4 KiB aligned
     * @return the descriptor
     */
    public static long table(long tablePa) {
        return (tablePa & OA_MASK) | TYPE_TABLE_OR_PAGE;
    }

    /**
     * Makes a block descriptor (level 1 or 2).
     *
     * @param pa the block's PA, aligned to the block size
     * @param attributes the leaf attributes
     * @return the descriptor
     */
    public static long block(long pa, Attributes attributes) {
        return (pa & OA_MASK) | attributes.bits() | TYPE_BLOCK;
    }

    /**
     * Makes a page descriptor (level 3).
     *
     * @param pa the page's PA, 4 KiB aligned
     * @param attributes the leaf attributes
     * @return the descriptor
     */
    public static long page(long pa, Attributes attributes) {
        return (pa & OA_MASK) | attributes.bits() | TYPE_TABLE_OR_PAGE;
    }

    /**
     * Describes a descriptor in words, as the page-table dumps print it.
     *
     * @param d the descriptor
     * @param level its level
     * @return e.g. {@code "page 0x4444_5000 Normal-WB EL0+EL1 RW nG UXN PXN AF SH=inner"}
     */
    public static String describe(long d, int level) {
        if (!isValid(d)) {
            return "invalid";
        }
        if (isTable(d, level)) {
            return "table " + dev.levitate.core.LevitateException.hex(address(d));
        }
        String kind = isBlock(d, level) ? (level == 1 ? "block 1G" : "block 2M") : isPage(d, level) ? "page" : "reserved";
        return kind + " " + dev.levitate.core.LevitateException.hex(address(d)) + " " + Attributes.fromDescriptor(d);
    }
}
