package dev.levitate.sim.cpu;

import dev.levitate.a64.BitMasks;

/**
 * The pre-decoded form of the instructions the {@link FastLoop} runs: each common A64 form
 * (C4.1) turned, once, when its word is first decoded, into one {@code long} that names a
 * specialised operation and its register indices, plus one {@code long} immediate with every
 * constant already computed (scaled offsets, logical-immediate masks, negated subtrahends, branch
 * displacements, bitfield shift counts). Everything an operation must still decide at run time is
 * what depends on register values.
 *
 * <pre>
 *   bits  0..7   operation (NONE = not handled here: the general interpreter runs the word)
 *   bits  8..13  d   bits 14..19 n   bits 20..25 m   bits 26..31 a / extra
 *   bits 32..39  aux (condition, shift, size and sign, bit number)
 *   bits 40..47  fixed cycle cost       bits 48..57 row id (for the cycle model)
 * </pre>
 * Register indices are 0..30, {@link #SP} (31) when the encoding means the stack pointer,
 * {@link #ZR} (32, always zero) when it reads the zero register, and {@link #SINK} (33, never read)
 * when it writes the zero register: the register file has 34 slots, so no operation tests for
 * register 31. An encoding that would be UNDEFINED, CONSTRAINED UNPREDICTABLE or that needs the
 * general interpreter's extra checks (prefetch, writeback onto the loaded register) is {@link #NONE}.
 */
final class MicroOp {
    private MicroOp() {
    }

    /** Register-file slot read as zero (the zero register as a source). */
    static final int ZR = 32;
    /** Register-file slot written and never read (the zero register as a destination). */
    static final int SINK = 33;
    /** The stack pointer's slot. */
    static final int SP = 31;

    static final int NONE = 0;
    // add / subtract: immediate (subtraction stored as the negated immediate), shifted, extended
    static final int ADDI_X = 1;
    static final int ADDI_W = 2;
    static final int ADDSI_X = 3;
    static final int ADDSI_W = 4;
    static final int SUBSI_X = 5;
    static final int SUBSI_W = 6;
    static final int ADDR_X = 7;
    static final int ADDR_W = 8;
    static final int SUBR_X = 9;
    static final int SUBR_W = 10;
    static final int ADDSR_X = 11;
    static final int ADDSR_W = 12;
    static final int SUBSR_X = 13;
    static final int SUBSR_W = 14;
    static final int ADDE_X = 15;
    static final int SUBE_X = 16;
    // logical: immediate (mask precomputed), shifted register (inverted operand flagged in a)
    static final int ANDI = 17;
    static final int ORRI = 18;
    static final int EORI = 19;
    static final int ANDSI_X = 20;
    static final int ANDSI_W = 21;
    static final int ANDR_X = 22;
    static final int ANDR_W = 23;
    static final int ORRR_X = 24;
    static final int ORRR_W = 25;
    static final int EORR_X = 26;
    static final int EORR_W = 27;
    static final int ANDSR_X = 28;
    static final int ANDSR_W = 29;
    // moves, PC-relative addresses, bitfields
    static final int MOVI = 30;
    static final int MOVK_X = 31;
    static final int MOVK_W = 32;
    static final int ADR = 33;
    static final int ADRP = 34;
    static final int UBFM_X = 35;
    static final int UBFM_W = 36;
    static final int SBFM_X = 37;
    static final int SBFM_W = 38;
    // conditional select, multiply-add, variable shifts
    static final int CSEL_X = 39;
    static final int CSEL_W = 40;
    static final int CSINC_X = 41;
    static final int CSINC_W = 42;
    static final int CSINV_X = 43;
    static final int CSINV_W = 44;
    static final int CSNEG_X = 45;
    static final int CSNEG_W = 46;
    static final int MADD_X = 47;
    static final int MADD_W = 48;
    static final int MSUB_X = 49;
    static final int MSUB_W = 50;
    static final int SHIFTV_X = 51;
    static final int SHIFTV_W = 52;
    static final int CCMP_X = 53;
    static final int CCMP_W = 54;
    // branches
    static final int B = 55;
    static final int BL = 56;
    static final int BCOND = 57;
    static final int CBZ_X = 58;
    static final int CBZ_W = 59;
    static final int CBNZ_X = 60;
    static final int CBNZ_W = 61;
    static final int TBZ = 62;
    static final int TBNZ = 63;
    static final int BR = 64;
    static final int BLR = 65;
    // loads and stores: aux = size log2 | sign mode << 2 (0 zero-extend, 1 to 64 bits, 2 to 32 bits)
    static final int LD_OFF = 66;
    static final int LD_PRE = 67;
    static final int LD_POST = 68;
    static final int LD_REG = 69;
    static final int ST_OFF = 70;
    static final int ST_PRE = 71;
    static final int ST_POST = 72;
    static final int ST_REG = 73;
    // pairs: aux = size log2 (2 or 3)
    static final int LDP_OFF = 74;
    static final int LDP_PRE = 75;
    static final int LDP_POST = 76;
    static final int STP_OFF = 77;
    static final int STP_PRE = 78;
    static final int STP_POST = 79;
    static final int NOP = 80;
    // the commonest single forms: 64-bit load and store with an immediate offset
    static final int LDX_OFF = 81;
    static final int STX_OFF = 82;
    // zero-extending loads of 32 and 8 bits, register-offset loads, 32-bit stores: no size or sign switch
    static final int LDW_OFF = 83;
    static final int LDB_OFF = 84;
    static final int LDX_REG = 85;
    static final int LDW_REG = 86;
    static final int LDB_REG = 87;
    static final int STW_OFF = 88;
    // halfword and sign-extended word loads, post-indexed byte loads, the other stores of one register
    static final int LDH_OFF = 89;
    static final int LDH_REG = 90;
    static final int LDSW_OFF = 91;
    static final int LDSW_REG = 92;
    static final int LDB_POST = 93;
    static final int STX_REG = 94;
    static final int STW_REG = 95;
    static final int STB_OFF = 96;
    static final int STB_REG = 97;
    /** One past the last operation (for tests that walk them). */
    static final int COUNT = 98;

