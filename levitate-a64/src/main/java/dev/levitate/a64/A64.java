package dev.levitate.a64;

/**
 * THE table of A64 encodings the simulator implements: one constant per encoding, with its bit
 * pattern (see {@link Encoding} for the notation, {@link Field} for the letters) and its operand
 * syntax (the text a disassembler prints, with {@code {token}} operands). The decoder, the
 * assembler and the disassembler are driven by it. Order is priority: where patterns overlap, the earlier row wins.
 *
 * <p>Grouped under the Arm ARM's headings (C4.1, "A64 instruction set encoding"). Encodings not
 * listed decode as UNDEFINED; the ones planned next are listed, commented, at the end.
 */
public enum A64 {
    // ---- Data processing — immediate (C4.1.86)
    /** Row {@code ADD_imm}: {@code add {Rd|sp}, {Rn|sp}, {aimm}}. */
    ADD_imm("f0 0 100010 h iiiiiiiiiiii nnnnn ddddd", "add {Rd|sp}, {Rn|sp}, {aimm}"),
    /** Row {@code ADDS_imm}: {@code adds {Rd}, {Rn|sp}, {aimm}}. */
    ADDS_imm("f0 1 100010 h iiiiiiiiiiii nnnnn ddddd", "adds {Rd}, {Rn|sp}, {aimm}"),
    /** Row {@code SUB_imm}: {@code sub {Rd|sp}, {Rn|sp}, {aimm}}. */
    SUB_imm("f1 0 100010 h iiiiiiiiiiii nnnnn ddddd", "sub {Rd|sp}, {Rn|sp}, {aimm}"),
    /** Row {@code SUBS_imm}: {@code subs {Rd}, {Rn|sp}, {aimm}}. */
    SUBS_imm("f1 1 100010 h iiiiiiiiiiii nnnnn ddddd", "subs {Rd}, {Rn|sp}, {aimm}"),
    /** Row {@code AND_imm}: {@code and {Rd|sp}, {Rn}, {bimm}}. */
    AND_imm("f00 100100 N rrrrrr ssssss nnnnn ddddd", "and {Rd|sp}, {Rn}, {bimm}"),
    /** Row {@code ORR_imm}: {@code orr {Rd|sp}, {Rn}, {bimm}}. */
    ORR_imm("f01 100100 N rrrrrr ssssss nnnnn ddddd", "orr {Rd|sp}, {Rn}, {bimm}"),
    /** Row {@code EOR_imm}: {@code eor {Rd|sp}, {Rn}, {bimm}}. */
    EOR_imm("f10 100100 N rrrrrr ssssss nnnnn ddddd", "eor {Rd|sp}, {Rn}, {bimm}"),
    /** Row {@code ANDS_imm}: {@code ands {Rd}, {Rn}, {bimm}}. */
    ANDS_imm("f11 100100 N rrrrrr ssssss nnnnn ddddd", "ands {Rd}, {Rn}, {bimm}"),
    /** Row {@code MOVN}: {@code movn {Rd}, #{imm}{hw}}. */
    MOVN("f00 100101 hh iiiiiiiiiiiiiiii ddddd", "movn {Rd}, #{imm}{hw}"),
    /** Row {@code MOVZ}: {@code movz {Rd}, #{imm}{hw}}. */
    MOVZ("f10 100101 hh iiiiiiiiiiiiiiii ddddd", "movz {Rd}, #{imm}{hw}"),
    /** Row {@code MOVK}: {@code movk {Rd}, #{imm}{hw}}. */
    MOVK("f11 100101 hh iiiiiiiiiiiiiiii ddddd", "movk {Rd}, #{imm}{hw}"),
    /** Row {@code SBFM}: {@code sbfm {Rd}, {Rn}, #{immr}, #{imms}}. */
    SBFM("f00 100110 N rrrrrr ssssss nnnnn ddddd", "sbfm {Rd}, {Rn}, #{immr}, #{imms}"),
    /** Row {@code BFM}: {@code bfm {Rd}, {Rn}, #{immr}, #{imms}}. */
    BFM("f01 100110 N rrrrrr ssssss nnnnn ddddd", "bfm {Rd}, {Rn}, #{immr}, #{imms}"),
    /** Row {@code UBFM}: {@code ubfm {Rd}, {Rn}, #{immr}, #{imms}}. */
    UBFM("f10 100110 N rrrrrr ssssss nnnnn ddddd", "ubfm {Rd}, {Rn}, #{immr}, #{imms}"),
    /** Row {@code ADR}: {@code adr {Xd}, {adr}}. */
    ADR("0 ll 10000 iiiiiiiiiiiiiiiiiii ddddd", "adr {Xd}, {adr}"),
    /** Row {@code ADRP}: {@code adrp {Xd}, {adrp}}. */
    ADRP("1 ll 10000 iiiiiiiiiiiiiiiiiii ddddd", "adrp {Xd}, {adrp}"),

