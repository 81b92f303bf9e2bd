package dev.levitate.core.tlb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TlbMaintenance} that keeps the exact sequence of operations (and optionally forwards
 * each to another port, such as a simulated TLB), so tests can assert which invalidations ran,
 * in what order, and how many of each kind.
 *
 * <p>Not thread-safe.
 */
public final class RecordingTlbMaintenance implements TlbMaintenance {
    private final TlbMaintenance next;
    private final List<TlbiRecord> log = new ArrayList<>();
    private final long[] counts = new long[TlbiOp.values().length];

    /** Creates a recorder that forwards nowhere. */
    public RecordingTlbMaintenance() {
        this(TlbMaintenance.none());
    }

    /**
     * Creates a recorder that forwards every operation to {@code next} after recording it.
     *
     * @param next the port to forward to
     */
    public RecordingTlbMaintenance(TlbMaintenance next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    private void record(TlbiOp op, long va, int asid) {
        log.add(new TlbiRecord(op, va, asid));
        counts[op.ordinal()]++;
    }

    @Override public void vae1(long va, int asid) { record(TlbiOp.VAE1, va, asid); next.vae1(va, asid); }
    @Override public void vale1(long va, int asid) { record(TlbiOp.VALE1, va, asid); next.vale1(va, asid); }
    @Override public void vaae1(long va) { record(TlbiOp.VAAE1, va, -1); next.vaae1(va); }
    @Override public void vaale1(long va) { record(TlbiOp.VAALE1, va, -1); next.vaale1(va); }
    @Override public void aside1(int asid) { record(TlbiOp.ASIDE1, 0, asid); next.aside1(asid); }
    @Override public void vmalle1() { record(TlbiOp.VMALLE1, 0, -1); next.vmalle1(); }
    @Override public void dsb() { record(TlbiOp.DSB, 0, -1); next.dsb(); }

    /**
     * Returns the operations recorded so far, oldest first.
     *
     * @return an unmodifiable view of the log
     */
    public List<TlbiRecord> log() {
        return Collections.unmodifiableList(log);
    }

    /**
     * Returns the number of operations of one kind recorded so far.
     *
     * @param op the kind
     * @return its count
     */
    public long count(TlbiOp op) {
        return counts[op.ordinal()];
    }

    /**
     * Returns the number of invalidations (every operation but {@link TlbiOp#DSB}).
     *
     * @return the number of TLBI operations
     */
    public long invalidations() {
        long n = 0;
        for (TlbiOp op : TlbiOp.values()) {
            if (op.isInvalidation()) {
                n += counts[op.ordinal()];
            }
        }
        return n;
    }

    /**
     * Returns the counts of every kind.
     *
     * @return a fresh map from kind to count
     */
    public Map<TlbiOp, Long> counts() {
        Map<TlbiOp, Long> m = new EnumMap<>(TlbiOp.class);
        for (TlbiOp op : TlbiOp.values()) {
            m.put(op, counts[op.ordinal()]);
        }
        return m;
    }

    /**
     * Returns the size of the log, a mark to pass to {@link #since(int)}.
     *
     * @return the number of records so far
     */
    public int mark() {
        return log.size();
    }

    /**
     * Returns the records added after a {@link #mark()}.
     *
     * @param mark a value returned by {@link #mark()}
     * @return a copy of the records since then
     */
    public List<TlbiRecord> since(int mark) {
        return List.copyOf(log.subList(mark, log.size()));
    }

    /**
     * Forgets everything recorded (counts too).
     */
    public void clear() {
        log.clear();
        java.util.Arrays.fill(counts, 0);
    }
}
