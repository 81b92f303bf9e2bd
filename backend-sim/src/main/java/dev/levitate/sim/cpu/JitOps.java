package dev.levitate.sim.cpu;

import static dev.levitate.sim.cpu.Alu.M32;

/**
 * The operations that {@link BlockCompiler compiled blocks} call: one static method per
 * {@link MicroOp} operation, with the same meaning as that operation's case in the
 * {@link FastLoop} (the equivalence properties hold both to the general interpreter). A compiled
 * block passes each its packed micro-op {@code u} and immediate {@code k} as constants, so once the
 * JVM's JIT inlines the call, the register indices and every other field fold away and what is left
 * is the instruction's arithmetic on the register file.
 *
 * <p>Shapes (the {@link BlockCompiler}'s {@code Kind}): {@code (x, u, k)} for plain operations;
 * returning the new NZCV for those that set flags; taking NZCV for those that read them; taking the
 * instruction's PC for PC-relative ones; {@code (cpu, x, u, k) -> boolean} for loads and stores,
 * which return false <em>before any effect</em> when the access misses the CPU's data-page caches,
 * crosses a page or uses a misaligned SP (the general interpreter then runs the instruction); and
 * {@code (x, u, k, nzcv, pc) -> next PC} for branches.
 */
final class JitOps {
    private JitOps() {
    }

    // ---- add / subtract