    private static final byte[] FIXED_COST = CycleModel.fixedCosts();

    static int op(long u) {
        return (int) u & 0xFF;
    }

    static int d(long u) {
        return (int) (u >>> 8) & 63;
    }

    static int n(long u) {
        return (int) (u >>> 14) & 63;
    }

    static int m(long u) {
        return (int) (u >>> 20) & 63;
    }

    static int a(long u) {
        return (int) (u >>> 26) & 63;
    }

    static int aux(long u) {
        return (int) (u >>> 32) & 0xFF;
    }

    static int cost(long u) {
        return (int) (u >>> 40) & 0xFF;
    }

    static int id(long u) {
        return (int) (u >>> 48) & 0x3FF;
    }

    private static long pack(int id, int op, int d, int n, int m, int a, int aux) {
        return op | (long) d << 8 | (long) n << 14 | (long) m << 20 | (long) a << 26 | (long) aux << 32
                | (long) (FIXED_COST[id] & 0xFF) << 40 | (long) id << 48;
    }

    /** Register 31 as a source that means the zero register. */
    private static int zr(int r) {
        return r == 31 ? ZR : r;
    }

    /** Register 31 as a destination that means the zero register. */
    private static int sink(int r) {
        return r == 31 ? SINK : r;
    }

    private static int bits(int w, int lo, int len) {
        return (w >>> lo) & ((1 << len) - 1);
    }

    private static long sext(long value, int width) {
        return value << (64 - width) >> (64 - width);
    }

