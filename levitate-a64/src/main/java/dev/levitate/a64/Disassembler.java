package dev.levitate.a64;

/**
 * Prints instructions as GNU objdump ({@code aarch64-linux-gnu-objdump -d}, binutils 2.40) prints
 * them, less its {@code //} comments and symbol names: from the {@link A64} table's syntax
 * templates, with GNU's preferred aliases where their conditions hold ({@code mov}, {@code cmp},
 * {@code lsl}, {@code ubfx}, {@code cset}, {@code mul} …, ARM ARM C6.2), the encodings a row admits
 * but the architecture reserves as {@code .inst 0x........ ; undefined}, and objdump's names of
 * system registers and SYS operations (resources generated from objdump). ObjdumpAgreementTest
 * holds it to that.
 *
 * <p>Operand tokens of the templates:
 * <pre>
 *   {Rd} {Rn} {Rm} {Ra}      register sized by sf (x/w), 31 = xzr/wzr
 *   {Rd|sp} {Rn|sp}          the same, but 31 = sp/wsp
 *   {Xd} {Xn} {Xa} {Wd}      always 64-bit / 32-bit (31 = xzr / wzr; the base of {mem} is x|sp)
 *   {Rt_b5}                  TBZ's register: x if b5 = 1, else w
 *   {aimm}                   #imm12 with ", lsl #12" when sh = 1
 *   {bimm}                   the decoded bitmask immediate, hex
 *   {imm} {hw}               MOVZ/MOVN/MOVK: #imm16 and ", lsl #(16 * hw)"
 *   {immr} {imms} {bit}      decimal fields
 *   {rel} {adr} {adrp}       the target address, hex
 *   {cond}                   eq ne cs cc mi pl vs vc hi ls ge lt gt le al nv
 *   {shift}                  ", lsl|lsr|asr|ror #n" when n != 0
 *   {mem} {pre9} {post9} {pre7} {post7} {off7}   the addressing modes, offsets scaled by the row
 *   {imm16} {ret} {hint} {barrier}
 *   {sysreg} {pstate} {crm} {sys}   MRS/MSR register names, MSR (immediate) fields, DC/IC/TLBI/AT
 * </pre>
 * Stateless and thread-safe.
 */
public final class Disassembler {
    private Disassembler() {
    }

    private static final String[] CONDS = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
    private static final String[] SHIFTS = {"lsl", "lsr", "asr", "ror"};
    private static final String[] EXTENDS = {"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"};
    private static final String[] HINTS = {"nop", "yield", "wfe", "wfi", "sev", "sevl", null, "xpaclri",
        "pacia1716", null, "pacib1716", null, "autia1716", null, "autib1716", null,
        "esb", "psb csync", "tsb csync", null, "csdb", null, "clearbhb", null,
        "paciaz", "paciasp", "pacibz", "pacibsp", "autiaz", "autiasp", "autibz", "autibsp",
        "bti", null, "bti c", null, "bti j", null, "bti jc"};
    private static final String[] BARRIER_OPTIONS = {null, "oshld", "oshst", "osh", null, "nshld", "nshst", "nsh",
        null, "ishld", "ishst", "ish", null, "ld", "st", "sy"};

    private static String barrierOption(int crm) {
        return BARRIER_OPTIONS[crm] != null ? BARRIER_OPTIONS[crm] : String.format("#0x%02x", crm);
    }

    /** PRFM's operation: pld/pli/pst, l1..l3, keep/strm, or {@code #0xNN} for the unnamed ones. */
    static String prefetchOperation(int rt) {
        int type = rt >>> 3;
        int target = (rt >>> 1) & 3;
        if (type == 3 || target == 3) {
            return String.format("#0x%02x", rt);
        }
        return new String[] {"pld", "pli", "pst"}[type] + "l" + (target + 1) + ((rt & 1) == 0 ? "keep" : "strm");
    }

