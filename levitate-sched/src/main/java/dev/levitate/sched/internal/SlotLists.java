package dev.levitate.sched.internal;

import java.util.Arrays;

/**
 * A fixed number of FIFO lists over slots, as intrusive circular doubly linked lists with one
 * sentinel node per list: add at the tail, take from the head, unlink any slot and move every
 * list onto the end of one list, all in O(1) (the last in O(number of lists)); a slot is in at
 * most one list. It allocates only when a slot beyond the current arrays is first used.
 *
 * <h2>Layout</h2>
 * <pre>
 *   node:   0 .. L-1        L .. L+capacity-1
 *           sentinel of     slot s is node L+s
 *           list 0..L-1
 *   next[node], prev[node]: the circular links; next[node] == NONE when a slot is in no list
 * </pre>
 * An empty list's sentinel points to itself. Because unlinking needs only the node's own links,
 * a slot can leave its list without the list being named, and lists can be spliced wholesale
 * (which is what an MLFQ priority boost does).
 */
public final class SlotLists {
    private static final int NONE = -1;

    private final int lists;
    private int[] next;
    private int[] prev;
    private int size;

    /**
     * Creates empty lists.
     *
     * @param lists how many lists, at least 1
     * @param capacity the initial number of slots (it grows on demand)
     * @throws IllegalArgumentException if {@code lists} is below 1
     */
    public SlotLists(int lists, int capacity) {
        if (lists < 1) {
            throw new IllegalArgumentException("need at least one list, got " + lists);
        }
        this.lists = lists;
        int nodes = lists + Math.max(4, capacity);
        next = new int[nodes];
        prev = new int[nodes];
        Arrays.fill(next, NONE);
        for (int l = 0; l < lists; l++) {
            next[l] = l;
            prev[l] = l;
        }
    }

    /**
     * Appends a slot to the tail of a list.
     *
     * @param list the list
     * @param slot a slot in no list
     * @throws IllegalStateException if the slot is already in a list
     */
    public void addLast(int list, int slot) {
        int node = lists + slot;
        if (node >= next.length) {
            int len = Math.max(next.length << 1, node + 1);
            int old = next.length;
            next = Arrays.copyOf(next, len);
            prev = Arrays.copyOf(prev, len);
            Arrays.fill(next, old, len, NONE);
        }
        if (next[node] != NONE) {
            throw new IllegalStateException("slot " + slot + " is already in a list");
        }
        int tail = prev[list];
        next[tail] = node;
        prev[node] = tail;
        next[node] = list;
        prev[list] = node;
        size++;
    }

    /**
     * Returns the slot at the head of a list without removing it.
     *
     * @param list the list
     * @return the slot, or -1 if the list is empty
     */
    public int peekFirst(int list) {
        int first = next[list];
        return first == list ? -1 : first - lists;
    }

    /**
     * Removes and returns the slot at the head of a list.
     *
     * @param list the list
     * @return the slot, or -1 if the list is empty
     */
    public int pollFirst(int list) {
        int first = next[list];
        if (first == list) {
            return -1;
        }
        unlinkNode(first);
        return first - lists;
    }

    /**
     * Takes a slot out of whatever list holds it.
     *
     * @param slot the slot
     * @return true if it was in a list
     */
    public boolean unlink(int slot) {
        int node = lists + slot;
        if (node >= next.length || next[node] == NONE) {
            return false;
        }
        unlinkNode(node);
        return true;
    }

    private void unlinkNode(int node) {
        int p = prev[node];
        int n = next[node];
        next[p] = n;
        prev[n] = p;
        next[node] = NONE;
        prev[node] = NONE;
        size--;
    }

    /**
     * Tells whether a slot is in a list.
     *
     * @param slot the slot
     * @return true if it is
     */
    public boolean contains(int slot) {
        int node = lists + slot;
        return node < next.length && next[node] != NONE;
    }

    /**
     * Tells whether a list is empty.
     *
     * @param list the list
     * @return true if it holds no slot
     */
    public boolean isEmpty(int list) {
        return next[list] == list;
    }

    /**
     * Appends every other list, in increasing list order, to the tail of {@code target}, keeping
     * the order inside each list; the others become empty. O(number of lists).
     *
     * @param target the list that receives everything
     */
    public void moveAllTo(int target) {
        for (int l = 0; l < lists; l++) {
            if (l == target || next[l] == l) {
                continue;
            }
            int first = next[l];
            int last = prev[l];
            int tail = prev[target];
            next[tail] = first;
            prev[first] = tail;
            next[last] = target;
            prev[target] = last;
            next[l] = l;
            prev[l] = l;
        }
    }

    /**
     * Returns the number of slots in all lists.
     *
     * @return the count
     */
    public int size() {
        return size;
    }
}
