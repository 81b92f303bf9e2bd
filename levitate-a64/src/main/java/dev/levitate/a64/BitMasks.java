package dev.levitate.a64;

/**
 * DecodeBitMasks (ARM ARM J1.1, shared/functions/integer): the bitmask immediates of the logical
 * instructions and the masks of the bitfield moves.
 */
public final class BitMasks {
    private BitMasks() {
    }

    /** Returned for a reserved (N, imms) combination (0 is never a valid mask). */
    public static final long INVALID = 0;

    private static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    private static long ror(long value, int shift, int width) {
        long m = ones(width);
        value &= m;
        if (shift == 0) {
            return value;
        }
        return ((value >>> shift) | (value << (width - shift))) & m;
    }

    private static long replicate(long value, int esize, int datasize) {
        long r = 0;
        for (int i = 0; i < datasize; i += esize) {
            r |= (value & ones(esize)) << i;
        }
        return r;
    }

    /**
     * Returns the element size of (N, imms): the highest set bit of {@code N:NOT(imms)}.
     *
     * @param n N
     * @param imms imms
     * @return the element size 2..64, or -1 if reserved
     */
    static int elementSize(int n, int imms) {
        int combined = (n << 6) | (~imms & 0x3F);
        if (combined == 0) {
            return -1;
        }
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        return len < 1 ? -1 : 1 << len;
    }

    /**
     * The wmask of DecodeBitMasks for a logical immediate.
     *
     * @param n N
     * @param imms imms
     * @param immr immr
     * @param datasize 32 or 64
     * @return the immediate, or {@link #INVALID} (0 is never a valid bitmask immediate)
     */
    public static long logicalImmediate(int n, int imms, int immr, int datasize) {
        return TABLES[datasize == 64 ? 1 : 0][0][(n & 1) << 12 | (immr & 63) << 6 | (imms & 63)];
    }

    private static long computeLogical(int n, int imms, int immr, int datasize) {
        int esize = elementSize(n, imms);
        if (esize < 0 || esize > datasize) {
            return INVALID;
        }
        int levels = esize - 1;
        int s = imms & levels;
        int r = immr & levels;
        if (s == levels) {
            return INVALID; // all ones is reserved
        }
        long welem = ones(s + 1);
        return replicate(ror(welem, r, esize), esize, datasize);
    }

    /**
     * The wmask of DecodeBitMasks for the bitfield moves (immediate = FALSE); allocation-free.
     *
     * @param n N
     * @param imms imms
     * @param immr immr
     * @param datasize 32 or 64
     * @return wmask, or {@link #INVALID} if reserved
     */
    public static long bitfieldWmask(int n, int imms, int immr, int datasize) {
        return TABLES[datasize == 64 ? 1 : 0][1][(n & 1) << 12 | (immr & 63) << 6 | (imms & 63)];
    }

    private static long computeWmask(int n, int imms, int immr, int datasize) {
        int esize = elementSize(n, imms);
        if (esize < 0 || esize > datasize) {
            return INVALID;
        }
        int levels = esize - 1;
        return replicate(ror(ones((imms & levels) + 1), immr & levels, esize), esize, datasize);
    }

    /**
     * The tmask of DecodeBitMasks for the bitfield moves; allocation-free.
     *
     * @param n N
     * @param imms imms
     * @param immr immr
     * @param datasize 32 or 64
     * @return tmask, or {@link #INVALID} if reserved
     */
    public static long bitfieldTmask(int n, int imms, int immr, int datasize) {
        return TABLES[datasize == 64 ? 1 : 0][2][(n & 1) << 12 | (immr & 63) << 6 | (imms & 63)];
    }

    /**
     * Every result of the three decodings, computed once: [32 or 64 bits][logical, wmask, tmask]
     * [N:immr:imms]. The simulator decodes these immediates on every execution, so a table load
     * replaces the replicate loop (192 KiB in all).
     */
    private static final long[][][] TABLES = new long[2][3][1 << 13];

    static {
        for (int d = 0; d < 2; d++) {
            int datasize = d == 0 ? 32 : 64;
            for (int i = 0; i < 1 << 13; i++) {
                int n = i >>> 12;
                int immr = (i >>> 6) & 63;
                int imms = i & 63;
                TABLES[d][0][i] = computeLogical(n, imms, immr, datasize);
                TABLES[d][1][i] = computeWmask(n, imms, immr, datasize);
                TABLES[d][2][i] = computeTmask(n, imms, immr, datasize);
            }
        }
    }

    private static long computeTmask(int n, int imms, int immr, int datasize) {
        int esize = elementSize(n, imms);
        if (esize < 0 || esize > datasize) {
            return INVALID;
        }
        int levels = esize - 1;
        int diff = ((imms & levels) - (immr & levels)) & levels;
        return replicate(ones(diff + 1), esize, datasize);
    }

    /**
     * Encodes a value as (N, immr, imms) if it is a bitmask immediate.
     *
     * @param value the value
     * @param datasize 32 or 64
     * @return {N, immr, imms}, or null if not encodable
     */
    public static int[] encodeLogical(long value, int datasize) {
        for (int n = 0; n <= (datasize == 64 ? 1 : 0); n++) {
            for (int imms = 0; imms < 64; imms++) {
                for (int immr = 0; immr < 64; immr++) {
                    if (datasize == 32 && immr >= 32) {
                        continue;
                    }
                    long v = logicalImmediate(n, imms, immr, datasize);
                    if (v != INVALID && v == (datasize == 32 ? value & 0xFFFF_FFFFL : value)) {
                        return new int[] {n, immr, imms};
                    }
                }
            }
        }
        return null;
    }
}