    /** The decoded bitmask immediate of a logical (immediate) row, 32 bits wide for W forms. */
    static long bitmask(Encoding e, int w, boolean x) {
        long v = BitMasks.logicalImmediate(e.get(w, Field.N), e.get(w, Field.IMMS), e.get(w, Field.IMMR), x ? 64 : 32);
        return x ? v : v & 0xFFFF_FFFFL;
    }

    /**
     * Disassembles one word.
     *
     * @param word the instruction
     * @param pc its address (for PC-relative targets)
     * @return the text as GNU objdump prints it (without its {@code //} comments and symbols), or
     *     {@code .inst 0x........ ; undefined} for an encoding the table lacks or reserves
     */
    public static String disassemble(int word, long pc) {
        int id = Decoder.decode(word);
        if (id == Decoder.UNDEFINED) {
            return undefined(word);
        }
        A64 row = A64.of(id);
        Encoding e = row.encoding();
        if (reserved(row, e, word)) {
            return undefined(word);
        }
        String alias = Aliases.preferred(row, e, word, pc);
        if (alias != null) {
            return alias;
        }
        String t = e.syntax();
        if ((t.startsWith("sbc ") || t.startsWith("sbcs ")) && t.contains("{Rd}, {Rn}, {Rm}") && ((word >>> 5) & 31) == 31) {
            t = "ngc" + t.substring(3).replace("{Rd}, {Rn}, {Rm}", "{Rd}, {Rm}"); // NGC(S): SBC(S) from the zero register
        }
        return expand(t, e, word, pc);
    }

    private static String undefined(int word) {
        if ((word >>> 16) == 0) {
            return "udf #" + (word & 0xFFFF); // the permanently undefined UDF (objdump's name)
        }
        return String.format(".inst 0x%08x ; undefined", word);
    }

