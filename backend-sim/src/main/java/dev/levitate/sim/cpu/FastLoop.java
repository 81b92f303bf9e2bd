package dev.levitate.sim.cpu;

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

    private final Cpu cpu;
    private final long[] x;
    /** The A53 model's driver, or null for the fixed timing (a cost per instruction in its micro-op). */
    final BlockTiming blocks;

    FastLoop(Cpu cpu, CycleModel timing) {
        this.cpu = cpu;
        this.x = cpu.x;
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
                // loads and stores: JitOps's, shared with compiled blocks; false = nothing done, the general path's
                case MicroOp.LDX_OFF:
                    if (!JitOps.ldxOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDX_REG:
                    if (!JitOps.ldxReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDW_OFF:
                    if (!JitOps.ldwOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDW_REG:
                    if (!JitOps.ldwReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDB_OFF:
                    if (!JitOps.ldbOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDB_REG:
                    if (!JitOps.ldbReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDH_OFF:
                    if (!JitOps.ldhOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDH_REG:
                    if (!JitOps.ldhReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDSW_OFF:
                    if (!JitOps.ldswOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDSW_REG:
                    if (!JitOps.ldswReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDB_POST:
                    if (!JitOps.ldbPost(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STB_OFF:
                    if (!JitOps.stbOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STB_REG:
                    if (!JitOps.stbReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STX_OFF:
                    if (!JitOps.stxOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STX_REG:
                    if (!JitOps.stxReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STW_OFF:
                    if (!JitOps.stwOff(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STW_REG:
                    if (!JitOps.stwReg(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LD_OFF:
                case MicroOp.LD_PRE:
                case MicroOp.LD_POST:
                case MicroOp.LD_REG:
                    if (!JitOps.ld(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.ST_OFF:
                case MicroOp.ST_PRE:
                case MicroOp.ST_POST:
                case MicroOp.ST_REG:
                    if (!JitOps.st(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.LDP_OFF:
                case MicroOp.LDP_PRE:
                case MicroOp.LDP_POST:
                    if (!JitOps.ldp(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
                case MicroOp.STP_OFF:
                case MicroOp.STP_PRE:
                case MicroOp.STP_POST:
                    if (!JitOps.stp(cpu, x, u, k)) {
                        break loop;
                    }
                    break;
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







    /** The shifted-register operand of a logical instruction, inverted when the a field says so (BIC, ORN, EON). */
    private long operand64(long u) {
        return Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u)) ^ -(long) MicroOp.a(u); // a = 1 inverts: no branch
    }

    private long operand32(long u) {
        return Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u)) ^ -(long) MicroOp.a(u);
    }









}