    /**
     * Pre-decodes one instruction.
     *
     * @param id its row ({@link dev.levitate.a64.A64#ordinal()})
     * @param w the word
     * @param imm receives the immediate at {@code imm[slot]}
     * @param slot where to put it
     * @return the packed operation, or {@link #NONE}
     */
    static long encode(int id, int w, long[] imm, int slot) {
        final boolean sf = (w >>> 31) == 1;
        final int rd = w & 31;
        final int rn = (w >>> 5) & 31;
        final int rm = (w >>> 16) & 31;
        long k = 0;
        long u;
        switch (id) {
            case Ops.ADD_imm:
            case Ops.SUB_imm:
            case Ops.ADDS_imm:
            case Ops.SUBS_imm: {
                k = (long) bits(w, 10, 12) << (bits(w, 22, 1) * 12);
                boolean flags = id == Ops.ADDS_imm || id == Ops.SUBS_imm;
                if (!flags) {
                    k = id == Ops.SUB_imm ? -k : k;
                    u = pack(id, sf ? ADDI_X : ADDI_W, rd, rn, 0, 0, 0);
                } else {
                    int op = id == Ops.ADDS_imm ? (sf ? ADDSI_X : ADDSI_W) : (sf ? SUBSI_X : SUBSI_W);
                    u = pack(id, op, sink(rd), rn, 0, 0, 0);
                }
                break;
            }
            case Ops.AND_imm:
            case Ops.ORR_imm:
            case Ops.EOR_imm:
            case Ops.ANDS_imm: {
                int nBit = bits(w, 22, 1);
                if (!sf && nBit == 1) {
                    return NONE;
                }
                k = BitMasks.logicalImmediate(nBit, bits(w, 10, 6), bits(w, 16, 6), sf ? 64 : 32);
                if (k == BitMasks.INVALID) {
                    return NONE;
                }
                if (id == Ops.ANDS_imm) {
                    u = pack(id, sf ? ANDSI_X : ANDSI_W, sink(rd), zr(rn), 0, 0, 0);
                } else {
                    // ORR/EOR of a 32-bit form must clear the upper half: the a field says so
                    int op = id == Ops.AND_imm ? ANDI : id == Ops.ORR_imm ? ORRI : EORI;
                    u = pack(id, op, rd, zr(rn), 0, sf ? 0 : 1, 0);
                }
                break;
            }
            case Ops.MOVN:
            case Ops.MOVZ:
            case Ops.MOVK: {
                int hw = bits(w, 21, 2);
                if (!sf && hw > 1) {
                    return NONE;
                }
                k = (long) bits(w, 5, 16) << (hw * 16);
                if (id == Ops.MOVK) {
                    u = pack(id, sf ? MOVK_X : MOVK_W, sink(rd), zr(rd), 0, 0, hw * 16);
                } else {
                    if (id == Ops.MOVN) {
                        k = ~k;
                    }
                    if (!sf) {
                        k &= 0xFFFF_FFFFL;
                    }
                    u = pack(id, MOVI, sink(rd), 0, 0, 0, 0);
                }
                break;
            }
            case Ops.SBFM:
            case Ops.UBFM: {
                int nBit = bits(w, 22, 1);
                int immr = bits(w, 16, 6);
                int imms = bits(w, 10, 6);
                if ((sf ? 1 : 0) != nBit || (!sf && (immr > 31 || imms > 31))) {
                    return NONE;
                }
                // result = ((src << l) >> r) << t (>>> for UBFM), in the datasize's width
                int top = sf ? 63 : 31;
                int l = top - imms;
                int r = imms >= immr ? top - imms + immr : top - imms;
                int t = imms >= immr ? 0 : top + 1 - immr;
                k = l | r << 8 | t << 16;
                int op = id == Ops.UBFM ? (sf ? UBFM_X : UBFM_W) : (sf ? SBFM_X : SBFM_W);
                u = pack(id, op, sink(rd), zr(rn), 0, 0, 0);
                break;
            }
            case Ops.ADR:
            case Ops.ADRP:
                k = sext(((long) bits(w, 5, 19) << 2) | bits(w, 29, 2), 21);
                if (id == Ops.ADRP) {
                    k <<= 12;
                }
                u = pack(id, id == Ops.ADR ? ADR : ADRP, sink(rd), 0, 0, 0, 0);
                break;
            case Ops.ADD_shift:
            case Ops.ADDS_shift:
            case Ops.SUB_shift:
            case Ops.SUBS_shift: {
                int type = bits(w, 22, 2);
                int amount = bits(w, 10, 6);
                if (type == 3 || (!sf && amount > 31)) {
                    return NONE;
                }
                int op;
                switch (id) {
                    case Ops.ADD_shift: op = sf ? ADDR_X : ADDR_W; break;
                    case Ops.SUB_shift: op = sf ? SUBR_X : SUBR_W; break;
                    case Ops.ADDS_shift: op = sf ? ADDSR_X : ADDSR_W; break;
                    default: op = sf ? SUBSR_X : SUBSR_W; break;
                }
                u = pack(id, op, sink(rd), zr(rn), zr(rm), 0, type << 6 | amount);
                break;
            }
            case Ops.ADD_ext:
            case Ops.SUB_ext: {
                int amount = bits(w, 10, 3);
                if (amount > 4 || !sf) {
                    return NONE;
                }
                u = pack(id, id == Ops.ADD_ext ? ADDE_X : SUBE_X, rd, rn, zr(rm), 0, extension(bits(w, 13, 3), amount));
                break;
            }
            case Ops.AND_shift:
            case Ops.BIC_shift:
            case Ops.ORR_shift:
            case Ops.ORN_shift:
            case Ops.EOR_shift:
            case Ops.EON_shift:
            case Ops.ANDS_shift:
            case Ops.BICS_shift: {
                int amount = bits(w, 10, 6);
                if (!sf && amount > 31) {
                    return NONE;
                }
                int opc = bits(w, 29, 2);
                int op;
                switch (opc) {
                    case 0: op = sf ? ANDR_X : ANDR_W; break;
                    case 1: op = sf ? ORRR_X : ORRR_W; break;
                    case 2: op = sf ? EORR_X : EORR_W; break;
                    default: op = sf ? ANDSR_X : ANDSR_W; break;
                }
                u = pack(id, op, sink(rd), zr(rn), zr(rm), bits(w, 21, 1), bits(w, 22, 2) << 6 | amount);
                break;
            }
            case Ops.CSEL:
            case Ops.CSINC:
            case Ops.CSINV:
            case Ops.CSNEG: {
                int op;
                switch (id) {
                    case Ops.CSEL: op = sf ? CSEL_X : CSEL_W; break;
                    case Ops.CSINC: op = sf ? CSINC_X : CSINC_W; break;
                    case Ops.CSINV: op = sf ? CSINV_X : CSINV_W; break;
                    default: op = sf ? CSNEG_X : CSNEG_W; break;
                }
                u = pack(id, op, sink(rd), zr(rn), zr(rm), 0, bits(w, 12, 4));
                break;
            }
            case Ops.CCMP_reg:
            case Ops.CCMP_imm:
                // a = 1: the second operand is the 5-bit immediate in the m field's place
                u = pack(id, sf ? CCMP_X : CCMP_W, 0, zr(rn), id == Ops.CCMP_imm ? rm : zr(rm),
                        id == Ops.CCMP_imm ? 1 : 0, bits(w, 12, 4) << 4 | (w & 15));
                break;
            case Ops.MADD:
            case Ops.MSUB: {
                int op = id == Ops.MADD ? (sf ? MADD_X : MADD_W) : (sf ? MSUB_X : MSUB_W);
                u = pack(id, op, sink(rd), zr(rn), zr(rm), zr(bits(w, 10, 5)), 0);
                break;
            }
            case Ops.LSLV:
            case Ops.LSRV:
            case Ops.ASRV:
            case Ops.RORV:
                u = pack(id, sf ? SHIFTV_X : SHIFTV_W, sink(rd), zr(rn), zr(rm), 0, id - Ops.LSLV);
                break;
            case Ops.B:
            case Ops.BL:
                k = sext(w & 0x3FF_FFFF, 26) << 2;
                u = pack(id, id == Ops.B ? B : BL, 0, 0, 0, 0, 0);
                break;
            case Ops.B_cond:
                k = sext(bits(w, 5, 19), 19) << 2;
                u = pack(id, BCOND, 0, 0, 0, 0, w & 15);
                break;
            case Ops.CBZ:
            case Ops.CBNZ: {
                k = sext(bits(w, 5, 19), 19) << 2;
                int op = id == Ops.CBZ ? (sf ? CBZ_X : CBZ_W) : (sf ? CBNZ_X : CBNZ_W);
                u = pack(id, op, 0, zr(rd), 0, 0, 0);
                break;
            }
            case Ops.TBZ:
            case Ops.TBNZ:
                k = sext(bits(w, 5, 14), 14) << 2;
                u = pack(id, id == Ops.TBZ ? TBZ : TBNZ, 0, zr(rd), 0, 0, (bits(w, 31, 1) << 5) | bits(w, 19, 5));
                break;
            case Ops.BR:
            case Ops.RET:
            case Ops.BLR:
                u = pack(id, id == Ops.BLR ? BLR : BR, 0, zr(rn), 0, 0, 0);
                break;
            case Ops.HINT:
                // NOP and the hints that are NOPs here; WFI, WFE, SEV, SEVL, YIELD stay general
                if (bits(w, 5, 7) != 0) {
                    return NONE;
                }
                u = pack(id, NOP, 0, 0, 0, 0, 0);
                break;
            // ---- loads and stores of one register
            case Ops.STRB_uimm:
            case Ops.STRH_uimm:
            case Ops.STRW_uimm:
            case Ops.STRX_uimm:
            case Ops.LDRB_uimm:
            case Ops.LDRH_uimm:
            case Ops.LDRW_uimm:
            case Ops.LDRX_uimm:
            case Ops.LDRSB_uimm:
            case Ops.LDRSH_uimm:
            case Ops.LDRSW_uimm:
            case Ops.LDST_uimm: {
                int sizeLog = bits(w, 30, 2);
                int opc = bits(w, 22, 2);
                if (!singleValid(sizeLog, opc)) {
                    return NONE;
                }
                k = (long) bits(w, 10, 12) << sizeLog;
                u = single(id, opc == 0 ? ST_OFF : LD_OFF, rd, rn, 0, 0, sizeLog, opc);
                break;
            }
            case Ops.STURB:
            case Ops.STURH:
            case Ops.STURW:
            case Ops.STURX:
            case Ops.LDURB:
            case Ops.LDURH:
            case Ops.LDURW:
            case Ops.LDURX:
            case Ops.LDST_unscaled: {
                int sizeLog = bits(w, 30, 2);
                int opc = bits(w, 22, 2);
                if (!singleValid(sizeLog, opc)) {
                    return NONE;
                }
                k = sext(bits(w, 12, 9), 9);
                u = single(id, opc == 0 ? ST_OFF : LD_OFF, rd, rn, 0, 0, sizeLog, opc);
                break;
            }
            case Ops.STRX_pre:
            case Ops.LDRX_pre:
            case Ops.STRX_post:
            case Ops.LDRX_post:
            case Ops.LDST_pre:
            case Ops.LDST_post: {
                int sizeLog = bits(w, 30, 2);
                int opc = bits(w, 22, 2);
                if (!singleValid(sizeLog, opc) || (opc != 0 && rd == rn && rn != 31)) {
                    return NONE; // a load that writes back onto its own base: the general path
                }
                boolean pre = bits(w, 11, 1) == 1;
                k = sext(bits(w, 12, 9), 9);
                int op = opc == 0 ? (pre ? ST_PRE : ST_POST) : (pre ? LD_PRE : LD_POST);
                u = single(id, op, rd, rn, 0, 0, sizeLog, opc);
                break;
            }
            case Ops.STRB_reg:
            case Ops.LDRB_reg:
            case Ops.STRH_reg:
            case Ops.LDRH_reg:
            case Ops.STRW_reg:
            case Ops.LDRW_reg:
            case Ops.LDRSW_reg:
            case Ops.STRX_reg:
            case Ops.LDRX_reg:
            case Ops.LDST_reg: {
                int sizeLog = bits(w, 30, 2);
                int opc = bits(w, 22, 2);
                int option = bits(w, 13, 3);
                if (!singleValid(sizeLog, opc) || (option & 2) == 0) {
                    return NONE;
                }
                int amount = bits(w, 12, 1) == 1 ? sizeLog : 0;
                u = single(id, opc == 0 ? ST_REG : LD_REG, rd, rn, zr(rm), extension(option, amount), sizeLog, opc);
                break;
            }
            case Ops.STP_off:
            case Ops.LDP_off:
            case Ops.STP_pre:
            case Ops.LDP_pre:
            case Ops.STP_post:
            case Ops.LDP_post:
            case Ops.STPW_off:
            case Ops.LDPW_off:
            case Ops.STPW_pre:
            case Ops.LDPW_pre:
            case Ops.STPW_post:
            case Ops.LDPW_post: {
                int sizeLog = sf ? 3 : 2;
                int rt2 = (w >>> 10) & 31;
                boolean load = bits(w, 22, 1) == 1;
                int mode = bits(w, 23, 2); // 1 post, 2 offset, 3 pre
                if (load && (rd == rt2 || mode != 2 && rn != 31 && (rn == rd || rn == rt2))) {
                    return NONE; // CONSTRAINED UNPREDICTABLE forms: the general path decides
                }
                k = sext(bits(w, 15, 7), 7) << sizeLog;
                int op = mode == 2 ? (load ? LDP_OFF : STP_OFF) : mode == 3 ? (load ? LDP_PRE : STP_PRE)
                        : (load ? LDP_POST : STP_POST);
                u = load ? pack(id, op, sink(rd), rn, sink(rt2), 0, sizeLog)
                        : pack(id, op, zr(rd), rn, zr(rt2), 0, sizeLog);
                break;
            }
            default:
                return NONE;
        }
        imm[slot] = k;
        return u;
    }

