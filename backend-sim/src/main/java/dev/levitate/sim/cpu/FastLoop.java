package dev.levitate.sim.cpu;

import java.lang.invoke.VarHandle;

/**
 * The interpreter's fast tier: runs the {@link MicroOp pre-decoded} instructions of one code page
 * with the PC, the cycle count and the instruction count in locals, and gives control back to the
 * general interpreter in {@link Cpu} the moment anything needs it.
 *
 * <p>It stops <em>before</em> an instruction (so the general interpreter runs it, with every
 * architectural check) when the instruction is not pre-decoded or has no fast form; when a load or
 * store misses the CPU's data-page caches, crosses a page, or uses an SP that is not 16-byte
 * aligned (the SP alignment check, D1.8.2, is then the general path's to make); and it stops
 * <em>after</em> an instruction when the PC leaves the page or becomes misaligned, when a timer or
 * interrupt event is due ({@code cycles >= nextEvent}), or when the budget is spent. None of its
 * instructions can take an exception, so it never changes PSTATE.EL, SP selection or the
 * translation regime: the checks that the general loop makes per instruction hold for the whole
 * page. The data-page caches hold only RAM pages already translated and permission-checked for this
 * EL and access kind, never decoded code pages for writes, and are cleared whenever a translation
 * may change, so a hit here is exactly what the general path would do.
 */
final class FastLoop {
    private static final long M32 = Alu.M32;
    private static final long STAY = ~0xFFCL;
    private static final VarHandle LE16 = Alu.LE16;
    private static final VarHandle LE32 = Alu.LE32;
    private static final VarHandle LE64 = Alu.LE64;

    private final Cpu cpu;
    private final long[] x;
    private final long[] readVpn;
    private final byte[][] readPage;
    private final long[] writeVpn;
    private final byte[][] writePage;
    /** The A53 model's driver, or null for the fixed timing (a cost per instruction in its micro-op). */
    final BlockTiming blocks;

    FastLoop(Cpu cpu, CycleModel timing) {
        this.cpu = cpu;
        this.x = cpu.x;
        this.readVpn = cpu.readVpn;
        this.readPage = cpu.readPage;
        this.writeVpn = cpu.writeVpn;
        this.writePage = cpu.writePage;
        this.blocks = timing != null ? new BlockTiming(timing, BLOCK_TIMING) : null;
    }

    /** Block-level memoization of the cycle model ({@link BlockTiming}); -Dlevitate.sim.blockTiming=false turns it off. */
    private static final boolean BLOCK_TIMING = !"false".equals(System.getProperty("levitate.sim.blockTiming"));

