package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.ExternalTools;
import dev.levitate.a64.A64;
import dev.levitate.a64.Decoder;
import dev.levitate.a64.Field;
import dev.levitate.sim.machine.Machine;
import dev.levitate.sim.unicorn.Unicorn;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every implemented row of the encoding table against Unicorn 2: random words of the row's
 * pattern, random registers and flags, one instruction on both, then X0–X30, SP, PC, NZCV and the
 * data memory must agree (or both must refuse the word).
 *
 * <p>Unicorn gaps excluded, and why: rows that leave the instruction stream (SVC, HVC, SMC, BRK,
 * HLT, the hint space with WFI/WFE, barriers) are not compared, nor the system rows (MRS, MSR,
 * SYS, ERET): Unicorn's system state is not a Cortex-A53's, so those are checked against QEMU by
 * the bare-metal cross-check programs and by {@code SystemTest}. Unicorn 2.0.1 keeps translations
 * of code across {@code uc_mem_write}, so the test drops the translations of each sample's address
 * before running it (a taken branch can make Unicorn translate the empty word where a later sample
 * goes). Unicorn 2.0.1's LD{S,U}{MAX,MIN} below 64 bits compare the untruncated, unextended 64-bit
 * values (a QEMU 5 bug): those samples use operands that are non-negative at the access size, where
 * the bug cannot show; the signed and unsigned comparisons of other values are checked by
 * {@code SystemTest}.
 */
class UnicornDifferentialTest {
    static final int PER_ROW = 1000;
    /** Instructions compared on both engines in this run (the issue asks for at least 100,000). */
    static long totalCompared;
    static final long CODE = Machine.RAM_BASE;
    static final long DATA = Machine.RAM_BASE + 0x10_0000;
    static final int DATA_SIZE = 64 * 1024;
    static final long RAM = 4L << 20;
    static final int NOP = 0xd503201f;
    static final int UC_ERR_READ_UNMAPPED = 6;
    static final int UC_ERR_WRITE_UNMAPPED = 7;
    static final int UC_ERR_FETCH_UNMAPPED = 8;
    static final int UC_ERR_FETCH_UNALIGNED = 18;
    static final int UC_ERR_EXCEPTION = 21;
    static final Set<A64> BRANCHES = EnumSet.of(A64.B, A64.BL, A64.B_cond, A64.CBZ, A64.CBNZ, A64.TBZ, A64.TBNZ,
            A64.BR, A64.BLR, A64.RET);

    /** Rows Unicorn cannot be compared on: they leave the instruction stream (exceptions, waits). */
    static final Set<A64> EXCLUDED = EnumSet.of(A64.SVC, A64.HVC, A64.SMC, A64.BRK, A64.HLT, A64.HINT, A64.BARRIER,
            A64.MRS, A64.MSR_reg, A64.MSR_imm, A64.SYS, A64.ERET);
    static final Set<A64> WRITEBACK = EnumSet.of(A64.STRX_pre, A64.LDRX_pre, A64.STRX_post, A64.LDRX_post,
            A64.STP_pre, A64.LDP_pre, A64.STP_post, A64.LDP_post, A64.STPW_pre, A64.LDPW_pre, A64.STPW_post, A64.LDPW_post,
            A64.LDPSW_pre, A64.LDPSW_post);

    @TestFactory
    Stream<DynamicTest> everyRowAgreesWithUnicorn() {
        ExternalTools.require("Unicorn 2 (apt-get install libunicorn2)", Unicorn.unavailableReason());
        List<DynamicTest> tests = new ArrayList<>();
        for (A64 row : A64.values()) {
            if (!EXCLUDED.contains(row)) {
                tests.add(DynamicTest.dynamicTest(row.name(), () -> checkRow(row)));
            }
        }
        tests.add(DynamicTest.dynamicTest("at least 100,000 instructions compared", () ->
                assertTrue(totalCompared >= 100_000, "only " + totalCompared + " instructions were compared with Unicorn")));
        return tests.stream();
    }

