package dev.levitate.a64;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an instruction word to the first {@link A64} row that matches it, or
 * {@link #UNDEFINED}.
 *
 * <p>Rows are bucketed by the word's top-level group bits op0 = [28:25] (C4.1): for each of the 16
 * values, the rows whose pattern allows it, in table order. Decoding scans one short bucket.
 * Stateless and thread-safe; the simulator decodes each word once and caches the result.
 */
public final class Decoder {
    private Decoder() {
    }

    /** The result for a word no row matches. */
    public static final int UNDEFINED = -1;

    private static final int[][] BUCKETS = new int[16][];
    private static final int[] MASKS;
    private static final int[] VALUES;

    static {
        A64[] rows = A64.values();
        MASKS = new int[rows.length];
        VALUES = new int[rows.length];
        for (A64 r : rows) {
            MASKS[r.ordinal()] = r.encoding().mask();
            VALUES[r.ordinal()] = r.encoding().value();
        }
        for (int op0 = 0; op0 < 16; op0++) {
            List<Integer> ids = new ArrayList<>();
            int bits = op0 << 25;
            for (A64 r : rows) {
                int m = r.encoding().mask() & (0xF << 25);
                if ((bits & m) == (r.encoding().value() & m)) {
                    ids.add(r.ordinal());
                }
            }
            BUCKETS[op0] = ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Decodes a word.
     *
     * @param word the instruction
     * @return the row id ({@link A64#ordinal()}), or {@link #UNDEFINED}
     */
    public static int decode(int word) {
        final int[] bucket = BUCKETS[(word >>> 25) & 0xF];
        for (int id : bucket) {
            if ((word & MASKS[id]) == VALUES[id]) {
                return id;
            }
        }
        return UNDEFINED;
    }
}
