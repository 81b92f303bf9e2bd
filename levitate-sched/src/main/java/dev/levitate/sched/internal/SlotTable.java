package dev.levitate.sched.internal;

import java.util.Arrays;

/**
 * Gives each known id a small slot number (0, 1, 2, … reused after release) and keeps one item
 * per slot, so that per-task data can live in primitive arrays indexed by slot.
 *
 * <h2>Layout</h2>
 * An {@link IntIntMap} id → slot; {@code items[slot]}; a free list of released slots threaded
 * through {@code freeNext}. Slots are handed out lowest-never-used first, then most recently
 * released first (LIFO), so the same calls always give the same slots.
 *
 * @param <T> the item type
 */
public final class SlotTable<T> {
    private final IntIntMap index;
    private Object[] items;
    private int[] freeNext;
    private int freeHead = -1;
    private int highWater;
    private int size;

    /**
     * Creates an empty table.
     *
     * @param capacity the initial number of slots (it grows on demand)
     */
    public SlotTable(int capacity) {
        int cap = Math.max(4, capacity);
        index = new IntIntMap(cap);
        items = new Object[cap];
        freeNext = new int[cap];
    }

    /**
     * Returns the slot of an id.
     *
     * @param id the id
     * @return the slot, or -1 if the id is unknown
     */
    public int slotOf(int id) {
        return index.get(id);
    }

    /**
     * Gives an unknown id a slot.
     *
     * @param id the id
     * @param item the item to keep in the slot
     * @return the slot
     * @throws IllegalArgumentException if the id already has a slot
     */
    public int add(int id, T item) {
        if (index.get(id) >= 0) {
            throw new IllegalArgumentException("id " + id + " already has a slot");
        }
        int slot;
        if (freeHead >= 0) {
            slot = freeHead;
            freeHead = freeNext[slot];
        } else {
            if (highWater == items.length) {
                items = Arrays.copyOf(items, items.length << 1);
                freeNext = Arrays.copyOf(freeNext, freeNext.length << 1);
            }
            slot = highWater++;
        }
        items[slot] = item;
        index.put(id, slot);
        size++;
        return slot;
    }

    /**
     * Returns the item of a slot.
     *
     * @param slot a slot in use
     * @return its item
     */
    @SuppressWarnings("unchecked")
    public T item(int slot) {
        return (T) items[slot];
    }

    /**
     * Releases the slot of an id.
     *
     * @param id the id
     * @return the slot it had, or -1 if unknown
     */
    public int release(int id) {
        int slot = index.remove(id);
        if (slot >= 0) {
            items[slot] = null;
            freeNext[slot] = freeHead;
            freeHead = slot;
            size--;
        }
        return slot;
    }

    /**
     * Returns one more than the highest slot ever handed out: per-slot arrays of at least this
     * length are large enough.
     *
     * @return the bound
     */
    public int slotBound() {
        return highWater;
    }

    /**
     * Returns the number of ids that have a slot.
     *
     * @return the count
     */
    public int size() {
        return size;
    }
}