    /**
     * ExtendReg (C6.2) and the left shift as shift counts: bits 0..2 = (64 - width) / 8 (UXTB/SXTB 7,
     * UXTH/SXTH 6, UXTW/SXTW 4, UXTX/SXTX 0), bit 3 = signed, bits 4..6 = the left shift.
     */
    static int extension(int option, int amount) {
        int width8 = (option & 3) == 0 ? 7 : (option & 3) == 1 ? 6 : (option & 3) == 2 ? 4 : 0;
        return width8 | (option >>> 2) << 3 | amount << 4;
    }

    /** Size and opc of the general single-register form that the fast loop runs (no PRFM, no UNDEFINED). */
    private static boolean singleValid(int sizeLog, int opc) {
        return !(sizeLog == 3 && opc >= 2) && !(sizeLog == 2 && opc == 3);
    }

    /** By size log2: the specialised forms (the generic one where there is none). */
    private static final int[] ZERO_EXTENDING_OFF = {LDB_OFF, LDH_OFF, LDW_OFF, LDX_OFF};
    private static final int[] ZERO_EXTENDING_REG = {LDB_REG, LDH_REG, LDW_REG, LDX_REG};
    private static final int[] STORE_OFF = {STB_OFF, ST_OFF, STW_OFF, STX_OFF};
    private static final int[] STORE_REG = {STB_REG, ST_REG, STW_REG, STX_REG};

    private static long single(int id, int op, int rt, int rn, int rm, int a, int sizeLog, int opc) {
        boolean store = opc == 0;
        if (opc == 1 && op == LD_OFF) {
            op = ZERO_EXTENDING_OFF[sizeLog];
        } else if (opc == 1 && op == LD_REG) {
            op = ZERO_EXTENDING_REG[sizeLog];
        } else if (opc == 2 && sizeLog == 2 && (op == LD_OFF || op == LD_REG)) {
            op = op == LD_OFF ? LDSW_OFF : LDSW_REG;
        } else if (opc == 1 && sizeLog == 0 && op == LD_POST) {
            op = LDB_POST;
        } else if (op == ST_OFF) {
            op = STORE_OFF[sizeLog];
        } else if (op == ST_REG) {
            op = STORE_REG[sizeLog];
        }
        int sign = opc == 2 ? 1 : opc == 3 ? 2 : 0;
        return pack(id, op, store ? zr(rt) : sink(rt), rn, rm, a, sizeLog | sign << 2);
    }
}
