package dev.levitate.core.mem;

import dev.levitate.core.LevitateException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A sparse, little-endian physical address space of up to 2<sup>48</sup> bytes, made of one or more
 * RAM regions.
 *
 * <h2>Design</h2>
 * <pre>
 *   page index p = (pa - region.base) &gt;&gt;&gt; 12          (4 KiB frames, PAGE_SHIFT = 12)
 *
 *   dir[p &gt;&gt;&gt; 18][(p &gt;&gt;&gt; 9) &amp; 511][p &amp; 511] -&gt; byte[4096] or null
 *       L1: 1 GiB per entry   L2: 2 MiB per entry   L3: one 4 KiB page
 * </pre>
 * A page materialises on its first write; a read of a page never written returns zero and
 * allocates nothing. Only the L1 array is allocated up front (one reference per GiB), so a 4 GiB
 * region costs 4 references until it is touched, and the whole 48-bit space costs 256 Ki.
 *
 * <h2>Operations</h2>
 * <ol>
 *   <li>Every access is bounds-checked against the regions first; an access that is not wholly
 *       inside one region throws {@link PhysicalAddressException} before touching anything.</li>
 *   <li>Accesses inside one page go through a {@link VarHandle} byte-array view (one bounds-checked
 *       load or store); an access that crosses a page boundary is split byte by byte.</li>
 *   <li>A direct-mapped cache of 256 materialised pages (by frame number) serves
 *       {@link #read64}/{@link #write64} inside one page, and {@link #zeroPage(long)}, without the
 *       region check or the radix walk; dropping a page drops its cache entry.</li>
 *   <li>{@link #zeroPage(long)} clears a page in place without allocating, only the lines written
 *       since it was last zeroed; {@link #release} and
 *       {@link #zero(long, long)} drop whole pages, so they are sparse again.</li>
 * </ol>
 *
 * <p>Multi-byte values are little-endian, as AArch64 data accesses are with SCTLR_EL1.EE = 0.
 * Alignment is not checked here: alignment faults are the business of the CPU (ARM ARM B2.5).
 *
 * <h2>Threads</h2>
 * Not thread-safe: a {@code PhysicalMemory} belongs to one thread (the one that owns the machine or
 * kernel using it).
 */
public final class PhysicalMemory {

    /** log2 of the page size: the 4 KiB translation granule. */
    public static final int PAGE_SHIFT = 12;
    /** The page size in bytes, 4096. */
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    /** Mask of the offset bits inside a page. */
    public static final long PAGE_MASK = PAGE_SIZE - 1;
    /** Number of physical address bits supported (the 48-bit PARange of ARMv8.0). */
    public static final int PA_BITS = 48;
    /** First address past the physical address space, 2<sup>48</sup>. */
    public static final long MAX_ADDRESS = 1L << PA_BITS;

    private static final int L3_BITS = 9;
    private static final int L2_BITS = 9;
    private static final int L3_MASK = (1 << L3_BITS) - 1;
    private static final int L2_MASK = (1 << L2_BITS) - 1;
    private static final int L1_SHIFT = L3_BITS + L2_BITS;

    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Per-region storage. */
    private static final class Store {
        final MemoryRegion region;
        final long base;
        final long limit;
        final byte[][][][] dir;
        /**
         * Dirty lines per page, parallel to {@code dir}: [l1][l2] -&gt; long[512 + 8]; entry i3 has
         * bit j set if the 64-byte line j of page i3 may be non-zero; the last 8 longs are a
         * bitmap of the pages handed out by {@link #backingPage} (written behind our back, so
         * always zeroed whole).
         */
        final long[][][] dirty;
        /** Watch bits per 2 MiB chunk: [l1][l2] -&gt; long[8] (512 bits), allocated on first watch. */
        final long[][][] watch;

        Store(MemoryRegion region) {
            this.region = region;
            this.base = region.base();
            this.limit = region.limit();
            long pages = region.size() >>> PAGE_SHIFT;
            int l1 = (int) ((pages + (1L << L1_SHIFT) - 1) >>> L1_SHIFT);
            this.dir = new byte[l1][][][];
            this.dirty = new long[l1][][];
            this.watch = new long[l1][][];
        }
    }

    private final Store[] stores;
    private final String regionText;
    private Store last;

    /*
     * A direct-mapped cache of materialised pages, by absolute frame number: a hit skips the
     * region check (a materialised page lies inside a region, and the access inside the page) and
     * the radix walk. Entries are dropped with their page (dropPage); zeroPage keeps the array.
     */
    private static final int CACHE_SLOTS = 256;
    private static final int CACHE_MASK = CACHE_SLOTS - 1;
    private static final int EXPOSED = 1 << L3_BITS;
    /** Up to this many dirty lines, {@link #zeroPage} clears them one by one, else the whole page. */
    private static final int LINES_CLEARED_ONE_BY_ONE = 16;
    private final long[] cacheTag = new long[CACHE_SLOTS];
    private final byte[][] cachePage = new byte[CACHE_SLOTS][];
    private final long[][] cacheDirty = new long[CACHE_SLOTS][];
    private final int[] cacheIndex = new int[CACHE_SLOTS];
    private long materialized;
    /** Page storages dropped and pages newly watched so far (see {@link #storageEpoch()}). */
    private long storageEpoch;
    private int watchedPages;
    private PageWriteObserver observer;

    private PhysicalMemory(List<MemoryRegion> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("physical memory needs at least one RAM region");
        }
        List<MemoryRegion> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparingLong(MemoryRegion::base));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).base() < sorted.get(i - 1).limit()) {
                throw new IllegalArgumentException("RAM regions " + sorted.get(i - 1) + " and " + sorted.get(i) + " overlap");
            }
        }
        this.stores = new Store[sorted.size()];
        for (int i = 0; i < stores.length; i++) {
            stores[i] = new Store(sorted.get(i));
        }
        this.regionText = sorted.toString();
        this.last = stores[0];
        Arrays.fill(cacheTag, -1L);
    }

    /**
     * Creates physical memory with a single RAM region.
     *
     * @param base the first physical address, 4 KiB aligned
     * @param size the size in bytes, a positive multiple of 4 KiB
     * @return the memory, all zero, with nothing materialised
     * @throws IllegalArgumentException if the region is misaligned or past 2<sup>48</sup>
     */
    public static PhysicalMemory of(long base, long size) {
        return new PhysicalMemory(List.of(new MemoryRegion(base, size)));
    }

    /**
     * Creates physical memory from several RAM regions, with holes between them.
     *
     * @param regions the regions, in any order
     * @return the memory, all zero, with nothing materialised
     * @throws IllegalArgumentException if there is no region or two regions overlap
     */
    public static PhysicalMemory of(List<MemoryRegion> regions) {
        return new PhysicalMemory(List.copyOf(regions));
    }

    /**
     * Returns the RAM regions, sorted by base address.
     *
     * @return an immutable list of the regions
     */
    public List<MemoryRegion> regions() {
        List<MemoryRegion> out = new ArrayList<>(stores.length);
        for (Store s : stores) {
            out.add(s.region);
        }
        return List.copyOf(out);
    }

    /**
     * Tells whether {@code [pa, pa + length)} lies wholly inside one RAM region.
     *
     * @param pa the first physical address
     * @param length the length in bytes
     * @return true if an access of that length at that address would succeed
     */
    public boolean contains(long pa, long length) {
        return find(pa, length) != null;
    }

    /**
     * Returns how many 4 KiB pages have been materialised by writes (and not dropped by
     * {@link #zeroPage(long)}). Useful to check that the memory stays sparse.
     *
     * @return the number of materialised pages
     */
    public long materializedPages() {
        return materialized;
    }

    // ---------------------------------------------------------------- lookup

    private Store find(long pa, long length) {
        if (length < 0) {
            return null;
        }
        Store s = last;
        if (pa >= s.base && pa - s.base <= (s.limit - s.base) - length) {
            return s;
        }
        for (Store t : stores) {
            if (pa >= t.base && pa - t.base <= (t.limit - t.base) - length) {
                last = t;
                return t;
            }
        }
        return null;
    }

    private Store check(long pa, long length) {
        Store s = find(pa, length);
        if (s == null) {
            throw new PhysicalAddressException(pa, length, regionText);
        }
        return s;
    }

    private static byte[] pageOrNull(Store s, long pa) {
        long p = (pa - s.base) >>> PAGE_SHIFT;
        byte[][][] l2 = s.dir[(int) (p >>> L1_SHIFT)];
        if (l2 == null) {
            return null;
        }
        byte[][] l3 = l2[(int) (p >>> L3_BITS) & L2_MASK];
        return l3 == null ? null : l3[(int) p & L3_MASK];
    }

    private byte[] pageForWrite(Store s, long pa) {
        long p = (pa - s.base) >>> PAGE_SHIFT;
        int i1 = (int) (p >>> L1_SHIFT);
        int i2 = (int) (p >>> L3_BITS) & L2_MASK;
        int i3 = (int) p & L3_MASK;
        byte[][][] l2 = s.dir[i1];
        if (l2 == null) {
            l2 = s.dir[i1] = new byte[1 << L2_BITS][][];
        }
        byte[][] l3 = l2[i2];
        if (l3 == null) {
            l3 = l2[i2] = new byte[1 << L3_BITS][];
        }
        byte[] page = l3[i3];
        if (page == null) {
            page = l3[i3] = new byte[PAGE_SIZE];
            materialized++;
        }
        long[] d = dirtyOf(s, i1, i2);
        int slot = (int) (pa >>> PAGE_SHIFT) & CACHE_MASK;
        cacheTag[slot] = pa >>> PAGE_SHIFT;
        cachePage[slot] = page;
        cacheDirty[slot] = d;
        cacheIndex[slot] = i3;
        return page;
    }

    /** Enters a materialised page into the page cache. */
    private void cache(Store s, long pa, byte[] page) {
        long p = (pa - s.base) >>> PAGE_SHIFT;
        int slot = (int) (pa >>> PAGE_SHIFT) & CACHE_MASK;
        cacheTag[slot] = pa >>> PAGE_SHIFT;
        cachePage[slot] = page;
        cacheDirty[slot] = dirtyOf(s, (int) (p >>> L1_SHIFT), (int) (p >>> L3_BITS) & L2_MASK);
        cacheIndex[slot] = (int) p & L3_MASK;
    }

    private static long[] dirtyOf(Store s, int i1, int i2) {
        long[][] d2 = s.dirty[i1];
        if (d2 == null) {
            d2 = s.dirty[i1] = new long[1 << L2_BITS][];
        }
        long[] d = d2[i2];
        if (d == null) {
            d = d2[i2] = new long[(1 << L3_BITS) + (1 << L3_BITS) / Long.SIZE];
        }
        return d;
    }

    /** Marks lines of the page holding {@code pa} dirty (the page is materialised). */
    private static void markDirty(Store s, long pa, int off, int length) {
        long p = (pa - s.base) >>> PAGE_SHIFT;
        long[] d = dirtyOf(s, (int) (p >>> L1_SHIFT), (int) (p >>> L3_BITS) & L2_MASK);
        d[(int) p & L3_MASK] |= lines(off, length);
    }

    /** The mask of the 64-byte lines {@code [off, off + length)} touches (length &gt; 0). */
    private static long lines(int off, int length) {
        int a = off >>> 6;
        int b = (off + length - 1) >>> 6;
        return (-1L >>> (63 - b)) & (-1L << a);
    }

    private void written(Store s, long pa, int length) {
        if (watchedPages == 0) {
            return;
        }
        long p = (pa - s.base) >>> PAGE_SHIFT;
        long[][] w2 = s.watch[(int) (p >>> L1_SHIFT)];
        if (w2 == null) {
            return;
        }
        long[] bits = w2[(int) (p >>> L3_BITS) & L2_MASK];
        if (bits != null && (bits[((int) p & L3_MASK) >>> 6] & (1L << p)) != 0) {
            observer.written(pa, length);
        }
    }

    // ---------------------------------------------------------------- reads

    /**
     * Reads one byte.
     *
     * @param pa the physical address
     * @return the byte, zero-extended (0..255)
     * @throws PhysicalAddressException if {@code pa} is outside RAM
     */
    public int read8(long pa) {
        Store s = check(pa, 1);
        byte[] page = pageOrNull(s, pa);
        return page == null ? 0 : page[(int) (pa & PAGE_MASK)] & 0xFF;
    }

    /**
     * Reads a little-endian 16-bit value.
     *
     * @param pa the physical address (any alignment)
     * @return the value, zero-extended (0..65535)
     * @throws PhysicalAddressException if any byte is outside RAM
     */
    public int read16(long pa) {
        Store s = check(pa, 2);
        int off = (int) (pa & PAGE_MASK);
        if (off <= PAGE_SIZE - 2) {
            byte[] page = pageOrNull(s, pa);
            return page == null ? 0 : ((short) LE16.get(page, off)) & 0xFFFF;
        }
        return (int) readSplit(s, pa, 2);
    }

    /**
     * Reads a little-endian 32-bit value.
     *
     * @param pa the physical address (any alignment)
     * @return the value's 32 bits (use {@code Integer.toUnsignedLong} for the unsigned value)
     * @throws PhysicalAddressException if any byte is outside RAM
     */
    public int read32(long pa) {
        Store s = check(pa, 4);
        int off = (int) (pa & PAGE_MASK);
        if (off <= PAGE_SIZE - 4) {
            byte[] page = pageOrNull(s, pa);
            return page == null ? 0 : (int) LE32.get(page, off);
        }
        return (int) readSplit(s, pa, 4);
    }

    /**
     * Reads a little-endian 64-bit value.
     *
     * @param pa the physical address (any alignment)
     * @return the value
     * @throws PhysicalAddressException if any byte is outside RAM
     */
    public long read64(long pa) {
        long pfn = pa >>> PAGE_SHIFT;
        int slot = (int) pfn & CACHE_MASK;
        int o = (int) (pa & PAGE_MASK);
        // tag and page are loaded independently: a table walk's chain is two loads per level
        if (cacheTag[slot] == pfn && o <= PAGE_SIZE - 8) {
            return (long) LE64.get(cachePage[slot], o);
        }
        return read64Slow(pa);
    }

    private long read64Slow(long pa) {
        Store s = check(pa, 8);
        int off = (int) (pa & PAGE_MASK);
        if (off <= PAGE_SIZE - 8) {
            byte[] page = pageOrNull(s, pa);
            if (page == null) {
                return 0;
            }
            cache(s, pa, page);
            return (long) LE64.get(page, off);
        }
        return readSplit(s, pa, 8);
    }

    private static long readSplit(Store s, long pa, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            byte[] page = pageOrNull(s, pa + i);
            long b = page == null ? 0 : page[(int) ((pa + i) & PAGE_MASK)] & 0xFF;
            v |= b << (8 * i);
        }
        return v;
    }

    /**
     * Copies {@code length} bytes starting at {@code pa} into {@code dst}.
     *
     * @param pa the first physical address
     * @param dst the destination array
     * @param offset the first index written in {@code dst}
     * @param length the number of bytes
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is copied)
     * @throws IndexOutOfBoundsException if the range does not fit {@code dst}
     */
    public void read(long pa, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        Store s = check(pa, length);
        int done = 0;
        while (done < length) {
            long a = pa + done;
            int off = (int) (a & PAGE_MASK);
            int n = Math.min(length - done, PAGE_SIZE - off);
            byte[] page = pageOrNull(s, a);
            if (page == null) {
                Arrays.fill(dst, offset + done, offset + done + n, (byte) 0);
            } else {
                System.arraycopy(page, off, dst, offset + done, n);
            }
            done += n;
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Writes one byte.
     *
     * @param pa the physical address
     * @param value the byte (only the low 8 bits are used)
     * @throws PhysicalAddressException if {@code pa} is outside RAM
     */
    public void write8(long pa, int value) {
        Store s = check(pa, 1);
        pageForWrite(s, pa)[(int) (pa & PAGE_MASK)] = (byte) value;
        markDirty(s, pa, (int) (pa & PAGE_MASK), 1);
        written(s, pa, 1);
    }

    /**
     * Writes a little-endian 16-bit value.
     *
     * @param pa the physical address (any alignment)
     * @param value the value (only the low 16 bits are used)
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is written)
     */
    public void write16(long pa, int value) {
        Store s = check(pa, 2);
        int off = (int) (pa & PAGE_MASK);
        if (off <= PAGE_SIZE - 2) {
            LE16.set(pageForWrite(s, pa), off, (short) value);
            markDirty(s, pa, off, 2);
            written(s, pa, 2);
        } else {
            writeSplit(s, pa, value, 2);
        }
    }

    /**
     * Writes a little-endian 32-bit value.
     *
     * @param pa the physical address (any alignment)
     * @param value the value
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is written)
     */
    public void write32(long pa, int value) {
        Store s = check(pa, 4);
        int off = (int) (pa & PAGE_MASK);
        if (off <= PAGE_SIZE - 4) {
            LE32.set(pageForWrite(s, pa), off, value);
            markDirty(s, pa, off, 4);
            written(s, pa, 4);
        } else {
            writeSplit(s, pa, value, 4);
        }
    }

    /**
     * Writes a little-endian 64-bit value.
     *
     * @param pa the physical address (any alignment)
     * @param value the value
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is written)
     */
    public void write64(long pa, long value) {
        long pfn = pa >>> PAGE_SHIFT;
        int slot = (int) pfn & CACHE_MASK;
        int o = (int) (pa & PAGE_MASK);
        if (cacheTag[slot] == pfn && o <= PAGE_SIZE - 8 && watchedPages == 0) {
            LE64.set(cachePage[slot], o, value);
            long[] d = cacheDirty[slot];
            int i = cacheIndex[slot];
            long m = d[i];
            long l = lines(o, 8);
            if ((m & l) != l) {
                // store only when a line becomes dirty: no read-modify-write chain through memory
                d[i] = m | l;
            }
            return;
        }
        write64Slow(pa, value);
    }

    private void write64Slow(long pa, long value) {
        Store s = check(pa, 8);
        int off = (int) (pa & PAGE_MASK);
        if (off <= PAGE_SIZE - 8) {
            LE64.set(pageForWrite(s, pa), off, value);
            markDirty(s, pa, off, 8);
            written(s, pa, 8);
        } else {
            writeSplit(s, pa, value, 8);
        }
    }

    private void writeSplit(Store s, long pa, long value, int n) {
        for (int i = 0; i < n; i++) {
            long a = pa + i;
            pageForWrite(s, a)[(int) (a & PAGE_MASK)] = (byte) (value >>> (8 * i));
            markDirty(s, a, (int) (a & PAGE_MASK), 1);
            written(s, a, 1);
        }
    }

    /**
     * Copies {@code length} bytes from {@code src} into memory starting at {@code pa}.
     *
     * @param pa the first physical address
     * @param src the source array
     * @param offset the first index read from {@code src}
     * @param length the number of bytes
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is written)
     * @throws IndexOutOfBoundsException if the range does not fit {@code src}
     */
    public void write(long pa, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        Store s = check(pa, length);
        int done = 0;
        while (done < length) {
            long a = pa + done;
            int off = (int) (a & PAGE_MASK);
            int n = Math.min(length - done, PAGE_SIZE - off);
            if (n > 0) {
                System.arraycopy(src, offset + done, pageForWrite(s, a), off, n);
                markDirty(s, a, off, n);
                written(s, a, n);
            }
            done += n;
        }
    }

    /**
     * Zeroes {@code [pa, pa + length)}. Whole pages in the range are dropped (sparse again); partial
     * pages at the ends are cleared in place.
     *
     * @param pa the first physical address
     * @param length the number of bytes
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is changed)
     */
    public void zero(long pa, long length) {
        Store s = check(pa, length);
        long done = 0;
        while (done < length) {
            long a = pa + done;
            int off = (int) (a & PAGE_MASK);
            int n = (int) Math.min(length - done, PAGE_SIZE - off);
            if (n == PAGE_SIZE) {
                dropPage(s, a);
            } else {
                byte[] page = pageOrNull(s, a);
                if (page != null) {
                    Arrays.fill(page, off, off + n, (byte) 0);
                    written(s, a, n);
                }
            }
            done += n;
        }
    }

    /**
     * Zeroes one 4 KiB page without allocating: a page never written stays unmaterialised, a
     * materialised one is cleared in place (so a page-table frame that is recycled is not
     * reallocated on its next write). Only the 64-byte lines written since the page was last
     * zeroed are cleared (a dirty-line mask per page, kept by every write of this class), so
     * recycling a page table that held a few entries costs a few line clears, not 4 KiB; a page
     * whose array was handed out by {@link #backingPage} is cleared whole. Use {@link #release(long, long)} to make pages sparse again.
     *
     * @param pa the physical address of the page, 4 KiB aligned
     * @throws IllegalArgumentException if {@code pa} is not 4 KiB aligned
     * @throws PhysicalAddressException if the page is outside RAM
     */
    public void zeroPage(long pa) {
        long pfn = pa >>> PAGE_SHIFT;
        int slot = (int) pfn & CACHE_MASK;
        if (cacheTag[slot] == pfn && (pa & PAGE_MASK) == 0) {
            // a cached page is materialised and inside a region: no check
            long[] d = cacheDirty[slot];
            int i3 = cacheIndex[slot];
            long m = d[i3];
            if ((d[EXPOSED + (i3 >>> 6)] & (1L << i3)) != 0 || Long.bitCount(m) > LINES_CLEARED_ONE_BY_ONE) {
                clearWhole(cachePage[slot], d, i3);
            } else if (m != 0) {
                // The line loop is here, not in a helper: a caller whose profile mostly saw clean
                // pages (a page table's, say, while it built tables in fresh frames) compiles such
                // a helper as a call, not inline. Eight 8-byte stores per line: cheaper than a
                // 64-byte Arrays.fill, which JDK 17's C2 does not intrinsify.
                byte[] page = cachePage[slot];
                for (; m != 0; m &= m - 1) {
                    int line = Long.numberOfTrailingZeros(m) << 6;
                    LE64.set(page, line, 0L);
                    LE64.set(page, line + 8, 0L);
                    LE64.set(page, line + 16, 0L);
                    LE64.set(page, line + 24, 0L);
                    LE64.set(page, line + 32, 0L);
                    LE64.set(page, line + 40, 0L);
                    LE64.set(page, line + 48, 0L);
                    LE64.set(page, line + 56, 0L);
                }
                d[i3] = 0;
            }
            if (watchedPages != 0) {
                zeroed(pa);
            }
            return;
        }
        zeroPageSlow(pa);
    }

    /** Checks and looks up a page missing from the cache; a materialised one is cached and cleared. */
    private void zeroPageSlow(long pa) {
        if ((pa & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("zeroPage needs a 4 KiB aligned address, got " + LevitateException.hex(pa));
        }
        Store s = check(pa, PAGE_SIZE);
        byte[] page = pageOrNull(s, pa);
        if (page != null) {
            cache(s, pa, page);
            zeroPage(pa);
        }
    }

    /** Tells the observer a page was zeroed, if it watches it. */
    private void zeroed(long pa) {
        written(check(pa, PAGE_SIZE), pa, PAGE_SIZE);
    }

    /** Clears a whole page (exposed by {@link #backingPage}, or with many dirty lines). */
    private static void clearWhole(byte[] page, long[] d, int i3) {
        Arrays.fill(page, (byte) 0);
        d[i3] = 0;
    }

    /**
     * Zeroes the whole pages of {@code [pa, pa + length)} by dropping their storage, so they cost
     * nothing until written again.
     *
     * @param pa the first physical address, 4 KiB aligned
     * @param length the number of bytes, a multiple of 4 KiB
     * @throws IllegalArgumentException if the range is not made of whole pages
     * @throws PhysicalAddressException if any byte is outside RAM (nothing is changed)
     */
    public void release(long pa, long length) {
        if ((pa & PAGE_MASK) != 0 || (length & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("release needs whole pages, got " + LevitateException.hex(pa) + " + " + length);
        }
        Store s = check(pa, length);
        for (long a = pa; a < pa + length; a += PAGE_SIZE) {
            dropPage(s, a);
        }
    }

    private void dropPage(Store s, long pa) {
        long p = (pa - s.base) >>> PAGE_SHIFT;
        byte[][][] l2 = s.dir[(int) (p >>> L1_SHIFT)];
        if (l2 == null) {
            return;
        }
        byte[][] l3 = l2[(int) (p >>> L3_BITS) & L2_MASK];
        if (l3 == null || l3[(int) p & L3_MASK] == null) {
            return;
        }
        l3[(int) p & L3_MASK] = null;
        materialized--;
        storageEpoch++;
        long[] d = s.dirty[(int) (p >>> L1_SHIFT)][(int) (p >>> L3_BITS) & L2_MASK];
        int i3 = (int) p & L3_MASK;
        d[i3] = 0;
        d[EXPOSED + (i3 >>> 6)] &= ~(1L << i3);
        int slot = (int) (pa >>> PAGE_SHIFT) & CACHE_MASK;
        if (cacheTag[slot] == pa >>> PAGE_SHIFT) {
            cacheTag[slot] = -1;
            cachePage[slot] = null;
            cacheDirty[slot] = null;
        }
        written(s, pa, PAGE_SIZE);
    }

    // ---------------------------------------------------------------- fast path for simulators

    /**
     * Counts the events after which an array from {@link #backingPage(long, boolean)} may no longer
     * be used freely: a page's storage dropped ({@link #release(long, long)} and the other
     * operations that zero whole pages by freeing them; the array is then stale) or a page newly
     * watched ({@link #watchPage(long)}; writes through the array would not be observed). A
     * simulator that caches such arrays compares this before trusting them again.
     *
     * @return the number of such events so far
     */
    public long storageEpoch() {
        return storageEpoch;
    }

    /**
     * Returns the storage of the page that holds {@code pa}, for a simulator's fast path.
     *
     * <p>The returned array is the live backing store of that page: reads and writes through it are
     * reads and writes of physical memory, but writes through it do not notify a
     * {@link PageWriteObserver}. The array stays valid until {@link #zeroPage(long)} or
     * {@link #zero(long, long)} drops the page.
     *
     * @param pa any address inside the page
     * @param create whether to materialise the page if it has never been written
     * @return the page's 4096-byte array, or {@code null} if {@code create} is false and the page
     *     has never been written
     * @throws PhysicalAddressException if the page is outside RAM
     */
    public byte[] backingPage(long pa, boolean create) {
        long pageBase = pa & ~PAGE_MASK;
        Store s = check(pageBase, PAGE_SIZE);
        byte[] page = create ? pageForWrite(s, pageBase) : pageOrNull(s, pageBase);
        if (page != null) {
            long p = (pageBase - s.base) >>> PAGE_SHIFT;
            long[] d = dirtyOf(s, (int) (p >>> L1_SHIFT), (int) (p >>> L3_BITS) & L2_MASK);
            int i3 = (int) p & L3_MASK;
            d[EXPOSED + (i3 >>> 6)] |= 1L << i3;
        }
        return page;
    }

    /**
     * Sets the observer told about writes to watched pages (one observer per memory).
     *
     * @param observer the observer, or {@code null} to stop notifications
     */
    public void setWriteObserver(PageWriteObserver observer) {
        this.observer = observer;
    }

    /**
     * Returns the observer told about writes to watched pages, so that a second party can chain
     * in front of it (there is one observer per memory).
     *
     * @return the observer, or {@code null} if none is set
     */
    public PageWriteObserver writeObserver() {
        return observer;
    }

    /**
     * Tells whether writes to a page are reported to the {@link PageWriteObserver}.
     *
     * @param pa any address inside the page
     * @return true if the page is watched (false outside RAM)
     */
    public boolean isWatched(long pa) {
        if (watchedPages == 0) {
            return false;
        }
        Store s = find(pa & ~PAGE_MASK, PAGE_SIZE);
        if (s == null) {
            return false;
        }
        long p = ((pa & ~PAGE_MASK) - s.base) >>> PAGE_SHIFT;
        long[][] w2 = s.watch[(int) (p >>> L1_SHIFT)];
        if (w2 == null) {
            return false;
        }
        long[] bits = w2[(int) (p >>> L3_BITS) & L2_MASK];
        return bits != null && (bits[((int) p & L3_MASK) >>> 6] & (1L << p)) != 0;
    }

    /**
     * Starts watching a page: every later write to it (through this class) calls the observer.
     *
     * @param pa any address inside the page
     * @throws PhysicalAddressException if the page is outside RAM
     * @throws IllegalStateException if no observer is set
     */
    public void watchPage(long pa) {
        if (observer == null) {
            throw new IllegalStateException("set a PageWriteObserver before watching pages");
        }
        long pageBase = pa & ~PAGE_MASK;
        Store s = check(pageBase, PAGE_SIZE);
        long p = (pageBase - s.base) >>> PAGE_SHIFT;
        int i1 = (int) (p >>> L1_SHIFT);
        int i2 = (int) (p >>> L3_BITS) & L2_MASK;
        long[][] w2 = s.watch[i1];
        if (w2 == null) {
            w2 = s.watch[i1] = new long[1 << L2_BITS][];
        }
        long[] bits = w2[i2];
        if (bits == null) {
            bits = w2[i2] = new long[(1 << L3_BITS) / Long.SIZE];
        }
        int i3 = (int) p & L3_MASK;
        if ((bits[i3 >>> 6] & (1L << i3)) == 0) {
            bits[i3 >>> 6] |= 1L << i3;
            watchedPages++;
            storageEpoch++; // writes through an array handed out before would now go unobserved
        }
    }

    /**
     * Stops watching a page. Does nothing if the page was not watched.
     *
     * @param pa any address inside the page
     * @throws PhysicalAddressException if the page is outside RAM
     */
    public void unwatchPage(long pa) {
        long pageBase = pa & ~PAGE_MASK;
        Store s = check(pageBase, PAGE_SIZE);
        long p = (pageBase - s.base) >>> PAGE_SHIFT;
        long[][] w2 = s.watch[(int) (p >>> L1_SHIFT)];
        if (w2 == null) {
            return;
        }
        long[] bits = w2[(int) (p >>> L3_BITS) & L2_MASK];
        int i3 = (int) p & L3_MASK;
        if (bits != null && (bits[i3 >>> 6] & (1L << i3)) != 0) {
            bits[i3 >>> 6] &= ~(1L << i3);
            watchedPages--;
        }
    }

    @Override
    public String toString() {
        return "PhysicalMemory" + regionText + " (" + materialized + " pages materialised)";
    }
}
