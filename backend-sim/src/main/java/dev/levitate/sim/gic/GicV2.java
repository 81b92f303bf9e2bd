package dev.levitate.sim.gic;

/**
 * A GICv2 interrupt controller for one core, at QEMU virt's addresses (distributor 0x0800_0000,
 * CPU interface 0x0801_0000), following the GICv2 architecture specification (IHI 0048B).
 *
 * <h2>Model</h2>
 * 288 interrupt IDs as on QEMU virt: SGIs 0-15, PPIs 16-31 (the timers: 27 virtual, 30 physical),
 * SPIs 32-287 (the PL011 is SPI 1 = ID 33). Per ID, in primitive arrays: enable, pending latch,
 * input level, active, priority, target, and edge/level configuration. One security state, group 0.
 * <pre>
 *   pending(id)   = latch(id) or (level-sensitive and line(id) high)
 *   candidates    = enabled and pending and not active, priority &lt; GICC_PMR
 *   signalled     = GICD_CTLR.En and GICC_CTLR.En and best candidate's group priority &lt; running priority
 *   GICC_IAR      = best candidate (now active, latch cleared), or 1023 when none (spurious)
 *   GICC_EOIR     = deactivates the ID; the running priority drops to that of the next active one
 * </pre>
 *
 * <h2>Registers</h2>
 * Distributor: CTLR, TYPER, IIDR, IGROUPR (RAZ/WI), ISENABLER/ICENABLER, ISPENDR/ICPENDR,
 * ISACTIVER/ICACTIVER, IPRIORITYR, ITARGETSR, ICFGR, SGIR. CPU interface: CTLR, PMR, BPR, IAR,
 * EOIR, RPR, HPPIR, IIDR. Other offsets read as zero and ignore writes. Not thread-safe.
 */
public final class GicV2 {
    /** Distributor base on QEMU virt. */
    public static final long DISTRIBUTOR_BASE = 0x0800_0000L;
    /** CPU interface base on QEMU virt. */
    public static final long CPU_INTERFACE_BASE = 0x0801_0000L;
    /** Size of each register window. */
    public static final long WINDOW = 0x1_0000L;
    /** Interrupt IDs modelled (QEMU virt: 32 private + 256 shared). */
    public static final int INTERRUPTS = 288;
    /** The ID GICC_IAR returns when nothing is pending. */
    public static final int SPURIOUS = 1023;

    private final boolean[] enabled = new boolean[INTERRUPTS];
    private final boolean[] latch = new boolean[INTERRUPTS];
    private final boolean[] line = new boolean[INTERRUPTS];
    private final boolean[] active = new boolean[INTERRUPTS];
    private final boolean[] edge = new boolean[INTERRUPTS];
    private final int[] priority = new int[INTERRUPTS];
    private final int[] target = new int[INTERRUPTS];
    private boolean distributorOn;
    private boolean cpuInterfaceOn;
    private int pmr;
    private int bpr = 2;
    private long acknowledged;
    private Runnable onChange = () -> { };

    /** Creates a GIC in its reset state (everything disabled, PMR 0: nothing gets through). */
    public GicV2() {
        for (int i = 0; i < 16; i++) {
            enabled[i] = true; // SGIs are always enabled (RAO/WI), as on GIC-400
            edge[i] = true;
        }
        for (int i = 0; i < 32; i++) {
            target[i] = 1;
        }
    }

    /**
     * Sets the callback told whenever the signalled state may have changed (the CPU re-checks
     * its IRQ line).
     *
     * @param callback the callback
     */
    public void setOnChange(Runnable callback) {
        this.onChange = java.util.Objects.requireNonNull(callback);
    }

    /**
     * Drives an interrupt input line (a device or timer output).
     *
     * @param id the interrupt ID, 16..287
     * @param high the level
     * @throws IllegalArgumentException if the ID is an SGI or out of range
     */
    public void setLine(int id, boolean high) {
        if (id < 16 || id >= INTERRUPTS) {
            throw new IllegalArgumentException("no interrupt line " + id + " (PPIs and SPIs are 16.." + (INTERRUPTS - 1) + ")");
        }
        if (line[id] == high) {
            return;
        }
        line[id] = high;
        if (high && edge[id]) {
            latch[id] = true;
        }
        onChange.run();
    }

