package dev.levitate.a64;

/**
 * The named operand fields of A64 encodings, one letter each in the pattern strings of
 * {@link A64} (the letter is the binding: a field is found by its name, never by position).
 */
public enum Field {
    /** sf: 1 for the 64-bit form. */
    SF('f'),
    /** Rd, Rt: destination or transfer register. */
    RD('d'),
    /** Rn: first source or base register. */
    RN('n'),
    /** Rm: second source register. */
    RM('m'),
    /** Ra, Rt2: third register (multiply-add addend, second transfer register). */
    RA('a'),
    /** An immediate (imm12, imm16, imm26, imm19, imm7, imm6 …; the row's pattern gives the width). */
    IMM('i'),
    /** sh or hw or shift: a shift amount selector. */
    SH('h'),
    /** cond: a condition code. */
    COND('c'),
    /** N, immr, imms of the bitmask and bitfield immediates: N. */
    N('N'),
    /** immr. */
    IMMR('r'),
    /** imms. */
    IMMS('s'),
    /** immlo of ADR/ADRP. */
    IMMLO('l'),
    /** b5 of TBZ/TBNZ. */
    B5('b'),
    /** b40 of TBZ/TBNZ (the low five bits of the bit number). */
    B40('t'),
    /** option: the extend of extended-register forms and register-offset addressing. */
    OPC('o'),
    /** S: whether a register offset is scaled by the access size. */
    SCALE('S'),
    /** nzcv: the flags CCMP/CCMN set when the condition fails. */
    NZCV('v'),
    /** o0:op1:CRn:CRm:op2 of MRS/MSR (15 bits), or op1:CRn:CRm:op2 of SYS (14 bits). */
    SYSREG('y'),
    /** op1 of MSR (immediate): with op2, selects the PSTATE field. */
    OP1('p'),
    /** op2 of MSR (immediate). */
    OP2('q'),
    /** size of a load/store: 0 byte, 1 halfword, 2 word, 3 doubleword. */
    SIZE('z'),
    /** opc of a load/store (store, load, load signed to 64, load signed to 32), or o3:opc of an atomic. */
    LDST_OPC('k');

    private final char letter;

    Field(char letter) {
        this.letter = letter;
    }

    /**
     * Returns the pattern letter.
     *
     * @return the letter
     */
    public char letter() {
        return letter;
    }

    /**
     * Finds the field of a pattern letter.
     *
     * @param c a letter
     * @return the field, or null if {@code c} is a fixed bit or don't-care
     */
    public static Field ofLetter(char c) {
        for (Field f : values()) {
            if (f.letter == c) {
                return f;
            }
        }
        return null;
    }
}