    // ---- Branches, exception generating and system instructions (C4.1.87)
    /** Row {@code B}: {@code b {rel}}. */
    B("000101 iiiiiiiiiiiiiiiiiiiiiiiiii", "b {rel}"),
    /** Row {@code BL}: {@code bl {rel}}. */
    BL("100101 iiiiiiiiiiiiiiiiiiiiiiiiii", "bl {rel}"),
    /** Row {@code B_cond}: {@code b.{cond} {rel}}. */
    B_cond("01010100 iiiiiiiiiiiiiiiiiii 0 cccc", "b.{cond} {rel}"),
    /** Row {@code CBZ}: {@code cbz {Rd}, {rel}}. */
    CBZ("f 011010 0 iiiiiiiiiiiiiiiiiii ddddd", "cbz {Rd}, {rel}"),
    /** Row {@code CBNZ}: {@code cbnz {Rd}, {rel}}. */
    CBNZ("f 011010 1 iiiiiiiiiiiiiiiiiii ddddd", "cbnz {Rd}, {rel}"),
    /** Row {@code TBZ}: {@code tbz {Rt_b5}, #{bit}, {rel}}. */
    TBZ("b 011011 0 ttttt iiiiiiiiiiiiii ddddd", "tbz {Rt_b5}, #{bit}, {rel}"),
    /** Row {@code TBNZ}: {@code tbnz {Rt_b5}, #{bit}, {rel}}. */
    TBNZ("b 011011 1 ttttt iiiiiiiiiiiiii ddddd", "tbnz {Rt_b5}, #{bit}, {rel}"),
    /** Row {@code BR}: {@code br {Xn}}. */
    BR("1101011 0000 11111 000000 nnnnn 00000", "br {Xn}"),
    /** Row {@code BLR}: {@code blr {Xn}}. */
    BLR("1101011 0001 11111 000000 nnnnn 00000", "blr {Xn}"),
    /** Row {@code RET}: {@code ret{ret}}. */
    RET("1101011 0010 11111 000000 nnnnn 00000", "ret{ret}"),
    /** Row {@code SVC}: {@code svc #{imm16}}. */
    SVC("11010100 000 iiiiiiiiiiiiiiii 000 01", "svc #{imm16}"),
    /** Row {@code HVC}: {@code hvc #{imm16}}. */
    HVC("11010100 000 iiiiiiiiiiiiiiii 000 10", "hvc #{imm16}"),
    /** Row {@code SMC}: {@code smc #{imm16}}. */
    SMC("11010100 000 iiiiiiiiiiiiiiii 000 11", "smc #{imm16}"),
    /** Row {@code BRK}: {@code brk #{imm16}}. */
    BRK("11010100 001 iiiiiiiiiiiiiiii 000 00", "brk #{imm16}"),
    /** Row {@code HLT}: {@code hlt #{imm16}}. */
    HLT("11010100 010 iiiiiiiiiiiiiiii 000 00", "hlt #{imm16}"),
    /** Row {@code HINT}: {@code {hint}}. */
    HINT("11010101 000000 11 0010 iiiiiii 11111", "{hint}"),
    /** Row {@code BARRIER}: {@code {barrier}}. */
    BARRIER("11010101 000000 11 0011 ---- 1 -- 11111", "{barrier}"),
    /** Row {@code MSR_imm}: {@code msr {pstate}, #{crm}} (SPSel, DAIFSet, DAIFClr). */
    MSR_imm("1101010100 0 00 ppp 0100 iiii qqq 11111", "msr {pstate}, #{crm}"),
    /** Row {@code SYS}: {@code {sys}} (DC, IC, TLBI, AT). */
    SYS("1101010100 0 01 yyyyyyyyyyyyyy ddddd", "{sys}"),
    /** Row {@code MSR_reg}: {@code msr {sysreg}, {Xd}}. */
    MSR_reg("1101010100 0 1 yyyyyyyyyyyyyyy ddddd", "msr {sysreg}, {Xd}"),
    /** Row {@code MRS}: {@code mrs {Xd}, {sysreg}}. */
    MRS("1101010100 1 1 yyyyyyyyyyyyyyy ddddd", "mrs {Xd}, {sysreg}"),
    /** Row {@code ERET}: {@code eret}. */
    ERET("1101011 0100 11111 000000 11111 00000", "eret"),

