package dev.levitate.a64;

import static dev.levitate.a64.Field.B40;
import static dev.levitate.a64.Field.B5;
import static dev.levitate.a64.Field.COND;
import static dev.levitate.a64.Field.IMM;
import static dev.levitate.a64.Field.IMMLO;
import static dev.levitate.a64.Field.RA;
import static dev.levitate.a64.Field.RD;
import static dev.levitate.a64.Field.RM;
import static dev.levitate.a64.Field.RN;
import static dev.levitate.a64.Field.SF;
import static dev.levitate.a64.Field.SH;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emits A64 code from Java, encoding every instruction through the {@link A64} table, with
 * labels resolved when {@link #assemble()} is called. Register numbers are 0..30; 31 means SP or
 * XZR as the instruction's encoding says (ARM ARM C1.2.5). The convenience methods use the 64-bit
 * forms.
 *
 * <pre>
 *   A64Assembler a = new A64Assembler(0x4008_0000L);
 *   Label loop = a.label();
 *   a.movz(0, 100, 0).bind(loop).subsImm(0, 0, 1).bCond(Cond.NE, loop).brk(0);
 *   int[] code = a.assemble();
 * </pre>
 * Not thread-safe.
 */
public final class A64Assembler {

    /** Condition codes for {@link #bCond}. */
    public enum Cond {
        /** Equal. */ EQ, /** Not equal. */ NE, /** Carry set. */ CS, /** Carry clear. */ CC,
        /** Minus. */ MI, /** Plus. */ PL, /** Overflow. */ VS, /** No overflow. */ VC,
        /** Unsigned higher. */ HI, /** Unsigned lower or same. */ LS, /** Signed greater or equal. */ GE,
        /** Signed less than. */ LT, /** Signed greater than. */ GT, /** Signed less or equal. */ LE,
        /** Always. */ AL
    }

    /** A position in the code, bound once. */
    public static final class Label {
        private final String name;
        private int position = -1;

        private Label(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private record Fixup(int position, A64 row, Label label, int word) {
    }

    private final long base;
    private int[] words = new int[64];
    private int count;
    private int labels;
    private final List<Fixup> fixups = new ArrayList<>();
    /** Literals waiting for the next pool: their labels and values. */
    private final List<Label> poolLabels = new ArrayList<>();
    private final List<Long> poolValues = new ArrayList<>();

    /**
     * Creates an assembler for code that will run at {@code base}.
     *
     * @param base the address of the first instruction, 4-byte aligned
     * @throws IllegalArgumentException if {@code base} is misaligned
     */
    public A64Assembler(long base) {
        if ((base & 3) != 0) {
            throw new IllegalArgumentException("code must be 4-byte aligned, base 0x" + Long.toHexString(base));
        }
        this.base = base;
    }

    /**
     * Returns the address the next instruction will have.
     *
     * @return the current address
     */
    public long here() {
        return base + 4L * count;
    }

    /**
     * Creates an unbound label.
     *
     * @return the label
     */
    public Label label() {
        return new Label("L" + labels++);
    }

    /**
     * Binds a label to the current position.
     *
     * @param l the label
     * @return this assembler
     * @throws IllegalStateException if the label is already bound
     */
    public A64Assembler bind(Label l) {
        if (l.position >= 0) {
            throw new IllegalStateException("label " + l + " is already bound");
        }
        l.position = count;
        return this;
    }

    /**
     * Emits one instruction of any row, fields by name.
     *
     * @param row the encoding
     * @param fields pairs of ({@link Field}, value)
     * @return this assembler
     * @throws IllegalArgumentException if a field is missing or does not fit
     */
    public A64Assembler emit(A64 row, Object... fields) {
        return word(row.encoding().encode(fields));
    }

    /**
     * Emits a raw 32-bit word.
     *
     * @param w the word
     * @return this assembler
     */
    public A64Assembler word(int w) {
        if (count == words.length) {
            words = Arrays.copyOf(words, count * 2);
        }
        words[count++] = w;
        return this;
    }

    private A64Assembler branch(A64 row, Label target, Object... otherFields) {
        Object[] f = Arrays.copyOf(otherFields, otherFields.length + 2);
        f[otherFields.length] = IMM;
        f[otherFields.length + 1] = 0;
        fixups.add(new Fixup(count, row, target, row.encoding().encode(f)));
        return word(0);
    }

    // ---- moves and arithmetic

    /**
     * MOVZ x{rd}, #imm16, LSL #(16 * hw).
     *
     * @param rd destination
     * @param imm16 0..65535
     * @param hw 0..3
     * @return this assembler
     */
    public A64Assembler movz(int rd, int imm16, int hw) {
        return emit(A64.MOVZ, SF, 1, SH, hw, IMM, imm16, RD, rd);
    }

    /**
     * MOVK x{rd}, #imm16, LSL #(16 * hw).
     *
     * @param rd destination
     * @param imm16 0..65535
     * @param hw 0..3
     * @return this assembler
     */
    public A64Assembler movk(int rd, int imm16, int hw) {
        return emit(A64.MOVK, SF, 1, SH, hw, IMM, imm16, RD, rd);
    }

    /**
     * Loads any 64-bit constant with MOVZ and up to three MOVKs.
     *
     * @param rd destination
     * @param value the constant
     * @return this assembler
     */
    public A64Assembler mov64(int rd, long value) {
        movz(rd, (int) (value & 0xFFFF), 0);
        for (int hw = 1; hw < 4; hw++) {
            int part = (int) (value >>> (16 * hw)) & 0xFFFF;
            if (part != 0) {
                movk(rd, part, hw);
            }
        }
        return this;
    }

    /**
     * MOV x{rd}, x{rm} (ORR x{rd}, xzr, x{rm}).
     *
     * @param rd destination
     * @param rm source
     * @return this assembler
     */
    public A64Assembler mov(int rd, int rm) {
        return emit(A64.ORR_shift, SF, 1, SH, 0, RM, rm, IMM, 0, RN, 31, RD, rd);
    }

    /**
     * ADD x{rd}|sp, x{rn}|sp, #imm12.
     *
     * @param rd destination (31 = sp)
     * @param rn source (31 = sp)
     * @param imm12 0..4095
     * @return this assembler
     */
    public A64Assembler addImm(int rd, int rn, int imm12) {
        return emit(A64.ADD_imm, SF, 1, SH, 0, IMM, imm12, RN, rn, RD, rd);
    }

    /**
     * SUB x{rd}|sp, x{rn}|sp, #imm12.
     *
     * @param rd destination (31 = sp)
     * @param rn source (31 = sp)
     * @param imm12 0..4095
     * @return this assembler
     */
    public A64Assembler subImm(int rd, int rn, int imm12) {
        return emit(A64.SUB_imm, SF, 1, SH, 0, IMM, imm12, RN, rn, RD, rd);
    }

    /**
     * SUBS x{rd}, x{rn}|sp, #imm12 (CMP when rd = 31).
     *
     * @param rd destination (31 = xzr)
     * @param rn source (31 = sp)
     * @param imm12 0..4095
     * @return this assembler
     */
    public A64Assembler subsImm(int rd, int rn, int imm12) {
        return emit(A64.SUBS_imm, SF, 1, SH, 0, IMM, imm12, RN, rn, RD, rd);
    }

    /**
     * ADD x{rd}, x{rn}, x{rm}.
     *
     * @param rd destination
     * @param rn first source
     * @param rm second source
     * @return this assembler
     */
    public A64Assembler add(int rd, int rn, int rm) {
        return emit(A64.ADD_shift, SF, 1, SH, 0, RM, rm, IMM, 0, RN, rn, RD, rd);
    }

    /**
     * SUB x{rd}, x{rn}, x{rm}.
     *
     * @param rd destination
     * @param rn first source
     * @param rm second source
     * @return this assembler
     */
    public A64Assembler sub(int rd, int rn, int rm) {
        return emit(A64.SUB_shift, SF, 1, SH, 0, RM, rm, IMM, 0, RN, rn, RD, rd);
    }

    /**
     * MADD x{rd}, x{rn}, x{rm}, x{ra}.
     *
     * @param rd destination
     * @param rn multiplicand
     * @param rm multiplier
     * @param ra addend
     * @return this assembler
     */
    public A64Assembler madd(int rd, int rn, int rm, int ra) {
        return emit(A64.MADD, SF, 1, RM, rm, RA, ra, RN, rn, RD, rd);
    }

    // ---- memory

    /**
     * LDR x{rt}, [x{rn}|sp, #offset] (offset a multiple of 8, 0..32760).
     *
     * @param rt destination
     * @param rn base (31 = sp)
     * @param offset byte offset
     * @return this assembler
     * @throws IllegalArgumentException if the offset is not encodable
     */
    public A64Assembler ldr(int rt, int rn, int offset) {
        return emit(A64.LDRX_uimm, IMM, scaled(offset, 8), RN, rn, RD, rt);
    }

    /**
     * STR x{rt}, [x{rn}|sp, #offset] (offset a multiple of 8, 0..32760).
     *
     * @param rt source
     * @param rn base (31 = sp)
     * @param offset byte offset
     * @return this assembler
     * @throws IllegalArgumentException if the offset is not encodable
     */
    public A64Assembler str(int rt, int rn, int offset) {
        return emit(A64.STRX_uimm, IMM, scaled(offset, 8), RN, rn, RD, rt);
    }

    /**
     * STRB w{rt}, [x{rn}|sp, #offset].
     *
     * @param rt source
     * @param rn base
     * @param offset 0..4095
     * @return this assembler
     */
    public A64Assembler strb(int rt, int rn, int offset) {
        return emit(A64.STRB_uimm, IMM, offset, RN, rn, RD, rt);
    }

    /**
     * STP x{rt}, x{rt2}, [x{rn}|sp, #offset]! (pre-index; offset a multiple of 8, -512..504).
     *
     * @param rt first
     * @param rt2 second
     * @param rn base
     * @param offset byte offset
     * @return this assembler
     */
    public A64Assembler stpPre(int rt, int rt2, int rn, int offset) {
        return emit(A64.STP_pre, IMM, scaled(offset, 8), RA, rt2, RN, rn, RD, rt);
    }

    /**
     * LDP x{rt}, x{rt2}, [x{rn}|sp], #offset (post-index).
     *
     * @param rt first
     * @param rt2 second
     * @param rn base
     * @param offset byte offset
     * @return this assembler
     */
    public A64Assembler ldpPost(int rt, int rt2, int rn, int offset) {
        return emit(A64.LDP_post, IMM, scaled(offset, 8), RA, rt2, RN, rn, RD, rt);
    }

    /**
     * STP x{rt}, x{rt2}, [x{rn}|sp, #offset] (signed offset, a multiple of 8, -512..504).
     *
     * @param rt first
     * @param rt2 second
     * @param rn base
     * @param offset byte offset
     * @return this assembler
     */
    public A64Assembler stp(int rt, int rt2, int rn, int offset) {
        return emit(A64.STP_off, IMM, scaled(offset, 8), RA, rt2, RN, rn, RD, rt);
    }

    /**
     * LDP x{rt}, x{rt2}, [x{rn}|sp, #offset] (signed offset, a multiple of 8, -512..504).
     *
     * @param rt first
     * @param rt2 second
     * @param rn base
     * @param offset byte offset
     * @return this assembler
     */
    public A64Assembler ldp(int rt, int rt2, int rn, int offset) {
        return emit(A64.LDP_off, IMM, scaled(offset, 8), RA, rt2, RN, rn, RD, rt);
    }

    /**
     * LDR w{rt}, [x{rn}|sp, #offset] (offset a multiple of 4, 0..16380), zero-extending.
     *
     * @param rt destination
     * @param rn base
     * @param offset byte offset
     * @return this assembler
     */
    public A64Assembler ldrw(int rt, int rn, int offset) {
        return emit(A64.LDRW_uimm, IMM, scaled(offset, 4), RN, rn, RD, rt);
    }

    /**
     * STR w{rt}, [x{rn}|sp, #offset] (offset a multiple of 4, 0..16380).
     *
     * @param rt source
     * @param rn base
     * @param offset byte offset
     * @return this assembler
     */
    public A64Assembler strw(int rt, int rn, int offset) {
        return emit(A64.STRW_uimm, IMM, scaled(offset, 4), RN, rn, RD, rt);
    }

    // ---- literal pools

    /**
     * LDR x{rt}, =value: a PC-relative literal load from the next literal pool (placed by
     * {@link #pool()}, or at the end of the code by {@link #assemble()}). Equal values share a slot.
     * The pool must land within 1 MiB of the load.
     *
     * @param rt destination
     * @param value the 64-bit constant
     * @return this assembler
     */
    public A64Assembler ldrLiteral(int rt, long value) {
        int i = poolValues.indexOf(value);
        Label slot;
        if (i >= 0) {
            slot = poolLabels.get(i);
        } else {
            slot = label();
            poolLabels.add(slot);
            poolValues.add(value);
        }
        return branch(A64.LDRX_lit, slot, RD, rt);
    }

    /**
     * Places the pending literals here (8-byte aligned, after a NOP if needed). Call it where
     * execution never falls through — after an unconditional branch or a return — in code longer
     * than 1 MiB; short code needs no call, as {@link #assemble()} places what is left at the end.
     *
     * @return this assembler
     */
    public A64Assembler pool() {
        if (poolLabels.isEmpty()) {
            return this;
        }
        if ((here() & 7) != 0) {
            word(0xD503_201F); // NOP: align the 64-bit literals
        }
        for (int i = 0; i < poolLabels.size(); i++) {
            bind(poolLabels.get(i));
            long v = poolValues.get(i);
            word((int) v);
            word((int) (v >>> 32));
        }
        poolLabels.clear();
        poolValues.clear();
        return this;
    }

    // ---- system

    /**
     * MRS x{rt}, register.
     *
     * @param rt destination
     * @param r the system register
     * @return this assembler
     */
    public A64Assembler mrs(int rt, SystemRegister r) {
        return emit(A64.MRS, Field.SYSREG, r.key() & 0x7FFF, RD, rt);
    }

    /**
     * MSR register, x{rt}.
     *
     * @param r the system register
     * @param rt source
     * @return this assembler
     */
    public A64Assembler msr(SystemRegister r, int rt) {
        return emit(A64.MSR_reg, Field.SYSREG, r.key() & 0x7FFF, RD, rt);
    }

    /**
     * MSR DAIFSet, #mask (mask bits: 8 D, 4 A, 2 I, 1 F).
     *
     * @param mask 0..15
     * @return this assembler
     */
    public A64Assembler daifSet(int mask) {
        return emit(A64.MSR_imm, Field.OP1, 3, IMM, mask, Field.OP2, 6);
    }

    /**
     * MSR DAIFClr, #mask.
     *
     * @param mask 0..15
     * @return this assembler
     */
    public A64Assembler daifClr(int mask) {
        return emit(A64.MSR_imm, Field.OP1, 3, IMM, mask, Field.OP2, 7);
    }

    /**
     * A system instruction: TLBI, DC, IC or AT with operand x{rt}.
     *
     * @param op the operation
     * @param rt the operand register (31 for none)
     * @return this assembler
     */
    public A64Assembler sys(SystemOperation op, int rt) {
        return emit(A64.SYS, Field.SYSREG, op.key() & 0x3FFF, RD, rt);
    }

    /**
     * ERET.
     *
     * @return this assembler
     */
    public A64Assembler eret() {
        return emit(A64.ERET);
    }

    /**
     * ISB.
     *
     * @return this assembler
     */
    public A64Assembler isb() {
        return word(0xD503_3FDF);
    }

    /**
     * DSB ISH.
     *
     * @return this assembler
     */
    public A64Assembler dsbIsh() {
        return word(0xD503_3B9F);
    }

    private static int scaled(int offset, int scale) {
        if (offset % scale != 0) {
            throw new IllegalArgumentException("offset " + offset + " is not a multiple of " + scale);
        }
        return offset / scale;
    }

    // ---- branches

    /**
     * B label.
     *
     * @param target the label
     * @return this assembler
     */
    public A64Assembler b(Label target) {
        return branch(A64.B, target);
    }

    /**
     * BL label.
     *
     * @param target the label
     * @return this assembler
     */
    public A64Assembler bl(Label target) {
        return branch(A64.BL, target);
    }

    /**
     * B.cond label.
     *
     * @param cond the condition
     * @param target the label
     * @return this assembler
     */
    public A64Assembler bCond(Cond cond, Label target) {
        return branch(A64.B_cond, target, COND, cond.ordinal());
    }

    /**
     * CBZ x{rt}, label.
     *
     * @param rt the register
     * @param target the label
     * @return this assembler
     */
    public A64Assembler cbz(int rt, Label target) {
        return branch(A64.CBZ, target, SF, 1, RD, rt);
    }

    /**
     * CBNZ x{rt}, label.
     *
     * @param rt the register
     * @param target the label
     * @return this assembler
     */
    public A64Assembler cbnz(int rt, Label target) {
        return branch(A64.CBNZ, target, SF, 1, RD, rt);
    }

    /**
     * TBNZ x{rt}, #bit, label.
     *
     * @param rt the register
     * @param bit 0..63
     * @param target the label
     * @return this assembler
     */
    public A64Assembler tbnz(int rt, int bit, Label target) {
        return branch(A64.TBNZ, target, B5, bit >>> 5, B40, bit & 31, RD, rt);
    }

    /**
     * ADR x{rd}, label.
     *
     * @param rd destination
     * @param target the label
     * @return this assembler
     */
    public A64Assembler adr(int rd, Label target) {
        return branch(A64.ADR, target, IMMLO, 0, RD, rd);
    }

    /**
     * BR x{rn}.
     *
     * @param rn the target register
     * @return this assembler
     */
    public A64Assembler br(int rn) {
        return emit(A64.BR, RN, rn);
    }

    /**
     * BLR x{rn}.
     *
     * @param rn the target register
     * @return this assembler
     */
    public A64Assembler blr(int rn) {
        return emit(A64.BLR, RN, rn);
    }

    /**
     * RET (to x30).
     *
     * @return this assembler
     */
    public A64Assembler ret() {
        return emit(A64.RET, RN, 30);
    }

    // ---- exceptions and hints

    /**
     * SVC #imm16.
     *
     * @param imm16 the immediate
     * @return this assembler
     */
    public A64Assembler svc(int imm16) {
        return emit(A64.SVC, IMM, imm16);
    }

    /**
     * HVC #imm16.
     *
     * @param imm16 the immediate
     * @return this assembler
     */
    public A64Assembler hvc(int imm16) {
        return emit(A64.HVC, IMM, imm16);
    }

    /**
     * HLT #imm16 ({@code hlt(0xF000)} is a semihosting call).
     *
     * @param imm16 the immediate
     * @return this assembler
     */
    public A64Assembler hlt(int imm16) {
        return emit(A64.HLT, IMM, imm16);
    }

    /**
     * BRK #imm16.
     *
     * @param imm16 the immediate
     * @return this assembler
     */
    public A64Assembler brk(int imm16) {
        return emit(A64.BRK, IMM, imm16);
    }

    /**
     * NOP.
     *
     * @return this assembler
     */
    public A64Assembler nop() {
        return emit(A64.HINT, IMM, 0);
    }

    /**
     * WFI.
     *
     * @return this assembler
     */
    public A64Assembler wfi() {
        return emit(A64.HINT, IMM, 3);
    }

    // ---- output

    /**
     * Resolves every label and returns the code.
     *
     * @return the instruction words
     * @throws IllegalStateException if a label is unbound or a target is out of the branch's range
     */
    public int[] assemble() {
        pool();
        int[] out = Arrays.copyOf(words, count);
        for (Fixup f : fixups) {
            if (f.label.position < 0) {
                throw new IllegalStateException("label " + f.label + " used at 0x" + Long.toHexString(base + 4L * f.position) + " is never bound");
            }
            long delta = (long) f.label.position - f.position; // in instructions
            Encoding e = f.row.encoding();
            int width = e.width(IMM);
            if (f.row == A64.ADR) {
                long bytes = delta * 4;
                if (bytes < -(1L << 20) || bytes >= (1L << 20)) {
                    throw new IllegalStateException("ADR target " + f.label + " is out of range (±1 MiB)");
                }
                out[f.position] = f.word | (int) ((bytes & 3) << 29) | (int) (((bytes >> 2) & ((1L << width) - 1)) << 5);
                continue;
            }
            if (delta < -(1L << (width - 1)) || delta >= (1L << (width - 1))) {
                throw new IllegalStateException(f.row + " at 0x" + Long.toHexString(base + 4L * f.position) + " cannot reach " + f.label
                        + " (" + delta + " instructions away, " + width + "-bit offset)");
            }
            int shift = f.row == A64.B || f.row == A64.BL ? 0 : 5;
            out[f.position] = f.word | (int) ((delta & ((1L << width) - 1)) << shift);
        }
        return out;
    }

    /**
     * Resolves and returns the code as little-endian bytes, ready to load.
     *
     * @return the bytes
     */
    public byte[] assembleBytes() {
        int[] code = assemble();
        ByteBuffer b = ByteBuffer.allocate(code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : code) {
            b.putInt(w);
        }
        return b.array();
    }
}