    /** Expands a syntax template (the table's, or an alias's) for a word. */
    static String expand(String t, Encoding e, int word, long pc) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < t.length()) {
            char ch = t.charAt(i);
            if (ch != '{') {
                sb.append(ch);
                i++;
                continue;
            }
            int end = t.indexOf('}', i);
            sb.append(token(t.substring(i + 1, end), e, word, pc));
            i = end + 1;
        }
        return sb.toString();
    }

    /**
     * The encodings a row's pattern admits that the architecture reserves (and objdump prints as
     * {@code .inst ... ; undefined}): 32-bit forms with 64-bit field values, ROR on add/sub,
     * extend amounts over 4, register offsets with a byte or halfword extend, and the like.
     */
    static boolean reserved(A64 row, Encoding e, int w) {
        boolean x = e.has(Field.SF) ? e.get(w, Field.SF) == 1 : true;
        switch (row) {
            case AND_imm: case ORR_imm: case EOR_imm: case ANDS_imm:
                return !x && e.get(w, Field.N) == 1
                        || BitMasks.logicalImmediate(e.get(w, Field.N), e.get(w, Field.IMMS), e.get(w, Field.IMMR), x ? 64 : 32) == BitMasks.INVALID;
            case MOVN: case MOVZ: case MOVK:
                return !x && e.get(w, Field.SH) >= 2;
            case SBFM: case BFM: case UBFM:
                return (e.get(w, Field.N) == 1) != x || !x && (e.get(w, Field.IMMR) >= 32 || e.get(w, Field.IMMS) >= 32);
            case EXTR:
                return (e.get(w, Field.N) == 1) != x || !x && e.get(w, Field.IMMS) >= 32;
            case AND_shift: case BIC_shift: case ORR_shift: case ORN_shift:
            case EOR_shift: case EON_shift: case ANDS_shift: case BICS_shift:
                return !x && e.get(w, Field.IMM) >= 32;
            case ADD_shift: case ADDS_shift: case SUB_shift: case SUBS_shift:
                return !x && e.get(w, Field.IMM) >= 32 || e.get(w, Field.SH) == 3;
            case ADD_ext: case ADDS_ext: case SUB_ext: case SUBS_ext:
                return e.get(w, Field.IMM) > 4;
            case STRB_reg: case LDRB_reg: case STRH_reg: case LDRH_reg: case STRW_reg:
            case LDRW_reg: case LDRSW_reg: case STRX_reg: case LDRX_reg:
                return (e.get(w, Field.OPC) & 2) == 0;
            case LDST_reg:
                return (e.get(w, Field.OPC) & 2) == 0 || badSizeOpc(e, w, false);
            case LDST_uimm: case LDST_unscaled:
                return badSizeOpc(e, w, false);
            case LDST_pre: case LDST_post:
                return badSizeOpc(e, w, true);
            case LDPSW_off:
                return (w & 31) == ((w >>> 10) & 31);
            case LDPSW_pre: case LDPSW_post: { // CONSTRAINED UNPREDICTABLE: Rt == Rt2, or writeback into Rt/Rt2
                int rt = w & 31;
                int rt2 = (w >>> 10) & 31;
                int rn = (w >>> 5) & 31;
                return rt == rt2 || rn != 31 && (rn == rt || rn == rt2);
            }
            case ATOMIC: {
                int op = e.get(w, Field.LDST_OPC);
                int ar = (w >>> 22) & 3;
                boolean noRs = ((w >>> 16) & 31) == 31;
                switch (op) {
                    case 12: return ar != 2 || !noRs;                                       // LDAPR
                    case 9: case 13: return e.get(w, Field.SIZE) != 3 || ar != 0 || !noRs;  // ST64B, LD64B
                    case 10: case 11: return e.get(w, Field.SIZE) != 3 || ar != 0;          // ST64BV0, ST64BV
                    default: return op > 8;
                }
            }
            default:
                return false;
        }
    }

    private static boolean badSizeOpc(Encoding e, int w, boolean writeback) {
        int size = e.get(w, Field.SIZE);
        int opc = e.get(w, Field.LDST_OPC);
        return size >= 2 && opc == 3 || size == 3 && opc == 2 && writeback;
    }

    private static boolean sf(Encoding e, int w) {
        return e.has(Field.SF) ? e.get(w, Field.SF) == 1 : w < 0; // REV: bit 31 tells W from X
    }

    private static String reg(int r, boolean x, boolean spForm) {
        if (r == 31) {
            return spForm ? (x ? "sp" : "wsp") : (x ? "xzr" : "wzr");
        }
        return (x ? "x" : "w") + r;
    }

    /** Unsigned hex, as objdump prints immediates and addresses. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String token(String tok, Encoding e, int w, long pc) {
        boolean x = sf(e, w);
        int rd = w & 31;
        int rn = (w >>> 5) & 31;
        switch (tok) {
            case "Rd": return reg(rd, x, false);
            case "Rn": return reg(rn, x, false);
            case "Rm": return reg((w >>> 16) & 31, x, false);
            case "Ra": return reg((w >>> 10) & 31, x, false);
            case "Rd|sp": return reg(rd, x, true);
            case "Rn|sp": return reg(rn, x, true);
            case "Xd": return reg(rd, true, false);
            case "Xn": return reg(rn, true, false);
            case "Xn|sp": return reg(rn, true, true);
            case "Xa": return reg((w >>> 10) & 31, true, false);
            case "Wd": return reg(rd, false, false);
            case "Rt_b5": return reg(rd, e.get(w, Field.B5) == 1, false);
            case "aimm": return "#" + hex(e.get(w, Field.IMM)) + (e.get(w, Field.SH) == 1 ? ", lsl #12" : "");
            case "bimm": return "#" + hex(bitmask(e, w, x));
            case "imm": return hex(e.get(w, Field.IMM));
            case "hw": return e.get(w, Field.SH) == 0 ? "" : ", lsl #" + 16 * e.get(w, Field.SH);
            case "immr": return Integer.toString(e.get(w, Field.IMMR));
            case "imms": return Integer.toString(e.get(w, Field.IMMS));
            case "bit": return Integer.toString(e.get(w, Field.B5) << 5 | e.get(w, Field.B40));
            case "rel": return hex(pc + (e.getSigned(w, Field.IMM) << 2));
            case "adr": return hex(pc + (e.getSigned(w, Field.IMM) << 2 | e.get(w, Field.IMMLO)));
            case "adrp": return hex((pc & ~0xFFFL) + ((e.getSigned(w, Field.IMM) << 2 | e.get(w, Field.IMMLO)) << 12));
            case "cond": return CONDS[e.get(w, Field.COND)];
            case "shift": {
                int amount = e.get(w, Field.IMM);
                int type = e.get(w, Field.SH);
                return amount == 0 && type == 0 ? "" : ", " + SHIFTS[type] + " #" + amount;
            }
            case "mem": {
                long off = (long) e.get(w, Field.IMM) * e.scale();
                return "[" + reg(rn, true, true) + (off == 0 ? "]" : ", #" + off + "]");
            }
            case "pre9": return "[" + reg(rn, true, true) + ", #" + e.getSigned(w, Field.IMM) + "]!";
            case "post9": return "[" + reg(rn, true, true) + "], #" + e.getSigned(w, Field.IMM);
            case "pre7": return "[" + reg(rn, true, true) + ", #" + e.getSigned(w, Field.IMM) * e.scale() + "]!";
            case "post7": return "[" + reg(rn, true, true) + "], #" + e.getSigned(w, Field.IMM) * e.scale();
            case "off7": {
                long off = e.getSigned(w, Field.IMM) * e.scale();
                return "[" + reg(rn, true, true) + (off == 0 ? "]" : ", #" + off + "]");
            }
            case "imm16": return hex(e.get(w, Field.IMM));
            case "Wn": return reg(rn, false, false);
            case "Ws": return reg((w >>> 16) & 31, false, false);
            case "Wm": return reg((w >>> 16) & 31, false, false);
            case "Xs": return reg((w >>> 16) & 31, true, false);
            case "Xm": return reg((w >>> 16) & 31, true, false);
            case "Wa": return reg((w >>> 10) & 31, false, false);
            case "nzcv": return hex(e.get(w, Field.NZCV));
            case "uimm5": return hex(e.get(w, Field.IMM));
            case "ext": {
                int option = e.get(w, Field.OPC);
                int amount = e.get(w, Field.IMM);
                boolean wide = (option & 3) == 3;
                String m = reg((w >>> 16) & 31, x && wide, false);
                boolean spForm = rd == 31 && !e.syntax().startsWith("adds") && !e.syntax().startsWith("subs") || rn == 31;
                if (spForm && option == (x ? 3 : 2)) { // UXTX (UXTW) with SP reads as LSL
                    return m + (amount == 0 ? "" : ", lsl #" + amount);
                }
                return m + ", " + EXTENDS[option] + (amount == 0 ? "" : " #" + amount);
            }
            case "regoff": {
                int option = e.get(w, Field.OPC);
                boolean s = e.get(w, Field.SCALE) == 1;
                String m = reg((w >>> 16) & 31, (option & 1) == 1, false);
                String ext = option == 3 ? (s ? ", lsl #" + Integer.numberOfTrailingZeros(e.scale()) : "")
                        : ", " + EXTENDS[option] + (s ? " #" + Integer.numberOfTrailingZeros(e.scale()) : "");
                return "[" + reg(rn, true, true) + ", " + m + ext + "]";
            }
            case "unscaled": {
                long off = e.getSigned(w, Field.IMM);
                return "[" + reg(rn, true, true) + (off == 0 ? "]" : ", #" + off + "]");
            }
            case "ret": return rn == 30 ? "" : " " + reg(rn, true, false);
            case "hint": {
                int op = e.get(w, Field.IMM);
                return op < HINTS.length && HINTS[op] != null ? HINTS[op] : "hint #" + hex(op);
            }
            case "clrex": {
                int crm = (w >>> 8) & 15;
                return crm == 15 ? "clrex" : "clrex #" + hex(crm);
            }
            case "prfop": return prefetchOperation(rd);
            case "barrier": {
                int crm = (w >>> 8) & 15;
                int op2 = (w >>> 5) & 7;
                switch (op2) {
                    case 4:
                        if (crm == 0 || crm == 4) {
                            return crm == 0 ? "ssbb" : "pssbb";
                        }
                        return "dsb " + barrierOption(crm);
                    case 5: return "dmb " + barrierOption(crm);
                    case 6: return crm == 15 ? "isb" : "isb #" + hex(crm);
                    default:
                        return crm == 0 ? "sb" : String.format("msr s0_3_c3_c%d_%d, xzr", crm, op2);
                }
            }
            case "ldst":
            case "ldstu": {
                int size = e.get(w, Field.SIZE);
                int opc = e.get(w, Field.LDST_OPC);
                boolean unscaled = tok.equals("ldstu");
                if (size == 3 && opc == 2) {
                    return unscaled ? "prfum" : "prfm";
                }
                String base = opc == 0 ? (unscaled ? "stur" : "str") : opc == 1 ? (unscaled ? "ldur" : "ldr") : (unscaled ? "ldurs" : "ldrs");
                return base + (size == 0 ? "b" : size == 1 ? "h" : size == 2 && opc >= 2 ? "w" : "");
            }
            case "Rt_ldst": {
                int size = e.get(w, Field.SIZE);
                int opc = e.get(w, Field.LDST_OPC);
                if (size == 3 && opc == 2) {
                    return prefetchOperation(rd);
                }
                return reg(rd, size == 3 || opc == 2, false);
            }
            case "memz": {
                long off = (long) e.get(w, Field.IMM) << e.get(w, Field.SIZE);
                return "[" + reg(rn, true, true) + (off == 0 ? "]" : ", #" + off + "]");
            }
            case "regoffz": {
                int option = e.get(w, Field.OPC);
                int shift = e.get(w, Field.SIZE);
                boolean s = e.get(w, Field.SCALE) == 1;
                String m = reg((w >>> 16) & 31, (option & 1) == 1, false);
                String ext = option == 3 ? (s ? ", lsl #" + shift : "") : ", " + EXTENDS[option] + (s ? " #" + shift : "");
                return "[" + reg(rn, true, true) + ", " + m + ext + "]";
            }
            case "Rs_z": return reg((w >>> 16) & 31, e.get(w, Field.SIZE) == 3, false);
            case "Rt_z": return reg(rd, e.get(w, Field.SIZE) == 3, false);
            case "cas": {
                int size = e.get(w, Field.SIZE);
                return "cas" + (((w >>> 22) & 1) != 0 ? "a" : "") + (((w >>> 15) & 1) != 0 ? "l" : "")
                        + (size == 0 ? "b" : size == 1 ? "h" : "");
            }
            case "atomic": {
                int size = e.get(w, Field.SIZE);
                int op = e.get(w, Field.LDST_OPC);
                String[] names = {"ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin"};
                if (op == 12) {
                    return "ldapr" + (size == 0 ? "b" : size == 1 ? "h" : "");
                }
                String base = op < 8 ? names[op] : op == 8 ? "swp" : "atomic" + op;
                return base + (((w >>> 23) & 1) != 0 ? "a" : "") + (((w >>> 22) & 1) != 0 ? "l" : "")
                        + (size == 0 ? "b" : size == 1 ? "h" : "");
            }
            case "sysreg": return GnuNames.systemRegister((w >>> 5) & 0xFFFF, e.syntax().startsWith("msr"));
            case "crm": return Integer.toString((w >>> 8) & 15);
            case "pstate": {
                int field = e.get(w, Field.OP1) << 3 | e.get(w, Field.OP2);
                return field == 5 ? "spsel" : field == 0x1E ? "daifset" : field == 0x1F ? "daifclr" : "pstatefield_" + field;
            }
            case "sys": {
                int key = (w >>> 5) & 0xFFFF;
                String op = GnuNames.SYS_OPS.get(key);
                if (op == null) {
                    String generic = String.format("sys #%d, C%d, C%d, #%d", (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15, key & 7);
                    return rd == 31 ? generic : generic + ", " + reg(rd, true, false);
                }
                return op.endsWith(" -") ? op.substring(0, op.length() - 2) : op + ", " + reg(rd, true, false);
            }
            default:
                throw new IllegalStateException("A64 row " + e.name() + " has an unknown syntax token {" + tok + "}");
        }
    }

    /** The names objdump prints for system registers and SYS operations (resources generated from it). */
    static final class GnuNames {
        private GnuNames() {
        }

        /** Key (bits [20:5]) → "mrs-name" or "mrs-name msr-name". */
        static final java.util.Map<Integer, String> SYSREGS = load("gnu-sysregs.txt");
        /** Key (bits [20:5]) → "op name", ending in " -" when it takes no register. */
        static final java.util.Map<Integer, String> SYS_OPS = load("gnu-sysops.txt");

        static String systemRegister(int key, boolean write) {
            String n = SYSREGS.get(key);
            if (n == null) { // objdump names every register SystemRegister does; the rest are generic
                return String.format("s%d_%d_c%d_c%d_%d", key >>> 14, (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15, key & 7);
            }
            int space = n.indexOf(' ');
            return space < 0 ? n : write ? n.substring(space + 1) : n.substring(0, space);
        }

        private static java.util.Map<Integer, String> load(String resource) {
            java.util.Map<Integer, String> m = new java.util.HashMap<>();
            try (java.io.InputStream in = Disassembler.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    int space = line.indexOf(' ');
                    m.put(Integer.parseInt(line.substring(0, space), 16), line.substring(space + 1).trim());
                }
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
            return java.util.Map.copyOf(m);
        }
    }

    /**
     * GNU's preferred disassembly (ARM ARM C6.2, each instruction's "alias conditions", as
     * binutils applies them): null when the row's own syntax is what objdump prints.
     */
    static final class Aliases {
        private Aliases() {
        }

        private static boolean wide(long value, boolean is32) {
            long v = value;
            if (is32) {
                if (v >>> 32 != 0 && v >>> 32 != 0xFFFF_FFFFL) {
                    return false;
                }
                v &= 0xFFFF_FFFFL;
            }
            for (int s = 0; s < (is32 ? 32 : 64); s += 16) {
                if ((v & (0xFFFFL << s)) == v) {
                    return true;
                }
            }
            return false;
        }

        private static String invert(int cond) {
            return CONDS[cond ^ 1];
        }

        static String preferred(A64 row, Encoding e, int w, long pc) {
            boolean x = sf(e, w);
            int size = x ? 64 : 32;
            int rd = w & 31;
            int rn = (w >>> 5) & 31;
            int rm = (w >>> 16) & 31;
            int ra = (w >>> 10) & 31;
            switch (row) {
                case ADD_imm:
                    return e.get(w, Field.SH) == 0 && e.get(w, Field.IMM) == 0 && (rd == 31 || rn == 31)
                            ? expand("mov {Rd|sp}, {Rn|sp}", e, w, pc) : null;
                case ADDS_imm:
                    return rd == 31 ? expand("cmn {Rn|sp}, {aimm}", e, w, pc) : null;
                case SUBS_imm:
                    return rd == 31 ? expand("cmp {Rn|sp}, {aimm}", e, w, pc) : null;
                case ORR_imm: {
                    if (rn != 31) {
                        return null;
                    }
                    long v = bitmask(e, w, x);
                    if (rd != 31 && (wide(v, !x) || wide(~v, !x))) {
                        return null;
                    }
                    return "mov " + reg(rd, x, true) + ", #" + hex(v);
                }
                case ANDS_imm:
                    return rd == 31 ? expand("tst {Rn}, {bimm}", e, w, pc) : null;
                case MOVZ:
                case MOVN: {
                    long imm = e.get(w, Field.IMM);
                    int shift = 16 * e.get(w, Field.SH);
                    if (imm == 0 && shift != 0) {
                        return null;
                    }
                    long v = imm << shift;
                    if (row == A64.MOVN) {
                        v = ~v;
                        if (wide(v, !x)) {
                            return null;
                        }
                    }
                    return "mov " + reg(rd, x, false) + ", #" + hex(x ? v : v & 0xFFFF_FFFFL);
                }
                case SBFM:
                case UBFM:
                case BFM:
                    return bitfield(row, e, w, x, size, rd, rn);
                case EXTR:
                    return rn == rm ? expand("ror {Rd}, {Rn}, #{imms}", e, w, pc) : null;
                case ORR_shift:
                    return rn == 31 && e.get(w, Field.SH) == 0 && e.get(w, Field.IMM) == 0 ? expand("mov {Rd}, {Rm}", e, w, pc) : null;
                case ORN_shift:
                    return rn == 31 ? expand("mvn {Rd}, {Rm}{shift}", e, w, pc) : null;
                case ANDS_shift:
                    return rd == 31 ? expand("tst {Rn}, {Rm}{shift}", e, w, pc) : null;
                case ADDS_shift:
                    return rd == 31 ? expand("cmn {Rn}, {Rm}{shift}", e, w, pc) : null;
                case SUB_shift:
                    return rn == 31 ? expand("neg {Rd}, {Rm}{shift}", e, w, pc) : null;
                case SUBS_shift:
                    return rd == 31 ? expand("cmp {Rn}, {Rm}{shift}", e, w, pc)
                            : rn == 31 ? expand("negs {Rd}, {Rm}{shift}", e, w, pc) : null;
                case ADDS_ext:
                    return rd == 31 ? expand("cmn {Rn|sp}, {ext}", e, w, pc) : null;
                case SUBS_ext:
                    return rd == 31 ? expand("cmp {Rn|sp}, {ext}", e, w, pc) : null;
                case CSINC:
                case CSINV:
                case CSNEG: {
                    int cond = e.get(w, Field.COND);
                    if (cond >= 14 || rn != rm) {
                        return null;
                    }
                    String d = reg(rd, x, false);
                    if (row == A64.CSNEG) {
                        return "cneg " + d + ", " + reg(rn, x, false) + ", " + invert(cond);
                    }
                    if (rn == 31) {
                        return (row == A64.CSINC ? "cset " : "csetm ") + d + ", " + invert(cond);
                    }
                    return (row == A64.CSINC ? "cinc " : "cinv ") + d + ", " + reg(rn, x, false) + ", " + invert(cond);
                }
                case MADD:
                    return ra == 31 ? expand("mul {Rd}, {Rn}, {Rm}", e, w, pc) : null;
                case MSUB:
                    return ra == 31 ? expand("mneg {Rd}, {Rn}, {Rm}", e, w, pc) : null;
                case SMADDL:
                    return ra == 31 ? expand("smull {Xd}, {Wn}, {Wm}", e, w, pc) : null;
                case SMSUBL:
                    return ra == 31 ? expand("smnegl {Xd}, {Wn}, {Wm}", e, w, pc) : null;
                case UMADDL:
                    return ra == 31 ? expand("umull {Xd}, {Wn}, {Wm}", e, w, pc) : null;
                case UMSUBL:
                    return ra == 31 ? expand("umnegl {Xd}, {Wn}, {Wm}", e, w, pc) : null;
                case MSR_imm:
                    return msrImmediate(w);
                case ATOMIC: {
                    int op = e.get(w, Field.LDST_OPC);
                    switch (op) {
                        case 12: return expand("{atomic} {Rt_z}, [{Xn|sp}]", e, w, pc);
                        case 9: return expand("st64b {Xd}, [{Xn|sp}]", e, w, pc);
                        case 13: return expand("ld64b {Xd}, [{Xn|sp}]", e, w, pc);
                        case 10: return expand("st64bv0 {Xs}, {Xd}, [{Xn|sp}]", e, w, pc);
                        case 11: return expand("st64bv {Xs}, {Xd}, [{Xn|sp}]", e, w, pc);
                        default: break;
                    }
                    if (op < 8 && rd == 31 && ((w >>> 23) & 1) == 0) { // ST<op>: the load's result discarded
                        String name = expand("{atomic}", e, w, pc);
                        return "st" + name.substring(2) + " " + expand("{Rs_z}, [{Xn|sp}]", e, w, pc);
                    }
                    return null;
                }
                default:
                    return null;
            }
        }

        private static String bitfield(A64 row, Encoding e, int w, boolean x, int size, int rd, int rn) {
            int immr = e.get(w, Field.IMMR);
            int imms = e.get(w, Field.IMMS);
            String d = reg(rd, x, false);
            String n = reg(rn, x, false);
            int top = size - 1;
            if (row == A64.BFM) {
                if (imms < immr) {
                    if (rn == 31) {
                        return "bfc " + d + ", #" + ((size - immr) & top) + ", #" + (imms + 1);
                    }
                    return "bfi " + d + ", " + n + ", #" + ((size - immr) & top) + ", #" + (imms + 1);
                }
                return "bfxil " + d + ", " + n + ", #" + immr + ", #" + (imms - immr + 1);
            }
            boolean unsigned = row == A64.UBFM;
            if (unsigned && imms != top && imms + 1 == immr) {
                return "lsl " + d + ", " + n + ", #" + (top - imms);
            }
            if (imms == top) {
                return (unsigned ? "lsr " : "asr ") + d + ", " + n + ", #" + immr;
            }
            if (imms < immr) {
                return (unsigned ? "ubfiz " : "sbfiz ") + d + ", " + n + ", #" + ((size - immr) & top) + ", #" + (imms + 1);
            }
            if (bfxPreferred(x, unsigned, imms, immr)) {
                return (unsigned ? "ubfx " : "sbfx ") + d + ", " + n + ", #" + immr + ", #" + (imms - immr + 1);
            }
            // immr == 0 here: the extends
            String src = reg(rn, false, false);
            String kind = imms == 7 ? "b" : imms == 15 ? "h" : "w";
            return (unsigned ? "uxt" : "sxt") + kind + " " + d + ", " + src;
        }

        private static boolean bfxPreferred(boolean x, boolean unsigned, int imms, int immr) {
            if (imms < immr || imms == (x ? 63 : 31)) {
                return false;
            }
            if (immr == 0) {
                if (!x && (imms == 7 || imms == 15)) {
                    return false;
                }
                if (x && !unsigned && (imms == 7 || imms == 15 || imms == 31)) {
                    return false;
                }
            }
            return true;
        }

        private static String msrImmediate(int w) {
            int op1 = (w >>> 16) & 7;
            int crm = (w >>> 8) & 15;
            int op2 = (w >>> 5) & 7;
            String field = null;
            boolean bit = true; // the field takes #0 or #1 only
            if (op1 == 0 && crm == 0 && op2 <= 2) {
                return new String[] {"cfinv", "xaflag", "axflag"}[op2];
            }
            if (op1 == 0) {
                field = op2 == 3 ? "uao" : op2 == 4 ? "pan" : op2 == 5 ? "spsel" : null;
            } else if (op1 == 1 && op2 == 0) {
                field = "allint";
            } else if (op1 == 3) {
                switch (op2) {
                    case 1: field = "ssbs"; break;
                    case 2: field = "dit"; break;
                    case 4: field = "tco"; break;
                    case 6: field = "daifset"; bit = false; break;
                    case 7: field = "daifclr"; bit = false; break;
                    case 3:
                        if (crm >= 2 && crm <= 7) {
                            return ((crm & 1) == 0 ? "smstop" : "smstart") + (crm >= 6 ? "" : crm >= 4 ? " za" : " sm");
                        }
                        break;
                    default:
                        break;
                }
            }
            if (field == null || bit && crm > 1) {
                return String.format("msr s0_%d_c4_c%d_%d, xzr", op1, crm, op2);
            }
            return "msr " + field + ", #" + hex(crm);
        }
    }
}