    private static boolean isMemory(A64 row) {
        return row.name().contains("LDR") || row.name().contains("STR") || row.name().contains("LDP") || row.name().contains("STP") || row.name().contains("NP_")
                || row.name().contains("LDUR") || row.name().contains("STUR") || row.name().contains("XR")
                || row.name().startsWith("LDAR") || row.name().startsWith("STLR") || row.name().startsWith("LDST")
                || row == A64.CAS || row == A64.ATOMIC;
    }

    private void checkRow(A64 row) {
        SplittableRandom rnd = new SplittableRandom(row.ordinal() * 7919L + 1);
        byte[] data = new byte[DATA_SIZE];
        rnd.nextBytes(data);
        int compared = 0;
        boolean lse = row == A64.CAS || row == A64.ATOMIC;
        try (Unicorn uc = new Unicorn(lse ? Unicorn.CPU_MAX : -1)) {
            uc.map(Machine.RAM_BASE, RAM);
            // the general rows share most of their words with the specific rows before them: draw
            // until PER_ROW of their own are compared (bounded by the code region's size)
            for (int t = 0; compared < PER_ROW && t < PER_ROW * 40; t++) {
                int word = row.encoding().value() | (rnd.nextInt() & ~row.encoding().mask());
                if (Decoder.decode(word) != row.ordinal()) {
                    continue; // an earlier row owns this word; it is tested there
                }
                int rd = word & 31;
                int rn = (word >>> 5) & 31;
                int rt2 = (word >>> 10) & 31;
                if (WRITEBACK.contains(row) && (rd == rn || (row.name().contains("P") && rt2 == rn))) {
                    continue; // CONSTRAINED UNPREDICTABLE
                }
                if ((row.name().startsWith("LDP") || row.name().startsWith("LDNP")) && rd == rt2) {  // LDP, LDPW, LDPSW, LDNP
                    continue; // CONSTRAINED UNPREDICTABLE
                }
                long[] regs = new long[32];
                for (int i = 0; i < 32; i++) {
                    regs[i] = rnd.nextInt(4) == 0 ? rnd.nextLong(-4, 5) : rnd.nextLong();
                }
                regs[31] = DATA + 16L * rnd.nextInt(256);
                if (isMemory(row) && rn != 31) {
                    regs[rn] = DATA + 8L * rnd.nextInt(2048);
                }
                int rm = (word >>> 16) & 31;
                if (lse && rm != rn && rm != 31 && rnd.nextBoolean()) {
                    regs[rm] = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .getLong((int) (regs[rn == 31 ? 31 : rn] - DATA)); // CAS: make the compare succeed half the time
                }
                int sizeBits = 8 << (word >>> 30);
                int atomicOp = (word >>> 12) & 15;
                if (row == A64.ATOMIC && sizeBits < 64 && atomicOp >= 4 && atomicOp <= 7 && (rm == rn || rm == 31)) {
                    continue; // the operand is the address (or zero): it cannot be put in range for Unicorn's bug
                }
                if (row == A64.ATOMIC && sizeBits < 64 && atomicOp >= 4 && atomicOp <= 7) {
                    // Unicorn 2.0.1 compares the whole register for the MAX/MIN atomics below 64 bits
                    // (a QEMU 5 bug); give it an operand already in range, sign- or zero-extended
                    // and extends neither side: keep both operands non-negative at the access size
                    regs[rm] = (regs[rm] << (65 - sizeBits)) >>> (65 - sizeBits);
                    long old = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .getLong((int) (regs[rn] - DATA));
                    if (((old >>> (sizeBits - 1)) & 1) != 0) {
                        continue;
                    }
                }
                if (row.name().endsWith("_reg") && isMemory(row) && rm != rn && rm != 31) {
                    regs[rm] = rnd.nextInt(-256, 4096); // a register offset that stays near the data
                }
                int nzcv = rnd.nextInt(16) << 28;

                // a fresh code address per word (Unicorn caches translations by address), followed
                // by a NOP so Unicorn's one-instruction stop does not translate an empty word
                long code = CODE + 8L * t;
                Machine m = new Machine(RAM, b -> { }, b -> { }, b -> { });
                m.ram().write(DATA, data, 0, data.length);
                m.ram().write32(code, word);
                m.ram().write32(code + 4, NOP);
                Cpu cpu = m.cpu();
                cpu.setPc(code);
                for (int i = 0; i < 32; i++) {
                    cpu.setReg(i, regs[i]);
                }
                cpu.setNzcv(nzcv);
                StopKind ours = m.run(1);

                uc.write(DATA, data);
                uc.write(code, new byte[] {(byte) word, (byte) (word >>> 8), (byte) (word >>> 16), (byte) (word >>> 24),
                    (byte) 0x1f, (byte) 0x20, (byte) 0x03, (byte) 0xd5});
                for (int i = 0; i < 31; i++) {
                    uc.setReg(Unicorn.x(i), regs[i]);
                }
                uc.setReg(Unicorn.REG_SP, regs[31]);
                uc.setReg(Unicorn.REG_NZCV, nzcv & 0xFFFF_FFFFL);
                uc.removeTranslations(code, code + 8); // an earlier branch may have had it translated
                int err = uc.run(code, -1L, 1);
                uc.write(code, new byte[8]); // both sides' code regions hold only this sample (literal loads read them)
                if (err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_UNALIGNED
                        || (err == UC_ERR_EXCEPTION && BRANCHES.contains(row) && uc.reg(Unicorn.REG_PC) == cpu.pc())) {
                    // a taken branch to nowhere (or to an empty word): Unicorn went on to fetch or run the
                    // target; the branch itself ran, and the comparison below checks what it did
                    err = 0;
                }

                String where = String.format("%s word %08x", row, word);
                if (ours != StopKind.BUDGET || err != 0) {
                    boolean bothRefused = (ours == StopKind.UNDEFINED && err != 0)
                            || (ours == StopKind.ABORT && (err == UC_ERR_READ_UNMAPPED || err == UC_ERR_WRITE_UNMAPPED));
                    assertTrue(bothRefused, where + ": simulator stopped " + ours + " (pc " + Long.toHexString(cpu.pc()) + "), Unicorn said "
                            + (err == 0 ? "ok" : Unicorn.describe(err)) + " (pc " + Long.toHexString(uc.reg(Unicorn.REG_PC)) + ")");
                    continue;
                }
                for (int i = 0; i < 31; i++) {
                    long u = uc.reg(Unicorn.x(i));
                    assertTrue(u == cpu.reg(i), where + String.format(": x%d simulator %016x Unicorn %016x", i, cpu.reg(i), u));
                }
                assertTrue(uc.reg(Unicorn.REG_SP) == cpu.reg(31), where + ": SP differs");
                assertTrue(uc.reg(Unicorn.REG_PC) == cpu.pc(), where + String.format(": PC simulator %x Unicorn %x", cpu.pc(), uc.reg(Unicorn.REG_PC)));
                int un = (int) uc.reg(Unicorn.REG_NZCV) & 0xF000_0000;
                assertTrue(un == cpu.nzcv(), where + String.format(": NZCV simulator %x Unicorn %x", cpu.nzcv() >>> 28, un >>> 28));
                if (isMemory(row)) {
                    byte[] mine = new byte[DATA_SIZE];
                    m.ram().read(DATA, mine, 0, DATA_SIZE);
                    byte[] theirs = uc.read(DATA, DATA_SIZE);
                    int at = java.util.Arrays.mismatch(mine, theirs);
                    assertTrue(at < 0, () -> where + String.format(": memory differs at 0x%x: simulator %02x Unicorn %02x",
                            DATA + at, mine[at], theirs[at]));
                }
                compared++;
            }
        }
        totalCompared += compared;
        assertTrue(compared >= PER_ROW / 4, row + ": only " + compared + " words compared");
    }
}
