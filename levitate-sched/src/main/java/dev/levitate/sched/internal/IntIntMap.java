package dev.levitate.sched.internal;

/**
 * A map from {@code int} keys to non-negative {@code int} values, with open addressing and linear
 * probing; it allocates only when it grows.
 *
 * <h2>Layout</h2>
 * Two parallel arrays of a power-of-two length: {@code keys[i]} and {@code vals[i]}, where
 * {@code vals[i]} holds the value plus one, so that 0 marks an empty cell and every {@code int}
 * is a valid key. The load factor stays at most 1/2.
 *
 * <h2>Operations</h2>
 * <ol>
 *   <li>home cell of a key: {@code (k * 0x9E3779B9) ^ ((k * 0x9E3779B9) >>> 16)}, masked;</li>
 *   <li>get / put: probe forward from the home cell until the key or an empty cell;</li>
 *   <li>remove: backward-shift deletion (no tombstones): every following entry of the cluster
 *       whose home is not in the cyclic range (hole, its cell] moves into the hole.</li>
 * </ol>
 * Expected O(1) per operation. Lookups only: there is no iteration, so no hash order can leak
 * into a scheduling decision.
 */
public final class IntIntMap {
    private static final int MIN_CAPACITY = 16;
    private static final int GOLDEN = 0x9E3779B9;

    private int[] keys;
    private int[] vals;
    private int mask;
    private int size;

    /**
     * Creates an empty map.
     *
     * @param expected how many keys it should hold without growing
     */
    public IntIntMap(int expected) {
        int cap = MIN_CAPACITY;
        while (cap < 2L * expected) {
            cap <<= 1;
        }
        keys = new int[cap];
        vals = new int[cap];
        mask = cap - 1;
    }

    private static int home(int key, int mask) {
        int h = key * GOLDEN;
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * Returns the value of a key.
     *
     * @param key the key
     * @return its value, or -1 if absent
     */
    public int get(int key) {
        final int[] k = keys;
        final int[] v = vals;
        final int m = mask;
        for (int i = home(key, m);; i = (i + 1) & m) {
            int x = v[i];
            if (x == 0) {
                return -1;
            }
            if (k[i] == key) {
                return x - 1;
            }
        }
    }

    /**
     * Sets the value of a key.
     *
     * @param key the key
     * @param value the value, at least 0
     * @throws IllegalArgumentException if the value is negative
     */
    public void put(int key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value " + value + " for key " + key + " is negative");
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        final int m = mask;
        for (int i = home(key, m);; i = (i + 1) & m) {
            if (vals[i] == 0) {
                keys[i] = key;
                vals[i] = value + 1;
                size++;
                return;
            }
            if (keys[i] == key) {
                vals[i] = value + 1;
                return;
            }
        }
    }

    /**
     * Removes a key.
     *
     * @param key the key
     * @return its value, or -1 if it was absent
     */
    public int remove(int key) {
        final int[] k = keys;
        final int[] v = vals;
        final int m = mask;
        int i = home(key, m);
        while (true) {
            if (v[i] == 0) {
                return -1;
            }
            if (k[i] == key) {
                break;
            }
            i = (i + 1) & m;
        }
        int old = v[i] - 1;
        int hole = i;
        for (int j = (i + 1) & m; v[j] != 0; j = (j + 1) & m) {
            int h = home(k[j], m);
            if (((j - h) & m) >= ((j - hole) & m)) {
                k[hole] = k[j];
                v[hole] = v[j];
                hole = j;
            }
        }
        v[hole] = 0;
        size--;
        return old;
    }

    /**
     * Returns the number of keys.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    private void grow() {
        int[] oldK = keys;
        int[] oldV = vals;
        keys = new int[oldK.length << 1];
        vals = new int[oldK.length << 1];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldK.length; i++) {
            if (oldV[i] != 0) {
                put(oldK[i], oldV[i] - 1);
            }
        }
    }
}