    // ---- Data processing — register (C4.1.89)
    /** Row {@code AND_shift}: {@code and {Rd}, {Rn}, {Rm}{shift}}. */
    AND_shift("f00 01010 hh 0 mmmmm iiiiii nnnnn ddddd", "and {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code BIC_shift}: {@code bic {Rd}, {Rn}, {Rm}{shift}}. */
    BIC_shift("f00 01010 hh 1 mmmmm iiiiii nnnnn ddddd", "bic {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code ORR_shift}: {@code orr {Rd}, {Rn}, {Rm}{shift}}. */
    ORR_shift("f01 01010 hh 0 mmmmm iiiiii nnnnn ddddd", "orr {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code ORN_shift}: {@code orn {Rd}, {Rn}, {Rm}{shift}}. */
    ORN_shift("f01 01010 hh 1 mmmmm iiiiii nnnnn ddddd", "orn {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code EOR_shift}: {@code eor {Rd}, {Rn}, {Rm}{shift}}. */
    EOR_shift("f10 01010 hh 0 mmmmm iiiiii nnnnn ddddd", "eor {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code EON_shift}: {@code eon {Rd}, {Rn}, {Rm}{shift}}. */
    EON_shift("f10 01010 hh 1 mmmmm iiiiii nnnnn ddddd", "eon {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code ANDS_shift}: {@code ands {Rd}, {Rn}, {Rm}{shift}}. */
    ANDS_shift("f11 01010 hh 0 mmmmm iiiiii nnnnn ddddd", "ands {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code BICS_shift}: {@code bics {Rd}, {Rn}, {Rm}{shift}}. */
    BICS_shift("f11 01010 hh 1 mmmmm iiiiii nnnnn ddddd", "bics {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code ADD_shift}: {@code add {Rd}, {Rn}, {Rm}{shift}}. */
    ADD_shift("f00 01011 hh 0 mmmmm iiiiii nnnnn ddddd", "add {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code ADDS_shift}: {@code adds {Rd}, {Rn}, {Rm}{shift}}. */
    ADDS_shift("f01 01011 hh 0 mmmmm iiiiii nnnnn ddddd", "adds {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code SUB_shift}: {@code sub {Rd}, {Rn}, {Rm}{shift}}. */
    SUB_shift("f10 01011 hh 0 mmmmm iiiiii nnnnn ddddd", "sub {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code SUBS_shift}: {@code subs {Rd}, {Rn}, {Rm}{shift}}. */
    SUBS_shift("f11 01011 hh 0 mmmmm iiiiii nnnnn ddddd", "subs {Rd}, {Rn}, {Rm}{shift}"),
    /** Row {@code CSEL}: {@code csel {Rd}, {Rn}, {Rm}, {cond}}. */
    CSEL("f00 11010100 mmmmm cccc 00 nnnnn ddddd", "csel {Rd}, {Rn}, {Rm}, {cond}"),
    /** Row {@code CSINC}: {@code csinc {Rd}, {Rn}, {Rm}, {cond}}. */
    CSINC("f00 11010100 mmmmm cccc 01 nnnnn ddddd", "csinc {Rd}, {Rn}, {Rm}, {cond}"),
    /** Row {@code CSINV}: {@code csinv {Rd}, {Rn}, {Rm}, {cond}}. */
    CSINV("f10 11010100 mmmmm cccc 00 nnnnn ddddd", "csinv {Rd}, {Rn}, {Rm}, {cond}"),
    /** Row {@code CSNEG}: {@code csneg {Rd}, {Rn}, {Rm}, {cond}}. */
    CSNEG("f10 11010100 mmmmm cccc 01 nnnnn ddddd", "csneg {Rd}, {Rn}, {Rm}, {cond}"),
    /** Row {@code UDIV}: {@code udiv {Rd}, {Rn}, {Rm}}. */
    UDIV("f00 11010110 mmmmm 000010 nnnnn ddddd", "udiv {Rd}, {Rn}, {Rm}"),
    /** Row {@code SDIV}: {@code sdiv {Rd}, {Rn}, {Rm}}. */
    SDIV("f00 11010110 mmmmm 000011 nnnnn ddddd", "sdiv {Rd}, {Rn}, {Rm}"),
    /** Row {@code LSLV}: {@code lsl {Rd}, {Rn}, {Rm}}. */
    LSLV("f00 11010110 mmmmm 001000 nnnnn ddddd", "lsl {Rd}, {Rn}, {Rm}"),
    /** Row {@code LSRV}: {@code lsr {Rd}, {Rn}, {Rm}}. */
    LSRV("f00 11010110 mmmmm 001001 nnnnn ddddd", "lsr {Rd}, {Rn}, {Rm}"),
    /** Row {@code ASRV}: {@code asr {Rd}, {Rn}, {Rm}}. */
    ASRV("f00 11010110 mmmmm 001010 nnnnn ddddd", "asr {Rd}, {Rn}, {Rm}"),
    /** Row {@code RORV}: {@code ror {Rd}, {Rn}, {Rm}}. */
    RORV("f00 11010110 mmmmm 001011 nnnnn ddddd", "ror {Rd}, {Rn}, {Rm}"),
    /** Row {@code MADD}: {@code madd {Rd}, {Rn}, {Rm}, {Ra}}. */
    ADD_ext("f00 01011 00 1 mmmmm ooo iii nnnnn ddddd", "add {Rd|sp}, {Rn|sp}, {ext}"),
    /** Row {@code ADDS_ext}: {@code adds {Rd}, {Rn|sp}, {ext}}. */
    ADDS_ext("f01 01011 00 1 mmmmm ooo iii nnnnn ddddd", "adds {Rd}, {Rn|sp}, {ext}"),
    /** Row {@code SUB_ext}: {@code sub {Rd|sp}, {Rn|sp}, {ext}}. */
    SUB_ext("f10 01011 00 1 mmmmm ooo iii nnnnn ddddd", "sub {Rd|sp}, {Rn|sp}, {ext}"),
    /** Row {@code SUBS_ext}: {@code subs {Rd}, {Rn|sp}, {ext}}. */
    SUBS_ext("f11 01011 00 1 mmmmm ooo iii nnnnn ddddd", "subs {Rd}, {Rn|sp}, {ext}"),
    /** Row {@code EXTR}: {@code extr {Rd}, {Rn}, {Rm}, #{imms}}. */
    EXTR("f00 100111 N 0 mmmmm ssssss nnnnn ddddd", "extr {Rd}, {Rn}, {Rm}, #{imms}"),
    /** Row {@code CCMN_reg}: {@code ccmn {Rn}, {Rm}, #{nzcv}, {cond}}. */
    CCMN_reg("f01 11010010 mmmmm cccc 00 nnnnn 0 vvvv", "ccmn {Rn}, {Rm}, #{nzcv}, {cond}"),
    /** Row {@code CCMN_imm}: {@code ccmn {Rn}, #{uimm5}, #{nzcv}, {cond}}. */
    CCMN_imm("f01 11010010 iiiii cccc 10 nnnnn 0 vvvv", "ccmn {Rn}, #{uimm5}, #{nzcv}, {cond}"),
    /** Row {@code CCMP_reg}: {@code ccmp {Rn}, {Rm}, #{nzcv}, {cond}}. */
    CCMP_reg("f11 11010010 mmmmm cccc 00 nnnnn 0 vvvv", "ccmp {Rn}, {Rm}, #{nzcv}, {cond}"),
    /** Row {@code CCMP_imm}: {@code ccmp {Rn}, #{uimm5}, #{nzcv}, {cond}}. */
    CCMP_imm("f11 11010010 iiiii cccc 10 nnnnn 0 vvvv", "ccmp {Rn}, #{uimm5}, #{nzcv}, {cond}"),
    /** Row {@code RBIT}: {@code rbit {Rd}, {Rn}}. */
    RBIT("f10 11010110 00000 000000 nnnnn ddddd", "rbit {Rd}, {Rn}"),
    /** Row {@code REV16}: {@code rev16 {Rd}, {Rn}}. */
    REV16("f10 11010110 00000 000001 nnnnn ddddd", "rev16 {Rd}, {Rn}"),
    /** Row {@code REV32}: {@code rev32 {Rd}, {Rn}}. */
    REV32("110 11010110 00000 000010 nnnnn ddddd", "rev32 {Rd}, {Rn}"),
    /** Row {@code REV_w}: {@code rev {Rd}, {Rn}}. */
    REV_w("010 11010110 00000 000010 nnnnn ddddd", "rev {Rd}, {Rn}"),
    /** Row {@code REV_x}: {@code rev {Rd}, {Rn}}. */
    REV_x("110 11010110 00000 000011 nnnnn ddddd", "rev {Rd}, {Rn}"),
    /** Row {@code CLZ}: {@code clz {Rd}, {Rn}}. */
    CLZ("f10 11010110 00000 000100 nnnnn ddddd", "clz {Rd}, {Rn}"),
    /** Row {@code CLS}: {@code cls {Rd}, {Rn}}. */
    CLS("f10 11010110 00000 000101 nnnnn ddddd", "cls {Rd}, {Rn}"),
    /** Row {@code MADD}: {@code madd {Rd}, {Rn}, {Rm}, {Ra}}. */
    MADD("f00 11011 000 mmmmm 0 aaaaa nnnnn ddddd", "madd {Rd}, {Rn}, {Rm}, {Ra}"),
    /** Row {@code MSUB}: {@code msub {Rd}, {Rn}, {Rm}, {Ra}}. */
    MSUB("f00 11011 000 mmmmm 1 aaaaa nnnnn ddddd", "msub {Rd}, {Rn}, {Rm}, {Ra}"),
    /** Row {@code ADC}: {@code adc {Rd}, {Rn}, {Rm}}. */
    ADC("f00 11010000 mmmmm 000000 nnnnn ddddd", "adc {Rd}, {Rn}, {Rm}"),
    /** Row {@code ADCS}: {@code adcs {Rd}, {Rn}, {Rm}}. */
    ADCS("f01 11010000 mmmmm 000000 nnnnn ddddd", "adcs {Rd}, {Rn}, {Rm}"),
    /** Row {@code SBC}: {@code sbc {Rd}, {Rn}, {Rm}}. */
    SBC("f10 11010000 mmmmm 000000 nnnnn ddddd", "sbc {Rd}, {Rn}, {Rm}"),
    /** Row {@code SBCS}: {@code sbcs {Rd}, {Rn}, {Rm}}. */
    SBCS("f11 11010000 mmmmm 000000 nnnnn ddddd", "sbcs {Rd}, {Rn}, {Rm}"),
    /** Row {@code SMADDL}: {@code smaddl {Xd}, {Wn}, {Wm}, {Xa}}. */
    SMADDL("100 11011 001 mmmmm 0 aaaaa nnnnn ddddd", "smaddl {Xd}, {Wn}, {Wm}, {Xa}"),
    /** Row {@code SMSUBL}: {@code smsubl {Xd}, {Wn}, {Wm}, {Xa}}. */
    SMSUBL("100 11011 001 mmmmm 1 aaaaa nnnnn ddddd", "smsubl {Xd}, {Wn}, {Wm}, {Xa}"),
    /** Row {@code SMULH}: {@code smulh {Xd}, {Xn}, {Xm}}. */
    SMULH("100 11011 010 mmmmm 0 11111 nnnnn ddddd", "smulh {Xd}, {Xn}, {Xm}"),
    /** Row {@code UMADDL}: {@code umaddl {Xd}, {Wn}, {Wm}, {Xa}}. */
    UMADDL("100 11011 101 mmmmm 0 aaaaa nnnnn ddddd", "umaddl {Xd}, {Wn}, {Wm}, {Xa}"),
    /** Row {@code UMSUBL}: {@code umsubl {Xd}, {Wn}, {Wm}, {Xa}}. */
    UMSUBL("100 11011 101 mmmmm 1 aaaaa nnnnn ddddd", "umsubl {Xd}, {Wn}, {Wm}, {Xa}"),
    /** Row {@code UMULH}: {@code umulh {Xd}, {Xn}, {Xm}}. */
    UMULH("100 11011 110 mmmmm 0 11111 nnnnn ddddd", "umulh {Xd}, {Xn}, {Xm}"),

    // ---- Loads and stores (C4.1.88): unsigned offset, scaled by the access size
    /** Row {@code STRB_uimm}: {@code strb {Wd}, {mem}}. */
    STRB_uimm("00 111 0 01 00 iiiiiiiiiiii nnnnn ddddd", "strb {Wd}, {mem}", 1),
    /** Row {@code LDRB_uimm}: {@code ldrb {Wd}, {mem}}. */
    LDRB_uimm("00 111 0 01 01 iiiiiiiiiiii nnnnn ddddd", "ldrb {Wd}, {mem}", 1),
    /** Row {@code LDRSB_uimm}: {@code ldrsb {Xd}, {mem}}. */
    LDRSB_uimm("00 111 0 01 10 iiiiiiiiiiii nnnnn ddddd", "ldrsb {Xd}, {mem}", 1),
    /** Row {@code STRH_uimm}: {@code strh {Wd}, {mem}}. */
    STRH_uimm("01 111 0 01 00 iiiiiiiiiiii nnnnn ddddd", "strh {Wd}, {mem}", 2),
    /** Row {@code LDRH_uimm}: {@code ldrh {Wd}, {mem}}. */
    LDRH_uimm("01 111 0 01 01 iiiiiiiiiiii nnnnn ddddd", "ldrh {Wd}, {mem}", 2),
    /** Row {@code LDRSH_uimm}: {@code ldrsh {Xd}, {mem}}. */
    LDRSH_uimm("01 111 0 01 10 iiiiiiiiiiii nnnnn ddddd", "ldrsh {Xd}, {mem}", 2),
    /** Row {@code STRW_uimm}: {@code str {Wd}, {mem}}. */
    STRW_uimm("10 111 0 01 00 iiiiiiiiiiii nnnnn ddddd", "str {Wd}, {mem}", 4),
    /** Row {@code LDRW_uimm}: {@code ldr {Wd}, {mem}}. */
    LDRW_uimm("10 111 0 01 01 iiiiiiiiiiii nnnnn ddddd", "ldr {Wd}, {mem}", 4),
    /** Row {@code LDRSW_uimm}: {@code ldrsw {Xd}, {mem}}. */
    LDRSW_uimm("10 111 0 01 10 iiiiiiiiiiii nnnnn ddddd", "ldrsw {Xd}, {mem}", 4),
    /** Row {@code STRX_uimm}: {@code str {Xd}, {mem}}. */
    STRX_uimm("11 111 0 01 00 iiiiiiiiiiii nnnnn ddddd", "str {Xd}, {mem}", 8),
    /** Row {@code LDRX_uimm}: {@code ldr {Xd}, {mem}}. */
    LDRX_uimm("11 111 0 01 01 iiiiiiiiiiii nnnnn ddddd", "ldr {Xd}, {mem}", 8),
    /** Row {@code LDXR_w}: {@code ldxr {Wd}, [{Xn|sp}]}. */
    LDXR_w("10 001000 0 1 0 11111 0 11111 nnnnn ddddd", "ldxr {Wd}, [{Xn|sp}]", 4),
    /** Row {@code LDXR_x}: {@code ldxr {Xd}, [{Xn|sp}]}. */
    LDXR_x("11 001000 0 1 0 11111 0 11111 nnnnn ddddd", "ldxr {Xd}, [{Xn|sp}]", 8),
    /** Row {@code LDAXR_w}: {@code ldaxr {Wd}, [{Xn|sp}]}. */
    LDAXR_w("10 001000 0 1 0 11111 1 11111 nnnnn ddddd", "ldaxr {Wd}, [{Xn|sp}]", 4),
    /** Row {@code LDAXR_x}: {@code ldaxr {Xd}, [{Xn|sp}]}. */
    LDAXR_x("11 001000 0 1 0 11111 1 11111 nnnnn ddddd", "ldaxr {Xd}, [{Xn|sp}]", 8),
    /** Row {@code STXR_w}: {@code stxr {Ws}, {Wd}, [{Xn|sp}]}. */
    STXR_w("10 001000 0 0 0 mmmmm 0 11111 nnnnn ddddd", "stxr {Ws}, {Wd}, [{Xn|sp}]", 4),
    /** Row {@code STXR_x}: {@code stxr {Ws}, {Xd}, [{Xn|sp}]}. */
    STXR_x("11 001000 0 0 0 mmmmm 0 11111 nnnnn ddddd", "stxr {Ws}, {Xd}, [{Xn|sp}]", 8),
    /** Row {@code STLXR_w}: {@code stlxr {Ws}, {Wd}, [{Xn|sp}]}. */
    STLXR_w("10 001000 0 0 0 mmmmm 1 11111 nnnnn ddddd", "stlxr {Ws}, {Wd}, [{Xn|sp}]", 4),
    /** Row {@code STLXR_x}: {@code stlxr {Ws}, {Xd}, [{Xn|sp}]}. */
    STLXR_x("11 001000 0 0 0 mmmmm 1 11111 nnnnn ddddd", "stlxr {Ws}, {Xd}, [{Xn|sp}]", 8),
    /** Row {@code LDAR_w}: {@code ldar {Wd}, [{Xn|sp}]}. */
    LDAR_w("10 001000 1 1 0 11111 1 11111 nnnnn ddddd", "ldar {Wd}, [{Xn|sp}]", 4),
    /** Row {@code LDAR_x}: {@code ldar {Xd}, [{Xn|sp}]}. */
    LDAR_x("11 001000 1 1 0 11111 1 11111 nnnnn ddddd", "ldar {Xd}, [{Xn|sp}]", 8),
    /** Row {@code STLR_w}: {@code stlr {Wd}, [{Xn|sp}]}. */
    STLR_w("10 001000 1 0 0 11111 1 11111 nnnnn ddddd", "stlr {Wd}, [{Xn|sp}]", 4),
    /** Row {@code STLR_x}: {@code stlr {Xd}, [{Xn|sp}]}. */
    STLR_x("11 001000 1 0 0 11111 1 11111 nnnnn ddddd", "stlr {Xd}, [{Xn|sp}]", 8),
    /** Row {@code STRB_reg}: {@code strb {Wd}, {regoff}}. */
    STRB_reg("00 111 0 00 00 1 mmmmm ooo S 10 nnnnn ddddd", "strb {Wd}, {regoff}", 1),
    /** Row {@code LDRB_reg}: {@code ldrb {Wd}, {regoff}}. */
    LDRB_reg("00 111 0 00 01 1 mmmmm ooo S 10 nnnnn ddddd", "ldrb {Wd}, {regoff}", 1),
    /** Row {@code STRH_reg}: {@code strh {Wd}, {regoff}}. */
    STRH_reg("01 111 0 00 00 1 mmmmm ooo S 10 nnnnn ddddd", "strh {Wd}, {regoff}", 2),
    /** Row {@code LDRH_reg}: {@code ldrh {Wd}, {regoff}}. */
    LDRH_reg("01 111 0 00 01 1 mmmmm ooo S 10 nnnnn ddddd", "ldrh {Wd}, {regoff}", 2),
    /** Row {@code STRW_reg}: {@code str {Wd}, {regoff}}. */
    STRW_reg("10 111 0 00 00 1 mmmmm ooo S 10 nnnnn ddddd", "str {Wd}, {regoff}", 4),
    /** Row {@code LDRW_reg}: {@code ldr {Wd}, {regoff}}. */
    LDRW_reg("10 111 0 00 01 1 mmmmm ooo S 10 nnnnn ddddd", "ldr {Wd}, {regoff}", 4),
    /** Row {@code LDRSW_reg}: {@code ldrsw {Xd}, {regoff}}. */
    LDRSW_reg("10 111 0 00 10 1 mmmmm ooo S 10 nnnnn ddddd", "ldrsw {Xd}, {regoff}", 4),
    /** Row {@code STRX_reg}: {@code str {Xd}, {regoff}}. */
    STRX_reg("11 111 0 00 00 1 mmmmm ooo S 10 nnnnn ddddd", "str {Xd}, {regoff}", 8),
    /** Row {@code LDRX_reg}: {@code ldr {Xd}, {regoff}}. */
    LDRX_reg("11 111 0 00 01 1 mmmmm ooo S 10 nnnnn ddddd", "ldr {Xd}, {regoff}", 8),
    /** Row {@code STURB}: {@code sturb {Wd}, {unscaled}}. */
    STURB("00 111 0 00 00 0 iiiiiiiii 00 nnnnn ddddd", "sturb {Wd}, {unscaled}", 1),
    /** Row {@code LDURB}: {@code ldurb {Wd}, {unscaled}}. */
    LDURB("00 111 0 00 01 0 iiiiiiiii 00 nnnnn ddddd", "ldurb {Wd}, {unscaled}", 1),
    /** Row {@code STURH}: {@code sturh {Wd}, {unscaled}}. */
    STURH("01 111 0 00 00 0 iiiiiiiii 00 nnnnn ddddd", "sturh {Wd}, {unscaled}", 2),
    /** Row {@code LDURH}: {@code ldurh {Wd}, {unscaled}}. */
    LDURH("01 111 0 00 01 0 iiiiiiiii 00 nnnnn ddddd", "ldurh {Wd}, {unscaled}", 2),
    /** Row {@code STURW}: {@code stur {Wd}, {unscaled}}. */
    STURW("10 111 0 00 00 0 iiiiiiiii 00 nnnnn ddddd", "stur {Wd}, {unscaled}", 4),
    /** Row {@code LDURW}: {@code ldur {Wd}, {unscaled}}. */
    LDURW("10 111 0 00 01 0 iiiiiiiii 00 nnnnn ddddd", "ldur {Wd}, {unscaled}", 4),
    /** Row {@code STURX}: {@code stur {Xd}, {unscaled}}. */
    STURX("11 111 0 00 00 0 iiiiiiiii 00 nnnnn ddddd", "stur {Xd}, {unscaled}", 8),
    /** Row {@code LDURX}: {@code ldur {Xd}, {unscaled}}. */
    LDURX("11 111 0 00 01 0 iiiiiiiii 00 nnnnn ddddd", "ldur {Xd}, {unscaled}", 8),
    /** Row {@code LDRW_lit}: {@code ldr {Wd}, {rel}}. */
    LDRW_lit("00 011 0 00 iiiiiiiiiiiiiiiiiii ddddd", "ldr {Wd}, {rel}", 4),
    /** Row {@code LDRX_lit}: {@code ldr {Xd}, {rel}}. */
    LDRX_lit("01 011 0 00 iiiiiiiiiiiiiiiiiii ddddd", "ldr {Xd}, {rel}", 8),
    /** Row {@code LDRSW_lit}: {@code ldrsw {Xd}, {rel}}. */
    LDRSW_lit("10 011 0 00 iiiiiiiiiiiiiiiiiii ddddd", "ldrsw {Xd}, {rel}", 4),
    /** Row {@code STRX_pre}: {@code str {Xd}, {pre9}}. */
    STRX_pre("11 111 0 00 00 0 iiiiiiiii 11 nnnnn ddddd", "str {Xd}, {pre9}", 1),
    /** Row {@code LDRX_pre}: {@code ldr {Xd}, {pre9}}. */
    LDRX_pre("11 111 0 00 01 0 iiiiiiiii 11 nnnnn ddddd", "ldr {Xd}, {pre9}", 1),
    /** Row {@code STRX_post}: {@code str {Xd}, {post9}}. */
    STRX_post("11 111 0 00 00 0 iiiiiiiii 01 nnnnn ddddd", "str {Xd}, {post9}", 1),
    /** Row {@code LDRX_post}: {@code ldr {Xd}, {post9}}. */
    LDRX_post("11 111 0 00 01 0 iiiiiiiii 01 nnnnn ddddd", "ldr {Xd}, {post9}", 1),
    /** Row {@code STP_post}: {@code stp {Xd}, {Xa}, {post7}}. */
    STP_post("10 101 0 001 0 iiiiiii aaaaa nnnnn ddddd", "stp {Xd}, {Xa}, {post7}", 8),
    /** Row {@code LDP_post}: {@code ldp {Xd}, {Xa}, {post7}}. */
    LDP_post("10 101 0 001 1 iiiiiii aaaaa nnnnn ddddd", "ldp {Xd}, {Xa}, {post7}", 8),
    /** Row {@code STP_off}: {@code stp {Xd}, {Xa}, {off7}}. */
    STP_off("10 101 0 010 0 iiiiiii aaaaa nnnnn ddddd", "stp {Xd}, {Xa}, {off7}", 8),
    /** Row {@code LDP_off}: {@code ldp {Xd}, {Xa}, {off7}}. */
    LDP_off("10 101 0 010 1 iiiiiii aaaaa nnnnn ddddd", "ldp {Xd}, {Xa}, {off7}", 8),
    /** Row {@code STP_pre}: {@code stp {Xd}, {Xa}, {pre7}}. */
    STP_pre("10 101 0 011 0 iiiiiii aaaaa nnnnn ddddd", "stp {Xd}, {Xa}, {pre7}", 8),
    /** Row {@code LDP_pre}: {@code ldp {Xd}, {Xa}, {pre7}}. */
    LDP_pre("10 101 0 011 1 iiiiiii aaaaa nnnnn ddddd", "ldp {Xd}, {Xa}, {pre7}", 8),
    /** Row {@code STPW_post}: {@code stp {Wd}, {Wa}, {post7}}. */
    STPW_post("00 101 0 001 0 iiiiiii aaaaa nnnnn ddddd", "stp {Wd}, {Wa}, {post7}", 4),
    /** Row {@code LDPW_post}: {@code ldp {Wd}, {Wa}, {post7}}. */
    LDPW_post("00 101 0 001 1 iiiiiii aaaaa nnnnn ddddd", "ldp {Wd}, {Wa}, {post7}", 4),
    /** Row {@code STPW_off}: {@code stp {Wd}, {Wa}, {off7}}. */
    STPW_off("00 101 0 010 0 iiiiiii aaaaa nnnnn ddddd", "stp {Wd}, {Wa}, {off7}", 4),
    /** Row {@code LDPW_off}: {@code ldp {Wd}, {Wa}, {off7}}. */
    LDPW_off("00 101 0 010 1 iiiiiii aaaaa nnnnn ddddd", "ldp {Wd}, {Wa}, {off7}", 4),
    /** Row {@code STPW_pre}: {@code stp {Wd}, {Wa}, {pre7}}. */
    STPW_pre("00 101 0 011 0 iiiiiii aaaaa nnnnn ddddd", "stp {Wd}, {Wa}, {pre7}", 4),
    /** Row {@code LDPW_pre}: {@code ldp {Wd}, {Wa}, {pre7}}. */
    LDPW_pre("00 101 0 011 1 iiiiiii aaaaa nnnnn ddddd", "ldp {Wd}, {Wa}, {pre7}", 4),
    /** Row {@code LDPSW_off}: {@code ldpsw {Xd}, {Xa}, {off7}}. */
    LDPSW_off("01 101 0 010 1 iiiiiii aaaaa nnnnn ddddd", "ldpsw {Xd}, {Xa}, {off7}", 4),
    /** Row {@code LDPSW_pre}: {@code ldpsw {Xd}, {Xa}, {pre7}} (C6.2.135, pre-index). */
    LDPSW_pre("01 101 0 011 1 iiiiiii aaaaa nnnnn ddddd", "ldpsw {Xd}, {Xa}, {pre7}", 4),
    /** Row {@code LDPSW_post}: {@code ldpsw {Xd}, {Xa}, {post7}} (C6.2.135, post-index). */
    LDPSW_post("01 101 0 001 1 iiiiiii aaaaa nnnnn ddddd", "ldpsw {Xd}, {Xa}, {post7}", 4),
    /** Row {@code STNP_x}: {@code stnp {Xd}, {Xa}, {off7}} (C6.2.336, the non-temporal hint only). */
    STNP_x("10 101 0 000 0 iiiiiii aaaaa nnnnn ddddd", "stnp {Xd}, {Xa}, {off7}", 8),
    /** Row {@code LDNP_x}: {@code ldnp {Xd}, {Xa}, {off7}} (C6.2.129). */
    LDNP_x("10 101 0 000 1 iiiiiii aaaaa nnnnn ddddd", "ldnp {Xd}, {Xa}, {off7}", 8),
    /** Row {@code STNP_w}: {@code stnp {Wd}, {Wa}, {off7}}. */
    STNP_w("00 101 0 000 0 iiiiiii aaaaa nnnnn ddddd", "stnp {Wd}, {Wa}, {off7}", 4),
    /** Row {@code LDNP_w}: {@code ldnp {Wd}, {Wa}, {off7}}. */
    LDNP_w("00 101 0 000 1 iiiiiii aaaaa nnnnn ddddd", "ldnp {Wd}, {Wa}, {off7}", 4),

    // ---- Loads and stores: the general forms, after the specific rows above (which win where both match)
    /** Row {@code LDST_uimm}: every size and sign of the unsigned-offset form the rows above leave (LDRSB/LDRSH to W, PRFM). */
    LDST_uimm("zz 111 0 01 kk iiiiiiiiiiii nnnnn ddddd", "{ldst} {Rt_ldst}, {memz}"),
    /** Row {@code LDST_unscaled}: LDURSB, LDURSH, LDURSW, PRFUM and the rest of the unscaled form. */
    LDST_unscaled("zz 111 0 00 kk 0 iiiiiiiii 00 nnnnn ddddd", "{ldstu} {Rt_ldst}, {unscaled}"),
    /** Row {@code LDST_post}: post-indexed loads and stores of every size and sign. */
    LDST_post("zz 111 0 00 kk 0 iiiiiiiii 01 nnnnn ddddd", "{ldst} {Rt_ldst}, {post9}"),
    /** Row {@code LDST_pre}: pre-indexed loads and stores of every size and sign. */
    LDST_pre("zz 111 0 00 kk 0 iiiiiiiii 11 nnnnn ddddd", "{ldst} {Rt_ldst}, {pre9}"),
    /** Row {@code LDST_reg}: register-offset loads and stores the rows above leave (LDRSB/LDRSH, PRFM). */
    LDST_reg("zz 111 0 00 kk 1 mmmmm ooo S 10 nnnnn ddddd", "{ldst} {Rt_ldst}, {regoffz}"),
    /** Row {@code CAS}: compare and swap (ARMv8.1 LSE), CAS/CASA/CASL/CASAL in every size. */
    CAS("zz 001000 1 - 1 mmmmm - 11111 nnnnn ddddd", "{cas} {Rs_z}, {Rt_z}, [{Xn|sp}]"),
    /** Row {@code ATOMIC}: SWP and LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN (ARMv8.1 LSE). */
    ATOMIC("zz 111 0 00 -- 1 mmmmm kkkk 00 nnnnn ddddd", "{atomic} {Rs_z}, {Rt_z}, [{Xn|sp}]"),
    /** Row {@code CLREX}: {@code clrex} (CRm is ignored: the local monitor is cleared). */
    CLREX("11010101 000000 11 0011 iiii 010 11111", "{clrex}"),
    /** Row {@code PRFM_lit}: {@code prfm {prfop}, {rel}}, a prefetch hint that never faults. */
    PRFM_lit("11 011 0 00 iiiiiiiiiiiiiiiiiii ddddd", "prfm {prfop}, {rel}");

    // Not yet implemented (decode as UNDEFINED), in the order they come next:
    //   exclusive pairs and byte/halfword exclusives, LDARB/STLRB, CASP, SYSL.

    private final Encoding encoding;

    A64(String pattern, String syntax) {
        this(pattern, syntax, 1);
    }

    A64(String pattern, String syntax, int scale) {
        this.encoding = new Encoding(ordinal(), name(), pattern, syntax, scale);
    }

    /**
     * Returns the row's encoding.
     *
     * @return the encoding
     */
    public Encoding encoding() {
        return encoding;
    }

    private static final A64[] ALL = values();

    /**
     * Returns the row with an id.
     *
     * @param id an ordinal
     * @return the row
     */
    public static A64 of(int id) {
        return ALL[id];
    }
}
