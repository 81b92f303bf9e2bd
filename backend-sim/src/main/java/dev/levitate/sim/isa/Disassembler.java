package dev.levitate.sim.isa;

/**
 * Prints instructions in GNU syntax from the {@link A64} table's syntax templates.
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
    private static final String[] HINTS = {"nop", "yield", "wfe", "wfi", "sev", "sevl"};

    /**
     * Disassembles one word.
     *
     * @param word the instruction
     * @param pc its address (for PC-relative targets)
     * @return the text, or {@code .inst 0x........} for an encoding the table lacks
     */
    public static String disassemble(int word, long pc) {
        int id = Decoder.decode(word);
        if (id == Decoder.UNDEFINED) {
            return String.format(".inst 0x%08x ; undefined", word);
        }
        Encoding e = A64.of(id).encoding();
        String t = e.syntax();
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

    private static boolean sf(Encoding e, int w) {
        return !e.has(Field.SF) || e.get(w, Field.SF) == 1;
    }

    private static String reg(int r, boolean x, boolean spForm) {
        if (r == 31) {
            return spForm ? (x ? "sp" : "wsp") : (x ? "xzr" : "wzr");
        }
        return (x ? "x" : "w") + r;
    }

    private static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
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
            case "aimm": return "#" + e.get(w, Field.IMM) + (e.get(w, Field.SH) == 1 ? ", lsl #12" : "");
            case "bimm": return "#" + hex(BitMasks.logicalImmediate(e.get(w, Field.N), e.get(w, Field.IMMS), e.get(w, Field.IMMR), x ? 64 : 32));
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
            case "Xm": return reg((w >>> 16) & 31, true, false);
            case "Wa": return reg((w >>> 10) & 31, false, false);
            case "nzcv": return Integer.toString(e.get(w, Field.NZCV));
            case "uimm5": return Integer.toString(e.get(w, Field.IMM));
            case "ext": {
                int option = e.get(w, Field.OPC);
                int amount = e.get(w, Field.IMM);
                boolean wide = option == 3 || option == 7;
                String m = reg((w >>> 16) & 31, x && wide, false);
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
                return op < HINTS.length ? HINTS[op] : "hint #" + hex(op);
            }
            case "barrier": {
                int crm = (w >>> 8) & 15;
                int op2 = (w >>> 5) & 7;
                String name = op2 == 4 ? "dsb" : op2 == 5 ? "dmb" : op2 == 6 ? "isb" : "barrier";
                return name + (op2 == 6 ? "" : " #" + crm);
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
                    return "#" + rd;
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
            case "sysreg": return SystemRegister.nameOf((w >>> 5) & 0xFFFF);
            case "crm": return Integer.toString((w >>> 8) & 15);
            case "pstate": {
                int field = e.get(w, Field.OP1) << 3 | e.get(w, Field.OP2);
                return field == 5 ? "spsel" : field == 0x1E ? "daifset" : field == 0x1F ? "daifclr" : "pstatefield_" + field;
            }
            case "sys": {
                String op = SystemOperation.nameOf((w >>> 5) & 0xFFFF);
                boolean noOperand = op.equals("ic iallu") || op.equals("ic ialluis") || op.startsWith("tlbi vmalle1");
                return noOperand && rd == 31 ? op : op + ", " + reg(rd, true, false);
            }
            default:
                throw new IllegalStateException("A64 row " + e.name() + " has an unknown syntax token {" + tok + "}");
        }
    }
}