    static void addiX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] + k;
    }

    static void addiW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] + k) & M32;
    }

    static int addsiX(long[] x, long u, long k) {
        long a = x[MicroOp.n(u)];
        long r = a + k;
        x[MicroOp.d(u)] = r;
        return Alu.addFlags64(a, k, r);
    }

    static int addsiW(long[] x, long u, long k) {
        int a = (int) x[MicroOp.n(u)];
        int r = a + (int) k;
        x[MicroOp.d(u)] = r & M32;
        return Alu.addFlags32(a, (int) k, r);
    }

    static int subsiX(long[] x, long u, long k) {
        long a = x[MicroOp.n(u)];
        long r = a - k;
        x[MicroOp.d(u)] = r;
        return Alu.subFlags64(a, k, r);
    }

    static int subsiW(long[] x, long u, long k) {
        int a = (int) x[MicroOp.n(u)];
        int r = a - (int) k;
        x[MicroOp.d(u)] = r & M32;
        return Alu.subFlags32(a, (int) k, r);
    }

    static void addrX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] + Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u));
    }

    static void addrW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] + Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u))) & M32;
    }

    static void subrX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] - Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u));
    }

    static void subrW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] - Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u))) & M32;
    }

    static int addsrX(long[] x, long u, long k) {
        long a = x[MicroOp.n(u)];
        long b = Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u));
        long r = a + b;
        x[MicroOp.d(u)] = r;
        return Alu.addFlags64(a, b, r);
    }

    static int addsrW(long[] x, long u, long k) {
        int a = (int) x[MicroOp.n(u)];
        int b = Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u));
        int r = a + b;
        x[MicroOp.d(u)] = r & M32;
        return Alu.addFlags32(a, b, r);
    }

    static int subsrX(long[] x, long u, long k) {
        long a = x[MicroOp.n(u)];
        long b = Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u));
        long r = a - b;
        x[MicroOp.d(u)] = r;
        return Alu.subFlags64(a, b, r);
    }

    static int subsrW(long[] x, long u, long k) {
        int a = (int) x[MicroOp.n(u)];
        int b = Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u));
        int r = a - b;
        x[MicroOp.d(u)] = r & M32;
        return Alu.subFlags32(a, b, r);
    }

    static void addeX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] + Alu.extend(x[MicroOp.m(u)], MicroOp.aux(u));
    }

    static void subeX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] - Alu.extend(x[MicroOp.m(u)], MicroOp.aux(u));
    }

    // ---- logical

    static void andi(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] & k;
    }

    static void orri(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] | k) & (-1L >>> (MicroOp.a(u) << 5)); // a = 1: 32-bit form
    }

    static void eori(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] ^ k) & (-1L >>> (MicroOp.a(u) << 5));
    }

    static int andsiX(long[] x, long u, long k) {
        long r = x[MicroOp.n(u)] & k;
        x[MicroOp.d(u)] = r;
        return Alu.logicFlags64(r);
    }

    static int andsiW(long[] x, long u, long k) {
        int r = (int) (x[MicroOp.n(u)] & k);
        x[MicroOp.d(u)] = r & M32;
        return Alu.logicFlags32(r);
    }

    /** The shifted-register operand of a logical instruction, inverted when the a field says so (BIC, ORN, EON). */
    private static long operand64(long[] x, long u) {
        return Alu.shift64(x[MicroOp.m(u)], MicroOp.aux(u)) ^ -(long) MicroOp.a(u);
    }

    private static long operand32(long[] x, long u) {
        return Alu.shift32((int) x[MicroOp.m(u)], MicroOp.aux(u)) ^ -(long) MicroOp.a(u);
    }

    static void andrX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] & operand64(x, u);
    }

    static void andrW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] & operand32(x, u)) & M32;
    }

    static void orrrX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] | operand64(x, u);
    }

    static void orrrW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] | operand32(x, u)) & M32;
    }

    static void eorrX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.n(u)] ^ operand64(x, u);
    }

    static void eorrW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] ^ operand32(x, u)) & M32;
    }

    static int andsrX(long[] x, long u, long k) {
        long r = x[MicroOp.n(u)] & operand64(x, u);
        x[MicroOp.d(u)] = r;
        return Alu.logicFlags64(r);
    }

    static int andsrW(long[] x, long u, long k) {
        int r = (int) (x[MicroOp.n(u)] & operand32(x, u));
        x[MicroOp.d(u)] = r & M32;
        return Alu.logicFlags32(r);
    }

    // ---- moves, PC-relative addresses, bitfields

    static void movi(long[] x, long u, long k) {
        x[MicroOp.d(u)] = k;
    }

    static void movkX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.n(u)] & ~(0xFFFFL << MicroOp.aux(u))) | k;
    }

    static void movkW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = ((x[MicroOp.n(u)] & ~(0xFFFFL << MicroOp.aux(u))) | k) & M32;
    }

    static void adr(long[] x, long u, long k, long pc) {
        x[MicroOp.d(u)] = pc + k;
    }

    static void adrp(long[] x, long u, long k, long pc) {
        x[MicroOp.d(u)] = (pc & ~0xFFFL) + k;
    }

    static void ubfmX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = ((x[MicroOp.n(u)] << k) >>> (k >>> 8)) << (k >>> 16);
    }

    static void ubfmW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = ((((int) x[MicroOp.n(u)]) << k) >>> (k >>> 8) << (k >>> 16)) & M32;
    }

    static void sbfmX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = ((x[MicroOp.n(u)] << k) >> (k >>> 8)) << (k >>> 16);
    }

    static void sbfmW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = ((((int) x[MicroOp.n(u)]) << k) >> (k >>> 8) << (k >>> 16)) & M32;
    }

    // ---- conditional select and compare, multiply-add, variable shifts

    static void cselX(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)]);
    }

    static void cselW(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)]) & M32;
    }

    static void csincX(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)] + 1);
    }

    static void csincW(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], x[MicroOp.m(u)] + 1) & M32;
    }

    static void csinvX(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], ~x[MicroOp.m(u)]);
    }

    static void csinvW(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], ~x[MicroOp.m(u)]) & M32;
    }

    static void csnegX(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], -x[MicroOp.m(u)]);
    }

    static void csnegW(long[] x, long u, long k, int nzcv) {
        x[MicroOp.d(u)] = Alu.select(Condition.mask(MicroOp.aux(u), nzcv), x[MicroOp.n(u)], -x[MicroOp.m(u)]) & M32;
    }

    /** CCMP/CCMN: the comparison's flags if the condition holds, else the immediate NZCV; a = 1: m is an immediate. */
    static int ccmpX(long[] x, long u, long k, int nzcv) {
        final int aux = MicroOp.aux(u);
        final long a = x[MicroOp.n(u)];
        final long b = Alu.select(-MicroOp.a(u), MicroOp.m(u), x[MicroOp.m(u)]);
        final int holds = Condition.mask(aux >>> 4, nzcv);
        return (Alu.subFlags64(a, b, a - b) & holds) | (aux & 15 & ~holds);
    }

    static int ccmpW(long[] x, long u, long k, int nzcv) {
        final int aux = MicroOp.aux(u);
        final int a = (int) x[MicroOp.n(u)];
        final int b = (int) Alu.select(-MicroOp.a(u), MicroOp.m(u), x[MicroOp.m(u)]);
        final int holds = Condition.mask(aux >>> 4, nzcv);
        return (Alu.subFlags32(a, b, a - b) & holds) | (aux & 15 & ~holds);
    }

    static void maddX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.a(u)] + x[MicroOp.n(u)] * x[MicroOp.m(u)];
    }

    static void maddW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.a(u)] + x[MicroOp.n(u)] * x[MicroOp.m(u)]) & M32;
    }

    static void msubX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = x[MicroOp.a(u)] - x[MicroOp.n(u)] * x[MicroOp.m(u)];
    }

    static void msubW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = (x[MicroOp.a(u)] - x[MicroOp.n(u)] * x[MicroOp.m(u)]) & M32;
    }

    static void shiftvX(long[] x, long u, long k) {
        x[MicroOp.d(u)] = Alu.shift64(x[MicroOp.n(u)], MicroOp.aux(u) << 6 | (int) (x[MicroOp.m(u)] & 63));
    }

    static void shiftvW(long[] x, long u, long k) {
        x[MicroOp.d(u)] = Alu.shift32((int) x[MicroOp.n(u)], MicroOp.aux(u) << 6 | (int) (x[MicroOp.m(u)] & 31)) & M32;
    }

    // ---- branches: the next PC

    static long b(long[] x, long u, long k, int nzcv, long pc) {
        return pc + k;
    }

    static long bl(long[] x, long u, long k, int nzcv, long pc) {
        x[30] = pc + 4;
        return pc + k;
    }

    static long bcond(long[] x, long u, long k, int nzcv, long pc) {
        return Condition.holds(MicroOp.aux(u), nzcv) ? pc + k : pc + 4;
    }

    static long cbzX(long[] x, long u, long k, int nzcv, long pc) {
        return x[MicroOp.n(u)] == 0 ? pc + k : pc + 4;
    }

    static long cbzW(long[] x, long u, long k, int nzcv, long pc) {
        return (int) x[MicroOp.n(u)] == 0 ? pc + k : pc + 4;
    }

    static long cbnzX(long[] x, long u, long k, int nzcv, long pc) {
        return x[MicroOp.n(u)] != 0 ? pc + k : pc + 4;
    }

    static long cbnzW(long[] x, long u, long k, int nzcv, long pc) {
        return (int) x[MicroOp.n(u)] != 0 ? pc + k : pc + 4;
    }

    static long tbz(long[] x, long u, long k, int nzcv, long pc) {
        return ((x[MicroOp.n(u)] >>> MicroOp.aux(u)) & 1) == 0 ? pc + k : pc + 4;
    }

    static long tbnz(long[] x, long u, long k, int nzcv, long pc) {
        return ((x[MicroOp.n(u)] >>> MicroOp.aux(u)) & 1) != 0 ? pc + k : pc + 4;
    }

    static long br(long[] x, long u, long k, int nzcv, long pc) {
        return x[MicroOp.n(u)];
    }

    static long blr(long[] x, long u, long k, int nzcv, long pc) {
        long next = x[MicroOp.n(u)]; // read before x30 is written: BLR x30
        x[30] = pc + 4;
        return next;
    }

    // ---- loads and stores: false, with nothing changed, when the general interpreter must run it

    /** The cached RAM page that holds {@code [va, va + bytes)} for reads at this EL, or null. */
    private static byte[] readable(Cpu cpu, long va, int bytes) {
        final int way = (int) (va >>> 12) & (Cpu.DATA_PAGES - 1);
        return cpu.readVpn[way] == va >>> 12 && ((int) va & 0xFFF) <= 0x1000 - bytes ? cpu.readPage[way] : null;
    }

    /** The cached RAM page that holds {@code [va, va + bytes)} for writes at this EL, or null. */
    private static byte[] writable(Cpu cpu, long va, int bytes) {
        final int way = (int) (va >>> 12) & (Cpu.DATA_PAGES - 1);
        return cpu.writeVpn[way] == va >>> 12 && ((int) va & 0xFFF) <= 0x1000 - bytes ? cpu.writePage[way] : null;
    }

    /** An SP base that is not 16-byte aligned: the SP alignment check (D1.8.2) is the general path's. */
    private static boolean spMisaligned(long[] x, long u) {
        return MicroOp.n(u) == MicroOp.SP && (x[MicroOp.SP] & 15) != 0;
    }

    /** Base plus immediate ({@code reg} false) or plus the extended, shifted index register. */
    private static long address(long[] x, long u, long k, boolean reg) {
        final long base = x[MicroOp.n(u)];
        return reg ? base + Alu.extend(x[MicroOp.m(u)], MicroOp.a(u)) : base + k;
    }

    static boolean ldxOff(Cpu cpu, long[] x, long u, long k) {
        return ldx(cpu, x, u, address(x, u, k, false));
    }

    static boolean ldxReg(Cpu cpu, long[] x, long u, long k) {
        return ldx(cpu, x, u, address(x, u, k, true));
    }

    private static boolean ldx(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = readable(cpu, va, 8);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        x[MicroOp.d(u)] = (long) Alu.LE64.get(p, (int) va & 0xFFF);
        return true;
    }

    static boolean ldwOff(Cpu cpu, long[] x, long u, long k) {
        return ldw(cpu, x, u, address(x, u, k, false));
    }

    static boolean ldwReg(Cpu cpu, long[] x, long u, long k) {
        return ldw(cpu, x, u, address(x, u, k, true));
    }

    private static boolean ldw(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = readable(cpu, va, 4);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        x[MicroOp.d(u)] = Integer.toUnsignedLong((int) Alu.LE32.get(p, (int) va & 0xFFF));
        return true;
    }

    static boolean ldbOff(Cpu cpu, long[] x, long u, long k) {
        return ldb(cpu, x, u, address(x, u, k, false));
    }

    static boolean ldbReg(Cpu cpu, long[] x, long u, long k) {
        return ldb(cpu, x, u, address(x, u, k, true));
    }

    private static boolean ldb(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = readable(cpu, va, 1);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        x[MicroOp.d(u)] = p[(int) va & 0xFFF] & 0xFF;
        return true;
    }

    static boolean ldhOff(Cpu cpu, long[] x, long u, long k) {
        return ldh(cpu, x, u, address(x, u, k, false));
    }

    static boolean ldhReg(Cpu cpu, long[] x, long u, long k) {
        return ldh(cpu, x, u, address(x, u, k, true));
    }

    private static boolean ldh(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = readable(cpu, va, 2);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        x[MicroOp.d(u)] = Short.toUnsignedLong((short) Alu.LE16.get(p, (int) va & 0xFFF));
        return true;
    }

    static boolean ldswOff(Cpu cpu, long[] x, long u, long k) {
        return ldsw(cpu, x, u, address(x, u, k, false));
    }

    static boolean ldswReg(Cpu cpu, long[] x, long u, long k) {
        return ldsw(cpu, x, u, address(x, u, k, true));
    }

    private static boolean ldsw(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = readable(cpu, va, 4);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        x[MicroOp.d(u)] = (int) Alu.LE32.get(p, (int) va & 0xFFF);
        return true;
    }

    static boolean ldbPost(Cpu cpu, long[] x, long u, long k) {
        final long va = x[MicroOp.n(u)];
        final byte[] p = readable(cpu, va, 1);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        x[MicroOp.d(u)] = p[(int) va & 0xFFF] & 0xFF;
        x[MicroOp.n(u)] = va + k; // never the loaded register: decode leaves that form to the general path
        return true;
    }

    static boolean stbOff(Cpu cpu, long[] x, long u, long k) {
        return stb(cpu, x, u, address(x, u, k, false));
    }

    static boolean stbReg(Cpu cpu, long[] x, long u, long k) {
        return stb(cpu, x, u, address(x, u, k, true));
    }

    private static boolean stb(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = writable(cpu, va, 1);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        p[(int) va & 0xFFF] = (byte) x[MicroOp.d(u)];
        return true;
    }

    static boolean stxOff(Cpu cpu, long[] x, long u, long k) {
        return stx(cpu, x, u, address(x, u, k, false));
    }

    static boolean stxReg(Cpu cpu, long[] x, long u, long k) {
        return stx(cpu, x, u, address(x, u, k, true));
    }

    private static boolean stx(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = writable(cpu, va, 8);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        Alu.LE64.set(p, (int) va & 0xFFF, x[MicroOp.d(u)]);
        return true;
    }

    static boolean stwOff(Cpu cpu, long[] x, long u, long k) {
        return stw(cpu, x, u, address(x, u, k, false));
    }

    static boolean stwReg(Cpu cpu, long[] x, long u, long k) {
        return stw(cpu, x, u, address(x, u, k, true));
    }

    private static boolean stw(Cpu cpu, long[] x, long u, long va) {
        final byte[] p = writable(cpu, va, 4);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        Alu.LE32.set(p, (int) va & 0xFFF, (int) x[MicroOp.d(u)]);
        return true;
    }

    /** LD_OFF, LD_PRE, LD_POST, LD_REG: aux = size log2 | sign mode &lt;&lt; 2. */
    static boolean ld(Cpu cpu, long[] x, long u, long k) {
        final int op = MicroOp.op(u);
        final long base = x[MicroOp.n(u)];
        final long va = op == MicroOp.LD_POST ? base : address(x, u, k, op == MicroOp.LD_REG);
        final int aux = MicroOp.aux(u);
        final byte[] p = readable(cpu, va, 1 << (aux & 3));
        if (p == null || spMisaligned(x, u)) {
            return false;
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
        return true;
    }

    /** ST_OFF, ST_PRE, ST_POST, ST_REG: aux = size log2. */
    static boolean st(Cpu cpu, long[] x, long u, long k) {
        final int op = MicroOp.op(u);
        final long base = x[MicroOp.n(u)];
        final long va = op == MicroOp.ST_POST ? base : address(x, u, k, op == MicroOp.ST_REG);
        final int sizeLog = MicroOp.aux(u);
        final byte[] p = writable(cpu, va, 1 << sizeLog);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        Alu.write(p, (int) va & 0xFFF, sizeLog, x[MicroOp.d(u)]);
        if (op == MicroOp.ST_PRE || op == MicroOp.ST_POST) {
            x[MicroOp.n(u)] = base + k;
        }
        return true;
    }

    /** LDP_OFF, LDP_PRE, LDP_POST: aux = size log2 (2 or 3). */
    static boolean ldp(Cpu cpu, long[] x, long u, long k) {
        final int op = MicroOp.op(u);
        final long base = x[MicroOp.n(u)];
        final long va = op == MicroOp.LDP_POST ? base : base + k;
        final int sizeLog = MicroOp.aux(u);
        final byte[] p = readable(cpu, va, 2 << sizeLog);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        final int off = (int) va & 0xFFF;
        final long first = Alu.read(p, off, sizeLog);
        final long second = Alu.read(p, off + (1 << sizeLog), sizeLog);
        x[MicroOp.d(u)] = first;
        x[MicroOp.m(u)] = second;
        if (op != MicroOp.LDP_OFF) {
            x[MicroOp.n(u)] = base + k;
        }
        return true;
    }

    /** STP_OFF, STP_PRE, STP_POST: aux = size log2 (2 or 3). */
    static boolean stp(Cpu cpu, long[] x, long u, long k) {
        final int op = MicroOp.op(u);
        final long base = x[MicroOp.n(u)];
        final long va = op == MicroOp.STP_POST ? base : base + k;
        final int sizeLog = MicroOp.aux(u);
        final byte[] p = writable(cpu, va, 2 << sizeLog);
        if (p == null || spMisaligned(x, u)) {
            return false;
        }
        final int off = (int) va & 0xFFF;
        Alu.write(p, off, sizeLog, x[MicroOp.d(u)]);
        Alu.write(p, off + (1 << sizeLog), sizeLog, x[MicroOp.m(u)]);
        if (op != MicroOp.STP_OFF) {
            x[MicroOp.n(u)] = base + k;
        }
        return true;
    }
}
