package dev.levitate.sched.internal;

import java.util.Arrays;

/**
 * An indexed binary min-heap of slots ordered by a pair of {@code long} keys (primary, then
 * secondary): add, poll and remove any slot in O(log n), peek in O(1), no allocation except when
 * it grows. Give every entry a distinct secondary key (a task id, an arrival number) and the order
 * is total, so the minimum is unique and the same calls always give the same answers.
 *
 * <h2>Layout</h2>
 * <pre>
 *   heap[0 .. size-1]   slots in heap order: the parent of i is (i-1)/2, its children 2i+1, 2i+2
 *   pos[slot]           where the slot sits in heap[], or -1 when it is not in the heap
 *   primary[slot], secondary[slot]   its keys, fixed while it is in the heap
 * </pre>
 */
public final class SlotHeap {
    private int[] heap;
    private int[] pos;
    private long[] primary;
    private long[] secondary;
    private int size;

    /**
     * Creates an empty heap.
     *
     * @param capacity the initial number of slots (it grows on demand)
     */
    public SlotHeap(int capacity) {
        int cap = Math.max(4, capacity);
        heap = new int[cap];
        pos = new int[cap];
        Arrays.fill(pos, -1);
        primary = new long[cap];
        secondary = new long[cap];
    }

    /**
     * Adds a slot.
     *
     * @param slot a slot not in the heap
     * @param key1 its primary key
     * @param key2 its secondary key (the tie-break)
     * @throws IllegalStateException if the slot is already in the heap
     */
    public void add(int slot, long key1, long key2) {
        if (slot >= pos.length) {
            int len = Math.max(pos.length << 1, slot + 1);
            int old = pos.length;
            pos = Arrays.copyOf(pos, len);
            Arrays.fill(pos, old, len, -1);
            primary = Arrays.copyOf(primary, len);
            secondary = Arrays.copyOf(secondary, len);
        }
        if (pos[slot] >= 0) {
            throw new IllegalStateException("slot " + slot + " is already in the heap");
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, heap.length << 1);
        }
        primary[slot] = key1;
        secondary[slot] = key2;
        heap[size] = slot;
        pos[slot] = size;
        size++;
        siftUp(size - 1);
    }

    /**
     * Returns the slot with the least keys, leaving it in the heap.
     *
     * @return the slot, or -1 if the heap is empty
     */
    public int peek() {
        return size == 0 ? -1 : heap[0];
    }

    /**
     * Removes and returns the slot with the least keys.
     *
     * @return the slot, or -1 if the heap is empty
     */
    public int poll() {
        if (size == 0) {
            return -1;
        }
        int top = heap[0];
        removeAt(0);
        return top;
    }

    /**
     * Removes a slot.
     *
     * @param slot the slot
     * @return true if it was in the heap
     */
    public boolean remove(int slot) {
        if (slot >= pos.length || pos[slot] < 0) {
            return false;
        }
        removeAt(pos[slot]);
        return true;
    }

    /**
     * Tells whether a slot is in the heap.
     *
     * @param slot the slot
     * @return true if it is
     */
    public boolean contains(int slot) {
        return slot < pos.length && pos[slot] >= 0;
    }

    /**
     * Returns the primary key a slot was added with (meaningful while it is in the heap).
     *
     * @param slot the slot
     * @return the key
     */
    public long primaryKey(int slot) {
        return primary[slot];
    }

    /**
     * Returns the number of slots in the heap.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    private void removeAt(int i) {
        int slot = heap[i];
        pos[slot] = -1;
        size--;
        if (i == size) {
            return;
        }
        int last = heap[size];
        heap[i] = last;
        pos[last] = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private boolean less(int a, int b) {
        long pa = primary[a];
        long pb = primary[b];
        return pa < pb || (pa == pb && secondary[a] < secondary[b]);
    }

    private void siftUp(int i) {
        final int[] h = heap;
        int slot = h[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = h[parent];
            if (!less(slot, p)) {
                break;
            }
            h[i] = p;
            pos[p] = i;
            i = parent;
        }
        h[i] = slot;
        pos[slot] = i;
    }

    private void siftDown(int i) {
        final int[] h = heap;
        final int n = size;
        int slot = h[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            int c = h[child];
            if (child + 1 < n && less(h[child + 1], c)) {
                child++;
                c = h[child];
            }
            if (!less(c, slot)) {
                break;
            }
            h[i] = c;
            pos[c] = i;
            i = child;
        }
        h[i] = slot;
        pos[slot] = i;
    }
}