    /**
     * Returns how many interrupts have been acknowledged through GICC_IAR (not counting spurious reads).
     *
     * @return the count
     */
    public long acknowledged() {
        return acknowledged;
    }

    private boolean pending(int id) {
        return latch[id] || (!edge[id] && line[id]);
    }

    private int runningPriority() {
        int r = 0x100;
        for (int i = 0; i < INTERRUPTS; i++) {
            if (active[i] && priority[i] < r) {
                r = priority[i];
            }
        }
        return r;
    }

    private int groupPriority(int p) {
        return p >> (Math.max(bpr, 0) + 1);
    }

    private int best() {
        int best = -1;
        for (int i = 0; i < INTERRUPTS; i++) {
            if (enabled[i] && !active[i] && pending(i) && priority[i] < pmr && (best < 0 || priority[i] < priority[best])) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Tells whether the CPU's IRQ input is asserted now.
     *
     * @return true if an interrupt is signalled
     */
    public boolean irq() {
        if (!distributorOn || !cpuInterfaceOn) {
            return false;
        }
        int b = best();
        if (b < 0) {
            return false;
        }
        int running = runningPriority();
        return running == 0x100 || groupPriority(priority[b]) < groupPriority(running);
    }

    // ------------------------------------------------------------------ distributor

    /**
     * Reads a distributor register.
     *
     * @param offset the offset in the window
     * @param size 1, 2, 4 or 8 bytes
     * @return the value
     */
    public long readDistributor(long offset, int size) {
        int off = (int) offset;
        if (off >= 0x400 && off < 0x400 + INTERRUPTS) {
            return bytes(off - 0x400, size, priority);
        }
        if (off >= 0x800 && off < 0x800 + INTERRUPTS) {
            return bytes(off - 0x800, size, target);
        }
        int word = off & ~3;
        long v = distributorWord(word);
        return size >= 4 ? v : (v >>> (8 * (off & 3))) & ((1L << (8 * size)) - 1);
    }

    private static long bytes(int first, int size, int[] values) {
        long v = 0;
        for (int i = 0; i < Math.min(size, 4); i++) {
            int id = first + i;
            v |= (long) (id < INTERRUPTS ? values[id] & 0xFF : 0) << (8 * i);
        }
        return v;
    }

    private long distributorWord(int off) {
        if (off == 0x000) {
            return distributorOn ? 1 : 0;
        }
        if (off == 0x004) {
            return INTERRUPTS / 32 - 1;
        }
        if (off == 0x008) {
            return 0x0200_043BL;
        }
        if (off >= 0x100 && off < 0x200) {
            return bits(off & 0x7F, enabled);
        }
        if (off >= 0x200 && off < 0x300) {
            int base = (off & 0x7F) * 8;
            long v = 0;
            for (int i = 0; i < 32 && base + i < INTERRUPTS; i++) {
                v |= pending(base + i) ? 1L << i : 0;
            }
            return v;
        }
        if (off >= 0x300 && off < 0x400) {
            return bits(off & 0x7F, active);
        }
        if (off >= 0xC00 && off < 0xD00) {
            int base = (off - 0xC00) * 4;
            long v = 0;
            for (int i = 0; i < 16 && base + i < INTERRUPTS; i++) {
                v |= (edge[base + i] ? 2L : 0) << (2 * i);
            }
            return v;
        }
        return 0;
    }

    private static long bits(int byteOffset, boolean[] set) {
        int base = byteOffset * 8;
        long v = 0;
        for (int i = 0; i < 32 && base + i < INTERRUPTS; i++) {
            v |= set[base + i] ? 1L << i : 0;
        }
        return v;
    }

    /**
     * Writes a distributor register.
     *
     * @param offset the offset in the window
     * @param size 1, 2, 4 or 8 bytes
     * @param value the value
     */
    public void writeDistributor(long offset, int size, long value) {
        int off = (int) offset;
        if (off >= 0x400 && off < 0x400 + INTERRUPTS) {
            for (int i = 0; i < Math.min(size, 4) && off - 0x400 + i < INTERRUPTS; i++) {
                priority[off - 0x400 + i] = (int) (value >>> (8 * i)) & 0xFF;
            }
        } else if (off >= 0x800 && off < 0x800 + INTERRUPTS) {
            for (int i = 0; i < Math.min(size, 4) && off - 0x800 + i < INTERRUPTS; i++) {
                if (off - 0x800 + i >= 32) {
                    target[off - 0x800 + i] = (int) (value >>> (8 * i)) & 0xFF;
                }
            }
        } else {
            int word = off & ~3;
            long v = size >= 4 ? value & 0xFFFF_FFFFL : (value & ((1L << (8 * size)) - 1)) << (8 * (off & 3));
            writeDistributorWord(word, v);
        }
        onChange.run();
    }

    private void writeDistributorWord(int off, long v) {
        if (off == 0x000) {
            distributorOn = (v & 1) != 0;
        } else if (off >= 0x100 && off < 0x180) {
            forBits(off - 0x100, v, id -> enabled[id] = true, 16);
        } else if (off >= 0x180 && off < 0x200) {
            forBits(off - 0x180, v, id -> enabled[id] = false, 16);
        } else if (off >= 0x200 && off < 0x280) {
            forBits(off - 0x200, v, id -> latch[id] = true, 0);
        } else if (off >= 0x280 && off < 0x300) {
            forBits(off - 0x280, v, id -> latch[id] = false, 0);
        } else if (off >= 0x300 && off < 0x380) {
            forBits(off - 0x300, v, id -> active[id] = true, 0);
        } else if (off >= 0x380 && off < 0x400) {
            forBits(off - 0x380, v, id -> active[id] = false, 0);
        } else if (off >= 0xC00 && off < 0xD00) {
            int base = (off - 0xC00) * 4;
            for (int i = 0; i < 16 && base + i < INTERRUPTS; i++) {
                if (base + i >= 32) { // SGI and PPI configuration is fixed here
                    edge[base + i] = ((v >>> (2 * i + 1)) & 1) != 0;
                }
            }
        } else if (off == 0xF00) {
            int filter = (int) (v >>> 24) & 3;
            int list = (int) (v >>> 16) & 0xFF;
            if (filter == 2 || (filter == 0 && (list & 1) != 0)) {
                latch[(int) v & 15] = true;
            }
        }
    }

    private interface IdAction {
        void apply(int id);
    }

    private static void forBits(int byteOffset, long v, IdAction action, int firstWritable) {
        int base = byteOffset * 8;
        for (int i = 0; i < 32 && base + i < INTERRUPTS; i++) {
            if (((v >>> i) & 1) != 0 && base + i >= firstWritable) {
                action.apply(base + i);
            }
        }
    }

    // ------------------------------------------------------------------ CPU interface

    /**
     * Reads a CPU interface register; GICC_IAR acknowledges.
     *
     * @param offset the offset in the window
     * @param size the access size
     * @return the value
     */
    public long readCpuInterface(long offset, int size) {
        switch ((int) offset) {
            case 0x00: return cpuInterfaceOn ? 1 : 0;
            case 0x04: return pmr;
            case 0x08: return bpr;
            case 0x0C: return acknowledge();
            case 0x14: {
                int r = runningPriority();
                return r == 0x100 ? 0xFF : r;
            }
            case 0x18: {
                int b = best();
                return b < 0 ? SPURIOUS : b;
            }
            case 0xFC: return 0x0202_143BL;
            default: return 0;
        }
    }

    private long acknowledge() {
        if (!irq()) {
            return SPURIOUS;
        }
        int b = best();
        active[b] = true;
        latch[b] = false;
        acknowledged++;
        onChange.run();
        return b; // SGIs from CPU 0: source bits [12:10] are 0
    }

    /**
     * Writes a CPU interface register; GICC_EOIR deactivates.
     *
     * @param offset the offset in the window
     * @param size the access size
     * @param value the value
     */
    public void writeCpuInterface(long offset, int size, long value) {
        switch ((int) offset) {
            case 0x00: cpuInterfaceOn = (value & 1) != 0; break;
            case 0x04: pmr = (int) value & 0xFF; break;
            case 0x08: bpr = (int) value & 7; break;
            case 0x10: {
                int id = (int) value & 0x3FF;
                if (id < INTERRUPTS) {
                    active[id] = false;
                }
                break;
            }
            default: break;
        }
        onChange.run();
    }
}
