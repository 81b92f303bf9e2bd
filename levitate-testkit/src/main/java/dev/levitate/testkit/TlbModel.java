package dev.levitate.testkit;

import static dev.levitate.core.LevitateException.hex;

import dev.levitate.core.alloc.AllocatorStats;
import dev.levitate.core.alloc.PageAllocator;
import dev.levitate.core.mem.PageWriteObserver;
import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.mmu.Descriptor;
import dev.levitate.mmu.Half;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A pessimistic model of the TLB and the walk cache of one translation table (one half of the
 * EL1&amp;0 regime, 4 KiB granule), written from the Arm ARM rather than from any page-table code. It
 * holds <em>every</em> translation the architecture allows the hardware to have cached: any valid
 * leaf or table descriptor that was reachable by a walk at any time since it was last invalidated by
 * a TLBI that covers it <em>and</em> completed by a DSB (ARM ARM D8.13, "TLB maintenance
 * requirements"; D8.14, "TLB conflict aborts" and break-before-make).
 *
 * <h2>What feeds it, in one ordered stream</h2>
 * <ul>
 *   <li>descriptor writes, observed on the table frames in {@link PhysicalMemory} (it watches every
 *       frame reachable from the root with a {@link PageWriteObserver} and keeps a shadow copy, so
 *       each write is seen with its old and new value);</li>
 *   <li>the TLBIs and DSBs of the table's {@link TlbMaintenance} port ({@link #tlb(TlbMaintenance)}
 *       wraps the port the code under test is given);</li>
 *   <li>the frees of table frames ({@link #allocator(PageAllocator)} wraps its allocator).</li>
 * </ul>
 *
 * <h2>The model</h2>
 * <pre>
 *   cached = reachable(now)  U  stale
 *   a write or a detach that makes a cached descriptor unreachable  -&gt; it joins `stale`
 *   TLBI op (VA / ASID / level scope)  -&gt; the stale entries it covers become "pending"
 *   DSB                                -&gt; pending entries leave `stale`; earlier writes are complete
 * </pre>
 * The TLBI scopes are the architecture's: VAE1 (that VA, all levels, that ASID or global), VALE1
 * (that VA, leaf only: the walk cache keeps table entries), VAAE1 / VAALE1 (the same for all
 * ASIDs), ASIDE1 (the ASID's walk-cache entries and non-global leaves; global leaves stay), VMALLE1
 * (everything). A TLBI by VA covers an entry when the VA lies in the region the entry maps; VAs of
 * the other half never match. Leaves with nG = 1 and all walk-cache entries are tagged with the
 * table's ASID (the ASID its TTBR carries, as with TCR_EL1.A1 selecting it); leaves with nG = 0 are
 * global.
 *
 * <h2>What it reports ({@link TlbCheck})</h2>
 * {@link #endOperation()} reports every stale entry that is still cached (it differs from what the
 * tables now say); during the operation it reports a valid-to-valid change that needed
 * break-before-make while the old entry could still be cached, a TLBI that covers a write no DSB
 * completed, and a table frame freed while linked or while a walk-cache entry could still point at
 * it. Messages name the VA, the ASID (or "global"), the level and the old and new descriptors.
 *
 * <h2>Threads</h2>
 * Not thread-safe; one model per table, on the thread that owns it. It takes the memory's write
 * observer: detach it ({@link #detach()}) before sharing the memory with a simulator.
 */
public final class TlbModel {
    private static final int ENTRIES = 512;
    private static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;
    private static final long ATTR_INDX = 0x7L << 2;
    private static final long SH = 0x3L << 8;
    private static final long NG = 1L << 11;
    /** Bits the walker ignores: software use [58:55] of leaves, [58:52] of table descriptors. */
    private static final long LEAF_IGNORED = 0xFL << 55;
    private static final long TABLE_IGNORED = 0x7FL << 52;
    /** At most this many violations are kept per operation (the rest are counted). */
    private static final int MAX_KEPT = 6;

    private final PhysicalMemory memory;
    private final Half half;
    private final int vaBits;
    private final int asid;
    private final int startLevel;
    private final long root;
    private final Map<Long, Node> nodes = new HashMap<>();
    @SuppressWarnings("unchecked")
    private final TreeMap<Long, List<Entry>>[] stale = new TreeMap[4];
    private long dsbs;
    private boolean retired;
    private boolean attached;
    private final List<TlbViolation> violations = new ArrayList<>();
    private int dropped;
    private long tlbis;
    /** The TLBIs of the current operation, for the messages (the first few). */
    private final List<String> operationTlbis = new ArrayList<>();

    /** A watched table frame: where it sits and what it held when last seen. */
    private static final class Node {
        final long frame;
        final int level;
        final long base;
        final long[] shadow = new long[ENTRIES];

        Node(long frame, int level, long base) {
            this.frame = frame;
            this.level = level;
            this.base = base;
        }
    }

    /** A cached translation that is no longer (or may no longer be) what the tables say. */
    private static final class Entry {
        final boolean table;
        final int level;
        final long va;
        final long descriptor;
        final boolean global;
        /** {@link #dsbs} when the write that made it stale happened: complete once dsbs moves on. */
        long writtenAt;
        /** The TLBI that covers it, waiting for a DSB; null if none. */
        String pendingBy;

        Entry(boolean table, int level, long va, long descriptor, boolean global, long writtenAt) {
            this.table = table;
            this.level = level;
            this.va = va;
            this.descriptor = descriptor;
            this.global = global;
            this.writtenAt = writtenAt;
        }
    }

    private TlbModel(PhysicalMemory memory, long root, Half half, int vaBits, int asid) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.half = Objects.requireNonNull(half, "half");
        if (vaBits != 39 && vaBits != 48) {
            throw new IllegalArgumentException("VA size " + vaBits + " bits: the model knows 39 (3 levels) and 48 (4 levels)");
        }
        if ((root & 0xFFF) != 0 || !memory.contains(root, 4096)) {
            throw new IllegalArgumentException("root " + hex(root) + " is not a 4 KiB frame of " + memory);
        }
        this.vaBits = vaBits;
        this.asid = asid;
        this.root = root;
        this.startLevel = 3 - (vaBits - 12 - 1) / 9;
        for (int l = 0; l < 4; l++) {
            stale[l] = new TreeMap<>();
        }
    }

    /**
     * Starts modelling the TLB of the table at {@code root}: takes the memory's write observer,
     * watches every table reachable from the root and assumes everything they map may be cached.
     *
     * @param memory where the tables live
     * @param root the root table's frame
     * @param half the half the table translates
     * @param vaBits 39 or 48
     * @param asid the ASID its non-global entries and walk-cache entries are tagged with
     * @return the model
     * @throws IllegalArgumentException if the root is not a frame of {@code memory} or vaBits is not 39 or 48
     */
    public static TlbModel attach(PhysicalMemory memory, long root, Half half, int vaBits, int asid) {
        TlbModel m = new TlbModel(memory, root, half, vaBits, asid);
        memory.setWriteObserver(m::written);
        m.attached = true;
        m.attachTable(root, m.startLevel, m.halfStart());
        return m;
    }

    /** Stops watching: unwatches every table frame and clears the memory's write observer. */
    public void detach() {
        for (Node n : nodes.values()) {
            memory.unwatchPage(n.frame);
        }
        nodes.clear();
        if (attached) {
            memory.setWriteObserver(null);
            attached = false;
        }
    }

    // ================================================================== the ports

    /**
     * Wraps a TLB port: every operation is modelled, then forwarded to {@code next}.
     *
     * @param next the port to forward to (for example {@link TlbMaintenance#none()})
     * @return the port to give the code under test
     */
    public TlbMaintenance tlb(TlbMaintenance next) {
        Objects.requireNonNull(next, "next");
        return new TlbMaintenance() {
            @Override public void vae1(long va, int a) { tlbi(TlbiOp.VAE1, va, a); next.vae1(va, a); }
            @Override public void vale1(long va, int a) { tlbi(TlbiOp.VALE1, va, a); next.vale1(va, a); }
            @Override public void vaae1(long va) { tlbi(TlbiOp.VAAE1, va, -1); next.vaae1(va); }
            @Override public void vaale1(long va) { tlbi(TlbiOp.VAALE1, va, -1); next.vaale1(va); }
            @Override public void aside1(int a) { tlbi(TlbiOp.ASIDE1, 0, a); next.aside1(a); }
            @Override public void vmalle1() { tlbi(TlbiOp.VMALLE1, 0, -1); next.vmalle1(); }
            @Override public void dsb() { TlbModel.this.dsb(); next.dsb(); }
        };
    }

    /**
     * Wraps an allocator: every free is checked against the tables and the walk cache before it is
     * forwarded to {@code next}.
     *
     * @param next the allocator the tables come from
     * @return the allocator to give the code under test
     */
    public PageAllocator allocator(PageAllocator next) {
        Objects.requireNonNull(next, "next");
        return new PageAllocator() {
            @Override public long tryAllocate(int order) { return next.tryAllocate(order); }
            @Override public void free(long pa, int order) { freeing(pa, order); next.free(pa, order); }
            @Override public int maxOrder() { return next.maxOrder(); }
            @Override public long freeFrames() { return next.freeFrames(); }
            @Override public long usedFrames() { return next.usedFrames(); }
            @Override public AllocatorStats stats() { return next.stats(); }
        };
    }

    // ================================================================== operations

    /**
     * Ends an operation: every stale entry still cached is reported as {@link TlbCheck#STALE_ENTRY}
     * (and forgotten, so it is reported once); stale entries that match the tables again are dropped.
     *
     * @return the violations of the operation (since the last call), oldest first
     */
    public List<TlbViolation> endOperation() {
        for (int l = 0; l < 4; l++) {
            for (Iterator<List<Entry>> it = stale[l].values().iterator(); it.hasNext(); ) {
                List<Entry> list = it.next();
                for (Entry e : list) {
                    long now = current(e.level, e.va);
                    if (!sameTranslation(e, now)) {
                        report(TlbCheck.STALE_ENTRY, describe(e) + " may still be cached, but the tables now say "
                                + describeNow(e.level, e.va, now) + "; " + (e.pendingBy != null ? "the " + e.pendingBy
                                + " that covers it was never completed by a DSB" : "no TLBI covering it (VA, level, ASID) followed the change"
                                + " (this operation's TLBIs: " + (operationTlbis.isEmpty() ? "none" : String.join(", ", operationTlbis)) + ")"));
                    }
                }
                it.remove();
            }
        }
        List<TlbViolation> out = List.copyOf(violations);
        if (dropped > 0) {
            out = new ArrayList<>(out);
            out.add(new TlbViolation(out.get(0).check(), "... and " + dropped + " more violations in this operation"));
            out = List.copyOf(out);
        }
        violations.clear();
        dropped = 0;
        operationTlbis.clear();
        return out;
    }

    /**
     * Ends an operation and throws if anything was found.
     *
     * @param operation what ran, for the message
     * @throws AssertionError listing the violations
     */
    public void assertClean(String operation) {
        List<TlbViolation> v = endOperation();
        if (!v.isEmpty()) {
            StringBuilder sb = new StringBuilder("TLB model after ").append(operation).append(':');
            for (TlbViolation x : v) {
                sb.append("\n  ").append(x);
            }
            throw new AssertionError(sb.toString());
        }
    }

    /**
     * The table stops being walked (its TTBR was switched away, before a destroy): everything it
     * maps may still be cached and must be invalidated before its frames are freed.
     */
    public void retire() {
        Node r = nodes.get(root);
        if (r != null) {
            detachTable(r.frame);
        }
        retired = true;
    }

    /**
     * Returns how many stale entries the model holds right now (cached, differing from the tables).
     *
     * @return the count
     */
    public int staleEntries() {
        int n = 0;
        for (TreeMap<Long, List<Entry>> m : stale) {
            for (List<Entry> l : m.values()) {
                n += l.size();
            }
        }
        return n;
    }

    /**
     * Returns how many table frames the model watches (the tables reachable from the root).
     *
     * @return the count
     */
    public int watchedTables() {
        return nodes.size();
    }

    /**
     * Returns how many TLBIs the model has seen.
     *
     * @return the count
     */
    public long tlbis() {
        return tlbis;
    }

    // ================================================================== descriptor writes

    private void written(long pa, int length) {
        Node n = nodes.get(pa & ~0xFFFL);
        if (n == null) {
            return;
        }
        int first = (int) ((pa & 0xFFF) >>> 3);
        int last = (int) (((pa & 0xFFF) + length - 1) >>> 3);
        for (int i = first; i <= last && nodes.get(n.frame) == n; i++) {
            long now = memory.read64(n.frame + 8L * i);
            long old = n.shadow[i];
            if (now != old) {
                n.shadow[i] = now;
                changed(n, i, old, now);
            }
        }
    }

    private void changed(Node n, int i, long old, long now) {
        int level = n.level;
        long va = n.base + i * span(level);
        if (isTable(old, level)) {
            addStale(true, level, va, old);
            detachTable(old & OA_MASK);
        } else if (isLeaf(old, level)) {
            addStale(false, level, va, old);
        }
        if (isTable(now, level)) {
            checkBreakBeforeMake(true, level, va, now);
            attachTable(now & OA_MASK, level + 1, va);
        } else if (isLeaf(now, level)) {
            checkBreakBeforeMake(false, level, va, now);
        }
    }

    private void attachTable(long frame, int level, long base) {
        if (nodes.containsKey(frame) || !memory.contains(frame, 4096)) {
            return; // linked twice or outside RAM: the invariants name it
        }
        Node n = new Node(frame, level, base);
        nodes.put(frame, n);
        memory.watchPage(frame);
        for (int i = 0; i < ENTRIES; i++) {
            long d = memory.read64(frame + 8L * i);
            n.shadow[i] = d;
            long va = base + i * span(level);
            if (isTable(d, level)) {
                checkBreakBeforeMake(true, level, va, d);
                attachTable(d & OA_MASK, level + 1, va);
            } else if (isLeaf(d, level)) {
                checkBreakBeforeMake(false, level, va, d);
            }
        }
    }

    /** A table became unreachable: everything it held may still be cached. */
    private void detachTable(long frame) {
        Node n = nodes.remove(frame);
        if (n == null) {
            return;
        }
        memory.unwatchPage(frame);
        for (int i = 0; i < ENTRIES; i++) {
            long d = n.shadow[i];
            long va = n.base + i * span(n.level);
            if (isTable(d, n.level)) {
                addStale(true, n.level, va, d);
                detachTable(d & OA_MASK);
            } else if (isLeaf(d, n.level)) {
                addStale(false, n.level, va, d);
            }
        }
    }

    private void addStale(boolean table, int level, long va, long d) {
        List<Entry> list = stale[level].computeIfAbsent(va, k -> new ArrayList<>(2));
        for (Entry e : list) {
            if (e.table == table && e.descriptor == d) {
                e.writtenAt = dsbs;
                e.pendingBy = null;
                return;
            }
        }
        list.add(new Entry(table, level, va, d, !table && (d & NG) == 0, dsbs));
    }

    /**
     * A valid descriptor becomes reachable at (level, va): compares it with every stale entry for an
     * overlapping region that could still be cached (ARM ARM D8.14.1).
     */
    private void checkBreakBeforeMake(boolean table, int level, long va, long d) {
        long end = va + span(level);
        for (int l = 0; l < 4; l++) {
            TreeMap<Long, List<Entry>> m = stale[l];
            if (m.isEmpty()) {
                continue;
            }
            Iterable<List<Entry>> overlapping;
            if (l <= level) {
                List<Entry> one = m.get(va & -span(l));
                if (one == null) {
                    continue;
                }
                overlapping = List.of(one);
            } else {
                overlapping = m.subMap(va, true, end - 1, true).values();
            }
            for (List<Entry> list : overlapping) {
                for (Entry e : list) {
                    String why = bbmReason(e, table, level, d);
                    if (why != null) {
                        report(TlbCheck.BREAK_BEFORE_MAKE, describe(e) + " could still be cached when the entry " + where(level, va)
                                + " became " + Descriptor.describe(d, level) + " (" + hex(d) + "): " + why
                                + " needs break-before-make (write invalid, DSB, TLBI, DSB, then the new descriptor)"
                                + (e.pendingBy != null ? "; the " + e.pendingBy + " was not yet completed by a DSB" : ""));
                    }
                }
            }
        }
    }

    private static String bbmReason(Entry e, boolean table, int level, long d) {
        if (e.level == level) {
            if (e.table && table) {
                return (e.descriptor & OA_MASK) != (d & OA_MASK) ? "a table descriptor pointing at another table" : null;
            }
            if (e.table != table) {
                return e.table ? "a table replaced by a block" : "a block replaced by a table";
            }
            List<String> r = new ArrayList<>();
            if ((e.descriptor & OA_MASK) != (d & OA_MASK)) {
                r.add("a new output address");
            }
            if ((e.descriptor & ATTR_INDX) != (d & ATTR_INDX)) {
                r.add("a new memory type (AttrIndx)");
            }
            if ((e.descriptor & SH) != (d & SH)) {
                r.add("a new shareability");
            }
            if ((e.descriptor & NG) != 0 && (d & NG) == 0) {
                r.add("nG from 1 to 0 (a per-ASID entry becoming global)");
            }
            return r.isEmpty() ? null : String.join(" and ", r);
        }
        if (!e.table && !table) {
            return "a new block size (" + sizeName(e.level) + " to " + sizeName(level) + ")";
        }
        return null;
    }

    // ================================================================== TLBIs, DSBs, frees

    private void tlbi(TlbiOp op, long va, int opAsid) {
        tlbis++;
        String name = "TLBI " + op + (op.byVa() ? " va=" + hex(va) : "") + (op.byAsid() ? " asid=" + opAsid : "");
        if (operationTlbis.size() < 4) {
            operationTlbis.add(name);
        } else if (operationTlbis.size() == 4) {
            operationTlbis.add("...");
        }
        boolean reportedEarly = false;
        for (int l = 0; l < 4; l++) {
            Iterable<List<Entry>> candidates;
            if (op.byVa()) {
                List<Entry> one = stale[l].get(va & -span(l));
                if (one == null) {
                    continue;
                }
                candidates = List.of(one);
            } else {
                candidates = stale[l].values();
            }
            for (List<Entry> list : candidates) {
                for (Entry e : list) {
                    if (!covers(op, opAsid, e)) {
                        continue;
                    }
                    if (e.writtenAt == dsbs) {
                        if (!reportedEarly) {
                            reportedEarly = true;
                            report(TlbCheck.TLBI_BEFORE_DSB, name + " ran before a DSB completed the write that changed "
                                    + describe(e) + " to " + describeNow(e.level, e.va, current(e.level, e.va))
                                    + ": the walker may refill the old value after the TLBI (write, DSB, TLBI, DSB)");
                        }
                        continue;
                    }
                    if (e.pendingBy == null) {
                        e.pendingBy = name;
                    }
                }
            }
        }
    }

    private boolean covers(TlbiOp op, int opAsid, Entry e) {
        boolean asidMatch = e.global || asid == opAsid;
        return switch (op) {
            case VAE1 -> asidMatch;
            case VALE1 -> !e.table && asidMatch;
            case VAAE1, VMALLE1 -> true;
            case VAALE1 -> !e.table;
            case ASIDE1 -> !e.global && asid == opAsid;
            case DSB -> false;
        };
    }

    private void dsb() {
        dsbs++;
        for (TreeMap<Long, List<Entry>> m : stale) {
            for (Iterator<List<Entry>> it = m.values().iterator(); it.hasNext(); ) {
                List<Entry> list = it.next();
                list.removeIf(e -> e.pendingBy != null);
                if (list.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private void freeing(long pa, int order) {
        if (order != 0) {
            return;
        }
        Node n = nodes.get(pa);
        if (n != null) {
            report(TlbCheck.FREED_WHILE_LINKED, "table frame " + hex(pa) + " (level " + n.level + ", covering "
                    + hex(n.base) + ".." + hex(n.base + span(n.level) * ENTRIES - 1)
                    + (pa == root ? ", the root" : "") + ") was freed while still linked in the tables");
            return;
        }
        for (TreeMap<Long, List<Entry>> m : stale) {
            for (List<Entry> list : m.values()) {
                for (Entry e : list) {
                    if (e.table && (e.descriptor & OA_MASK) == pa) {
                        report(TlbCheck.FREED_BEFORE_INVALIDATE, "table frame " + hex(pa) + " was freed while " + describe(e)
                                + " could still point at it: " + (e.pendingBy != null ? "the " + e.pendingBy
                                + " that covers it was not yet completed by a DSB" : "no TLBI covering it (all levels, its VA and ASID) was issued"
                                + " (TLBIs so far in this operation: " + (operationTlbis.isEmpty() ? "none" : String.join(", ", operationTlbis)) + ")"));
                        return;
                    }
                }
            }
        }
    }

    // ================================================================== walking and naming

    private long current(int level, long va) {
        if (retired) {
            return 0;
        }
        Node n = nodes.get(root);
        for (int l = startLevel; n != null; l++) {
            long d = n.shadow[index(va, l)];
            if (l == level) {
                return d;
            }
            if (!isTable(d, l)) {
                return 0;
            }
            n = nodes.get(d & OA_MASK);
        }
        return 0;
    }

    private static boolean sameTranslation(Entry e, long now) {
        long ignored = e.table ? TABLE_IGNORED : LEAF_IGNORED;
        return (e.descriptor & ~ignored) == (now & ~ignored) && (e.table ? isTable(now, e.level) : isLeaf(now, e.level));
    }

    private String describe(Entry e) {
        return (e.table ? "the walk-cache entry " : "the cached leaf ") + where(e.level, e.va) + " "
                + (e.global ? "global" : "ASID " + asid) + " = " + Descriptor.describe(e.descriptor, e.level)
                + " (" + hex(e.descriptor) + ")";
    }

    private static String where(int level, long va) {
        return "for VA " + hex(va) + " at level " + level;
    }

    private String describeNow(int level, long va, long now) {
        if (retired) {
            return "nothing (the table was retired)";
        }
        if (!isTable(now, level) && !isLeaf(now, level)) {
            return "nothing at level " + level + " (unmapped or a different walk)";
        }
        return Descriptor.describe(now, level) + " (" + hex(now) + ")";
    }

    private static String sizeName(int level) {
        return switch (level) {
            case 1 -> "1 GiB";
            case 2 -> "2 MiB";
            case 3 -> "4 KiB";
            default -> "level " + level;
        };
    }

    private void report(TlbCheck check, String message) {
        if (violations.size() < MAX_KEPT) {
            violations.add(new TlbViolation(check, message));
        } else {
            dropped++;
        }
    }

    private long halfStart() {
        return half == Half.LOWER ? 0 : -1L << vaBits;
    }

    private static long span(int level) {
        return 1L << (12 + 9 * (3 - level));
    }

    private static int index(long va, int level) {
        return (int) (va >>> (12 + 9 * (3 - level))) & (ENTRIES - 1);
    }

    /** Levels 0..2, type 0b11 (ARM ARM D8.3.1). */
    private static boolean isTable(long d, int level) {
        return level < 3 && (d & 3) == 3;
    }

    /** A block at level 1 or 2 (type 0b01) or a page at level 3 (type 0b11). */
    private static boolean isLeaf(long d, int level) {
        return level == 3 ? (d & 3) == 3 : (level == 1 || level == 2) && (d & 3) == 1;
    }

    @Override
    public String toString() {
        return "TlbModel[" + half + " " + vaBits + "-bit, root " + hex(root) + ", ASID " + asid + ", " + nodes.size()
                + " tables watched, " + staleEntries() + " stale entries]";
    }
}