    /**
     * Runs instructions from {@code page} starting at the CPU's PC (which must lie in it, aligned,
     * already translated to it) until one of the stops described on the class.
     *
     * @param page the decoded page the PC's physical address falls in
     * @param budget the most instructions to run
     * @return how many instructions retired (0: the first one needs the general interpreter)
     */
    long run(DecodeCache.Page page, long budget) {
        final long[] x = this.x;
        final long[] uops = page.uops;
        final long[] imms = page.imms;
        final Cpu cpu = this.cpu;
        // next & STAY == here: the same page and 4-byte aligned
        final long here = cpu.pc & ~0xFFFL;
        // only the general interpreter's devices, system registers and exceptions move nextEvent
        final long eventAt = cpu.nextEvent;
        long pc = cpu.pc;
        long cycles = cpu.cycles;
        // NZCV in one local (bit 3 N .. bit 0 V), back into the CPU's fields on the way out
        int nzcv = cpu.n << 3 | cpu.z << 2 | cpu.c << 1 | cpu.v;
        long done = 0;
        // a branch off the page lowers stopAfter; running off its end reaches the NONE sentinel slot
        long stopAfter = budget;
        // the A53 model: BlockTiming times whole blocks where it can, and keeps its state in its own
        // fields, so that the fixed timing's loop carries nothing for it
        final BlockTiming blocks = this.blocks;
        if (blocks != null) {
            blocks.begin(page, pc, cycles, eventAt, stopAfter);
        }
        loop:
        while (done < stopAfter && cycles < eventAt) {
            final int slot = (int) (pc - here) >>> 2;
            final long u = uops[slot];
            final long k = imms[slot];
            long next = pc + 4;
            switch ((int) u & 0xFF) {
                case MicroOp.ADDI_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] + k;
                    break;
                case MicroOp.ADDI_W:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] + k) & M32;
                    break;
                case MicroOp.ADDSI_X:
                    { long a = x[MicroOp.n(u)]; long r = a + k; x[MicroOp.d(u)] = r; nzcv = Alu.addFlags64(a, k, r); }
                    break;
                case MicroOp.ADDSI_W:
                    { int a = (int) x[MicroOp.n(u)]; int r = a + (int) k; x[MicroOp.d(u)] = r & M32; nzcv = Alu.addFlags32(a, (int) k, r); }
                    break;
                case MicroOp.SUBSI_X:
                    { long a = x[MicroOp.n(u)]; long r = a - k; x[MicroOp.d(u)] = r; nzcv = Alu.subFlags64(a, k, r); }
                    break;
                case MicroOp.SUBSI_W:
                    { int a = (int) x[MicroOp.n(u)]; int r = a - (int) k; x[MicroOp.d(u)] = r & M32; nzcv = Alu.subFlags32(a, (int) k, r); }
                    break;
                case MicroOp.ADDR_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] + Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u));
                    break;
                case MicroOp.ADDR_W:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] + Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u))) & M32;
                    break;
                case MicroOp.SUBR_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] - Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u));
                    break;
                case MicroOp.SUBR_W:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] - Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u))) & M32;
                    break;
                case MicroOp.ADDSR_X:
                    { long a = x[MicroOp.n(u)]; long b = Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u)); long r = a + b; x[MicroOp.d(u)] = r; nzcv = Alu.addFlags64(a, b, r); }
                    break;
                case MicroOp.ADDSR_W:
                    { int a = (int) x[MicroOp.n(u)]; int b = Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u)); int r = a + b; x[MicroOp.d(u)] = r & M32; nzcv = Alu.addFlags32(a, b, r); }
                    break;
                case MicroOp.SUBSR_X:
                    { long a = x[MicroOp.n(u)]; long b = Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u)); long r = a - b; x[MicroOp.d(u)] = r; nzcv = Alu.subFlags64(a, b, r); }
                    break;
                case MicroOp.SUBSR_W:
                    { int a = (int) x[MicroOp.n(u)]; int b = Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u)); int r = a - b; x[MicroOp.d(u)] = r & M32; nzcv = Alu.subFlags32(a, b, r); }
                    break;
                case MicroOp.ADDE_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] + Alu.extend(x[MicroOp.m(u)], MicroOp.aux(u));
                    break;
                case MicroOp.SUBE_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] - Alu.extend(x[MicroOp.m(u)], MicroOp.aux(u));
                    break;
                case MicroOp.ANDI:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] & k;
                    break;
                case MicroOp.ORRI: {
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] | k) & (-1L >>> (MicroOp.a(u) << 5)); // a = 1: 32-bit form
                    break;
                }
                case MicroOp.EORI: {
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] ^ k) & (-1L >>> (MicroOp.a(u) << 5));
                    break;
                }
                case MicroOp.ANDSI_X:
                    { long r = x[MicroOp.n(u)] & k; x[MicroOp.d(u)] = r; nzcv = Alu.logicFlags64(r); }
                    break;
                case MicroOp.ANDSI_W:
                    { int r = (int) (x[MicroOp.n(u)] & k); x[MicroOp.d(u)] = r & M32; nzcv = Alu.logicFlags32(r); }
                    break;
                case MicroOp.ANDR_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] & operand64(u);
                    break;
                case MicroOp.ANDR_W:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] & operand32(u)) & M32;
                    break;
                case MicroOp.ORRR_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] | operand64(u);
                    break;
                case MicroOp.ORRR_W:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] | operand32(u)) & M32;
                    break;
                case MicroOp.EORR_X:
                    x[MicroOp.d(u)] = x[MicroOp.n(u)] ^ operand64(u);
                    break;
                case MicroOp.EORR_W:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] ^ operand32(u)) & M32;
                    break;
                case MicroOp.ANDSR_X:
                    { long r = x[MicroOp.n(u)] & operand64(u); x[MicroOp.d(u)] = r; nzcv = Alu.logicFlags64(r); }
                    break;
                case MicroOp.ANDSR_W:
                    { int r = (int) (x[MicroOp.n(u)] & operand32(u)); x[MicroOp.d(u)] = r & M32; nzcv = Alu.logicFlags32(r); }
                    break;
                case MicroOp.MOVI:
                    x[MicroOp.d(u)] = k;
                    break;
                case MicroOp.MOVK_X:
                    x[MicroOp.d(u)] = (x[MicroOp.n(u)] & ~(0xFFFFL << MicroOp.aux(u))) | k;
                    break;
                case MicroOp.MOVK_W:
                    x[MicroOp.d(u)] = ((x[MicroOp.n(u)] & ~(0xFFFFL << MicroOp.aux(u))) | k) & M32;
                    break;
                case MicroOp.ADR:
                    x[MicroOp.d(u)] = pc + k;
                    break;
                case MicroOp.ADRP:
                    x[MicroOp.d(u)] = (pc & ~0xFFFL) + k;
                    break;
                case MicroOp.UBFM_X:
                    x[MicroOp.d(u)] = ((x[MicroOp.n(u)] << k) >>> (k >>> 8)) << (k >>> 16);
                    break;
                case MicroOp.UBFM_W:
                    x[MicroOp.d(u)] = ((((int) x[MicroOp.n(u)]) << k) >>> (k >>> 8) << (k >>> 16)) & M32;
                    break;
                case MicroOp.SBFM_X:
                    x[MicroOp.d(u)] = ((x[MicroOp.n(u)] << k) >> (k >>> 8)) << (k >>> 16);
                    break;
                case MicroOp.SBFM_W:
                    x[MicroOp.d(u)] = ((((int) x[MicroOp.n(u)]) << k) >> (k >>> 8) << (k >>> 16)) & M32;
                    break;
                case MicroOp.CSEL_X:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)]);
                    break;
                case MicroOp.CSEL_W:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)]) & M32;
                    break;
                case MicroOp.CSINC_X:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)] + 1);
                    break;
                case MicroOp.CSINC_W:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)] + 1) & M32;
                    break;
                case MicroOp.CSINV_X:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], ~x[MicroOp.m(u)]);
                    break;
                case MicroOp.CSINV_W:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], ~x[MicroOp.m(u)]) & M32;
                    break;
                case MicroOp.CSNEG_X:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], -x[MicroOp.m(u)]);
                    break;
                case MicroOp.CSNEG_W:
                    x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], -x[MicroOp.m(u)]) & M32;
                    break;
                case MicroOp.CCMP_X: {
                    // branch-free: the comparison's flags if the condition holds, else the immediate
                    // NZCV; a = 1: the second operand is the immediate in the m field
                    final int aux = MicroOp.aux(u);
                    final long a = x[MicroOp.n(u)];
                    final long b = Alu.select(-MicroOp.a(u), MicroOp.m(u), x[MicroOp.m(u)]);
                    final int holds = Condition.mask(aux >>> 4, nzcv);
                    nzcv = (Alu.subFlags64(a, b, a - b) & holds) | (aux & 15 & ~holds);
                    break;
                }
                case MicroOp.CCMP_W: {
                    final int aux = MicroOp.aux(u);
                    final int a = (int) x[MicroOp.n(u)];
                    final int b = (int) Alu.select(-MicroOp.a(u), MicroOp.m(u), x[MicroOp.m(u)]);
                    final int holds = Condition.mask(aux >>> 4, nzcv);
                    nzcv = (Alu.subFlags32(a, b, a - b) & holds) | (aux & 15 & ~holds);
                    break;
                }
                case MicroOp.MADD_X:
                    x[MicroOp.d(u)] = x[MicroOp.a(u)] + x[MicroOp.n(u)] * x[MicroOp.m(u)];
                    break;
                case MicroOp.MADD_W:
                    x[MicroOp.d(u)] = (x[MicroOp.a(u)] + x[MicroOp.n(u)] * x[MicroOp.m(u)]) & M32;
                    break;
                case MicroOp.MSUB_X:
                    x[MicroOp.d(u)] = x[MicroOp.a(u)] - x[MicroOp.n(u)] * x[MicroOp.m(u)];
                    break;
                case MicroOp.MSUB_W:
                    x[MicroOp.d(u)] = (x[MicroOp.a(u)] - x[MicroOp.n(u)] * x[MicroOp.m(u)]) & M32;
                    break;
                case MicroOp.SHIFTV_X:
                    x[MicroOp.d(u)] = Alu.shift64(x[MicroOp.n(u)], MicroOp.aux(u) << 6 | (int) (x[MicroOp.m(u)] & 63));
                    break;
                case MicroOp.SHIFTV_W:
                    x[MicroOp.d(u)] = Alu.shift32((int) x[MicroOp.n(u)], MicroOp.aux(u) << 6 | (int) (x[MicroOp.m(u)] & 31)) & M32;
                    break;
                case MicroOp.B:
                    next = pc + k;
                    if ((next & STAY) != here) {
                        stopAfter = done + 1; // the target is on another page
                    }
                    break;
                case MicroOp.BL:
                    x[30] = next;
                    next = pc + k;
                    if ((next & STAY) != here) {
                        stopAfter = done + 1; // the target is on another page
                    }
                    break;
                case MicroOp.BCOND:
                    if (holds(MicroOp.aux(u), nzcv)) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.CBZ_X:
                    if (x[MicroOp.n(u)] == 0) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.CBZ_W:
                    if ((int) x[MicroOp.n(u)] == 0) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.CBNZ_X:
                    if (x[MicroOp.n(u)] != 0) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.CBNZ_W:
                    if ((int) x[MicroOp.n(u)] != 0) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.TBZ:
                    if (((x[MicroOp.n(u)] >>> MicroOp.aux(u)) & 1) == 0) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.TBNZ:
                    if (((x[MicroOp.n(u)] >>> MicroOp.aux(u)) & 1) != 0) {
                        next = pc + k;
                        if ((next & STAY) != here) {
                            stopAfter = done + 1; // the target is on another page
                        }
                    }
                    break;
                case MicroOp.BR:
                    next = x[MicroOp.n(u)];
                    if ((next & STAY) != here) {
                        stopAfter = done + 1; // another page, or misaligned
                    }
                    break;
                case MicroOp.BLR:
                    next = x[MicroOp.n(u)];
                    if ((next & STAY) != here) {
                        stopAfter = done + 1; // another page, or misaligned
                    }
                    x[30] = pc + 4;
                    break;
                case MicroOp.NOP:
                    break;
                case MicroOp.LDX_OFF:
                case MicroOp.LDX_REG: {
                    final long va = address(u, k, MicroOp.LDX_REG);
                    final byte[] p = readable(va, 8);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    x[MicroOp.d(u)] = (long) LE64.get(p, (int) va & 0xFFF);
                    break;
                }
                case MicroOp.LDW_OFF:
                case MicroOp.LDW_REG: {
                    final long va = address(u, k, MicroOp.LDW_REG);
                    final byte[] p = readable(va, 4);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    x[MicroOp.d(u)] = Integer.toUnsignedLong((int) LE32.get(p, (int) va & 0xFFF));
                    break;
                }
                case MicroOp.LDB_OFF:
                case MicroOp.LDB_REG: {
                    final long va = address(u, k, MicroOp.LDB_REG);
                    final byte[] p = readable(va, 1);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    x[MicroOp.d(u)] = p[(int) va & 0xFFF] & 0xFF;
                    break;
                }
                case MicroOp.LDH_OFF:
                case MicroOp.LDH_REG: {
                    final long va = address(u, k, MicroOp.LDH_REG);
                    final byte[] p = readable(va, 2);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    x[MicroOp.d(u)] = Short.toUnsignedLong((short) LE16.get(p, (int) va & 0xFFF));
                    break;
                }
                case MicroOp.LDSW_OFF:
                case MicroOp.LDSW_REG: {
                    final long va = address(u, k, MicroOp.LDSW_REG);
                    final byte[] p = readable(va, 4);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    x[MicroOp.d(u)] = (int) LE32.get(p, (int) va & 0xFFF);
                    break;
                }
                case MicroOp.LDB_POST: {
                    final long va = x[MicroOp.n(u)];
                    final byte[] p = readable(va, 1);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    x[MicroOp.d(u)] = p[(int) va & 0xFFF] & 0xFF;
                    x[MicroOp.n(u)] = va + k; // never the loaded register: decode leaves that form to the general path
                    break;
                }
                case MicroOp.STB_OFF:
                case MicroOp.STB_REG: {
                    final long va = address(u, k, MicroOp.STB_REG);
                    final byte[] p = writable(va, 1);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    p[(int) va & 0xFFF] = (byte) x[MicroOp.d(u)];
                    break;
                }
                case MicroOp.STX_OFF:
                case MicroOp.STX_REG: {
                    final long va = address(u, k, MicroOp.STX_REG);
                    final byte[] p = writable(va, 8);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    LE64.set(p, (int) va & 0xFFF, x[MicroOp.d(u)]);
                    break;
                }
                case MicroOp.STW_OFF:
                case MicroOp.STW_REG: {
                    final long va = address(u, k, MicroOp.STW_REG);
                    final byte[] p = writable(va, 4);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    LE32.set(p, (int) va & 0xFFF, (int) x[MicroOp.d(u)]);
                    break;
                }
                case MicroOp.LD_OFF:
                case MicroOp.LD_PRE:
                case MicroOp.LD_POST:
                case MicroOp.LD_REG: {
                    final int op = (int) u & 0xFF;
                    final long base = x[MicroOp.n(u)];
                    final long va = op == MicroOp.LD_POST ? base : address(u, k, MicroOp.LD_REG);
                    final int aux = MicroOp.aux(u);
                    final byte[] p = readable(va, 1 << (aux & 3));
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    long value = Alu.read(p, (int) va & 0xFFF, aux & 3);
                    if ((aux & 12) != 0) {
                        int s = 64 - (8 << (aux & 3));
                        value = value << s >> s;
                        if ((aux & 8) != 0) {
                            value &= M32;
                        }
                    }
                    x[MicroOp.d(u)] = value;
                    if (op == MicroOp.LD_PRE || op == MicroOp.LD_POST) {
                        x[MicroOp.n(u)] = base + k;
                    }
                    break;
                }
                case MicroOp.ST_OFF:
                case MicroOp.ST_PRE:
                case MicroOp.ST_POST:
                case MicroOp.ST_REG: {
                    final int op = (int) u & 0xFF;
                    final long base = x[MicroOp.n(u)];
                    final long va = op == MicroOp.ST_POST ? base : address(u, k, MicroOp.ST_REG);
                    final int sizeLog = MicroOp.aux(u);
                    final byte[] p = writable(va, 1 << sizeLog);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    Alu.write(p, (int) va & 0xFFF, sizeLog, x[MicroOp.d(u)]);
                    if (op == MicroOp.ST_PRE || op == MicroOp.ST_POST) {
                        x[MicroOp.n(u)] = base + k;
                    }
                    break;
                }
                case MicroOp.LDP_OFF:
                case MicroOp.LDP_PRE:
                case MicroOp.LDP_POST: {
                    final int op = (int) u & 0xFF;
                    final long base = x[MicroOp.n(u)];
                    final long va = op == MicroOp.LDP_POST ? base : base + k;
                    final int sizeLog = MicroOp.aux(u);
                    final byte[] p = readable(va, 2 << sizeLog);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    final int off = (int) va & 0xFFF;
                    final long first = Alu.read(p, off, sizeLog);
                    final long second = Alu.read(p, off + (1 << sizeLog), sizeLog);
                    x[MicroOp.d(u)] = first;
                    x[MicroOp.m(u)] = second;
                    if (op != MicroOp.LDP_OFF) {
                        x[MicroOp.n(u)] = base + k;
                    }
                    break;
                }
                case MicroOp.STP_OFF:
                case MicroOp.STP_PRE:
                case MicroOp.STP_POST: {
                    final int op = (int) u & 0xFF;
                    final long base = x[MicroOp.n(u)];
                    final long va = op == MicroOp.STP_POST ? base : base + k;
                    final int sizeLog = MicroOp.aux(u);
                    final byte[] p = writable(va, 2 << sizeLog);
                    if (p == null || spMisaligned(u)) {
                        break loop;
                    }
                    final int off = (int) va & 0xFFF;
                    Alu.write(p, off, sizeLog, x[MicroOp.d(u)]);
                    Alu.write(p, off + (1 << sizeLog), sizeLog, x[MicroOp.m(u)]);
                    if (op != MicroOp.STP_OFF) {
                        x[MicroOp.n(u)] = base + k;
                    }
                    break;
                }
                default:
                    break loop; // NONE or not decoded yet: the general interpreter
            }
            done++;
            if (blocks == null) {
                cycles += MicroOp.cost(u);
            } else {
                cycles = blocks.step(cycles, pc, next);
            }
            pc = next;
        }
        if (blocks != null) {
            cycles = blocks.end(cycles, pc);
        }
        cpu.pc = pc;
        cpu.cycles = cycles;
        cpu.n = nzcv >>> 3;
        cpu.z = (nzcv >>> 2) & 1;
        cpu.c = (nzcv >>> 1) & 1;
        cpu.v = nzcv & 1;
        return done;
    }


    private static boolean holds(int cond, int nzcv) {
        return Condition.holds(cond, nzcv);
    }

    /**
     * The address of a single-register access: the base plus the extended and shifted index
     * register for the register-offset operation {@code regOp}, the base plus the immediate otherwise.
     */
    private long address(long u, long k, int regOp) {
        final long base = x[MicroOp.n(u)];
        return ((int) u & 0xFF) == regOp ? base + Alu.extend(x[MicroOp.m(u)], MicroOp.a(u)) : base + k;
    }

    /** The cached RAM page that holds {@code [va, va + bytes)} for reads at this EL, or null. */
    private byte[] readable(long va, int bytes) {
        final int way = (int) (va >>> 12) & (Cpu.DATA_PAGES - 1);
        return readVpn[way] == va >>> 12 && ((int) va & 0xFFF) <= 0x1000 - bytes ? readPage[way] : null;
    }

    /** The cached RAM page that holds {@code [va, va + bytes)} for writes at this EL, or null. */
    private byte[] writable(long va, int bytes) {
        final int way = (int) (va >>> 12) & (Cpu.DATA_PAGES - 1);
        return writeVpn[way] == va >>> 12 && ((int) va & 0xFFF) <= 0x1000 - bytes ? writePage[way] : null;
    }

    /** An SP base that is not 16-byte aligned: the SP alignment check (D1.8.2) is the general path's. */
    private boolean spMisaligned(long u) {
        return MicroOp.n(u) == MicroOp.SP && (x[MicroOp.SP] & 15) != 0;
    }



    /** The shifted-register operand of a logical instruction, inverted when the a field says so (BIC, ORN, EON). */
    private long operand64(long u) {
        return Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u)) ^ -(long) MicroOp.a(u); // a = 1 inverts: no branch
    }

    private long operand32(long u) {
        return Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u)) ^ -(long) MicroOp.a(u);
    }









}
