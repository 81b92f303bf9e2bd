package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import dev.levitate.sim.machine.InstructionTraceTest;
import dev.levitate.a64.A64Assembler.Label;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packets issue 20 added, one by one, over a loopback socket driven by {@link RspClient}:
 * read and access watchpoints, vCont, the hardware limits, monitor commands.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GdbKernelPacketsTest {
    static final long BASE = Machine.RAM_BASE;
    static long load;
    static long store;
    static long data;

    private Machine machine;
    private GdbStub stub;
    private CompletableFuture<GdbStub.Ending> ending;
    private RspClient gdb;

    /**
     * <pre>
     *   +0x00 movz x0, #1     +0x04 adr x3, data    +0x08 ldr x4, [x3]    +0x0c str x0, [x3]
     *   +0x10 movz x0, #0x18  +0x14 adr x1, block   +0x18 hlt #0xf000 (exit 9)
     * </pre>
     */
    static byte[] loadStoreExit() {
        A64Assembler a = new A64Assembler(BASE);
        Label block = a.label();
        Label dataLabel = a.label();
        a.movz(0, 1, 0).adr(3, dataLabel);
        load = a.here();
        a.ldr(4, 3, 0);
        store = a.here();
        a.str(0, 3, 0).movz(0, 0x18, 0).adr(1, block).hlt(0xF000);
        Label self = a.label();
        a.bind(self).b(self);
        a.bind(block).word(0x20026).word(0).word(9).word(0);
        data = a.here();
        a.bind(dataLabel).word(0x55).word(0);
        return a.assembleBytes();
    }

    void start(byte[] code) throws IOException {
        Machine m = new Machine(4L << 20, b -> { }, b -> { }, b -> { });
        m.loadRaw(BASE, code);
        start(m);
    }

    void start(Machine m) throws IOException {
        machine = m;
        stub = GdbStub.listen(machine, 0);
        GdbStub s = stub;
        ending = CompletableFuture.supplyAsync(() -> {
            try {
                return s.serve();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> new Thread(r, "gdb-stub").start());
        gdb = new RspClient(stub.port());
    }

    @AfterEach
    void stop() throws IOException {
        if (gdb != null) {
            gdb.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    static long pc(RspClient gdb) throws IOException {
        return GdbStubTest.fromLe(gdb.ask("p20"));
    }

    @Test
    void aReadWatchpointStopsBeforeTheLoadAndNotAtTheStore() throws Exception {
        start(loadStoreExit());
        assertEquals("OK", gdb.ask("Z3," + Long.toHexString(data) + ",8"));
        assertEquals("T05rwatch:" + Long.toHexString(data) + ";", gdb.ask("c"));
        assertEquals(load, pc(gdb), "stopped at the ldr, before it");
        assertEquals(0, GdbStubTest.fromLe(gdb.ask("p4")), "the load is undone");
        assertEquals("T05rwatch:" + Long.toHexString(data) + ";", gdb.ask("s"), "a step into it with the watchpoint set stops again");
        assertEquals(load, pc(gdb));
        assertEquals("OK", gdb.ask("z3," + Long.toHexString(data) + ",8"));
        assertEquals("S05", gdb.ask("s"), "GDB steps it without the watchpoint");
        assertEquals(0x55, GdbStubTest.fromLe(gdb.ask("p4")), "the load ran");
        assertEquals("OK", gdb.ask("Z3," + Long.toHexString(data) + ",8"));
        assertEquals("W09", gdb.ask("c"), "the store does not stop a read watchpoint");
    }

    /** {@code qRcmd}: the text of the O packets up to the final reply, which must be OK. */
    String monitor(String command) throws IOException {
        String reply = gdb.ask("qRcmd," + HexFormat.of().formatHex(command.getBytes(StandardCharsets.US_ASCII)));
        StringBuilder text = new StringBuilder();
        while (reply.startsWith("O") && !reply.equals("OK")) {
            text.append(new String(HexFormat.of().parseHex(reply.substring(1)), StandardCharsets.UTF_8));
            reply = gdb.reply();
        }
        assertEquals("OK", reply, text.toString());
        return text.toString();
    }

    static String hex(long address) {
        return Long.toHexString(address);
    }

    @Test
    void anAccessWatchpointStopsAtTheLoadAndAtTheStore() throws Exception {
        start(loadStoreExit());
        assertEquals("OK", gdb.ask("Z4," + hex(data) + ",8"));
        assertEquals("T05awatch:" + hex(data) + ";", gdb.ask("c"));
        assertEquals(load, pc(gdb));
        assertEquals("OK", gdb.ask("z4," + hex(data) + ",8"));
        assertEquals("S05", gdb.ask("s"));
        assertEquals("OK", gdb.ask("Z4," + hex(data) + ",8"));
        assertEquals("T05awatch:" + hex(data) + ";", gdb.ask("c"));
        assertEquals(store, pc(gdb));
        assertEquals(0x55, machine.ram().read64(data), "the store is undone");
        assertEquals("E02", gdb.ask("z4," + hex(data) + ",4"), "no such watchpoint");
        assertEquals("E02", gdb.ask("z2," + hex(data) + ",8"), "another kind on the same range is another watchpoint");
    }

    @Test
    void watchpointsTakeAnyVaThatDoesNotWrap() throws Exception {
        start(loadStoreExit());
        assertEquals("OK", gdb.ask("Z2,0,8"), "a NULL pointer's first bytes");
        assertEquals("OK", gdb.ask("Z3,ffff000000000000,1000"), "an upper-half VA, mapped or not");
        assertEquals("E02", gdb.ask("Z4,fffffffffffffffc,8"), "wraps past the top");
        assertEquals("OK", gdb.ask("z2,0,8"));
        assertEquals("OK", gdb.ask("z3,ffff000000000000,1000"));
        assertEquals("W09", gdb.ask("c"), "none of them is touched");
    }

    @Test
    void aWriteWatchpointStopsOnAStoreOfTheSameValueToo() throws Exception {
        A64Assembler a = new A64Assembler(BASE);
        A64Assembler.Label d = a.label();
        a.adr(3, d);
        long st = a.here();
        a.str(31, 3, 0).hlt(0xF000);
        a.bind(d).word(0).word(0);
        start(a.assembleBytes());
        long where = BASE + 12;
        assertEquals("OK", gdb.ask("Z2," + hex(where) + ",8"));
        assertEquals("T05watch:" + hex(where) + ";", gdb.ask("c"), "the core sees the store, not a change");
        assertEquals(st, pc(gdb));
    }

    @Test
    void vContContinuesAndStepsTheOneThread() throws Exception {
        start(loadStoreExit());
        assertEquals("vCont;c;C;s;S", gdb.ask("vCont?"));
        assertEquals("S05", gdb.ask("vCont;s:1;c"), "the first action that applies");
        assertEquals(BASE + 4, pc(gdb));
        assertEquals("S05", gdb.ask("vCont;s:p1.1"));
        assertEquals("S05", gdb.ask("vCont;S05:p1.-1"), "a signal is not delivered: a step");
        assertEquals(load + 4, pc(gdb));
        assertEquals("E03", gdb.ask("vCont;s:2"), "no action for thread 1");
        assertEquals("E03", gdb.ask("vCont;t"), "stop is not an action of an all-stop target");
        assertEquals("E03", gdb.ask("vCont;"), "an empty action");
        assertEquals(load + 4, pc(gdb), "nothing ran");
        assertEquals("OK", gdb.ask("Z1," + hex(load + 8) + ",4"));
        assertEquals("T05hwbreak:;", gdb.ask("vCont;c:-1"), "a hardware breakpoint says so");
        assertEquals("W09", gdb.ask("vCont;c"));
    }

    /** A higher-half machine (RAM at 0xffff0000_4000_0000 through TTBR1) with its PC at the first word. */
    Machine higherHalf() {
        A64Assembler a = new A64Assembler(InstructionTraceTest.VA);
        a.movz(0, 7, 0).movz(1, 8, 0).movz(2, 9, 0);
        return InstructionTraceTest.higherHalf(a.assembleBytes());
    }

    @Test
    void memoryIsReadAndWrittenThroughTheCurrentTranslationOrPhysicallyUnderMonitorPhysOn() throws Exception {
        Machine m = higherHalf();
        start(m);
        long va = InstructionTraceTest.VA;
        long pa = InstructionTraceTest.PA;
        String word = String.format("%08x", Integer.reverseBytes(m.ram().read32(pa)));
        assertEquals(word, gdb.ask("m" + hex(va) + ",4"), "the kernel's code at its VA");
        assertEquals("E01", gdb.ask("m" + hex(va + 0x4000_0000L) + ",4"), "L1[2] is invalid: no translation");
        assertEquals("E01", gdb.ask("m1000,4"), "TTBR0's table is zeros: no translation (with the MMU off it would be flash)");
        long ramEnd = va + (4L << 20);
        assertEquals(8, gdb.ask("m" + hex(ramEnd - 4) + ",8").length(), "4 bytes: the rest is mapped beyond RAM");
        assertEquals("OK", gdb.ask("M" + hex(va + 0x2000) + ",4:11223344"));
        assertEquals(0x44332211, m.ram().read32(pa + 0x2000), "written at the PA");
        assertEquals("E01", gdb.ask("M" + hex(ramEnd - 2) + ",4:aabbccdd"), "half of it beyond RAM");
        assertEquals(0, m.ram().read16(pa + (4L << 20) - 2), "nothing written");
        assertTrue(monitor("phys on").contains("physical addresses"));
        assertEquals(word, gdb.ask("m" + hex(pa) + ",4"), "physical");
        assertEquals("E01", gdb.ask("m" + hex(va) + ",4"), "a VA is no PA");
        assertTrue(monitor("phys off").contains("current translation regime"));
        assertEquals(word, gdb.ask("m" + hex(va) + ",4"));
        assertEquals("S05", gdb.ask("s"), "the VA and the PA agree, and the core runs there");
    }

    @Test
    void aStaleTlbEntryIsWhatTheDebuggerReadsThroughAsTheCoreDoes() throws Exception {
        Machine m = higherHalf();
        assertEquals(dev.levitate.sim.cpu.StopKind.BUDGET, m.run(1)); // fills the TLB with the code page
        long l1 = InstructionTraceTest.TABLES + 0x1000 + 8;
        m.ram().write64(l1, (InstructionTraceTest.PA + 0x4000_0000L) | 0x701); // remapped, no TLBI: the entry is stale
        start(m);
        long va = InstructionTraceTest.VA;
        String word = String.format("%08x", Integer.reverseBytes(m.ram().read32(InstructionTraceTest.PA + 4)));
        assertEquals(word, gdb.ask("m" + hex(va + 4) + ",4"), "the TLB's page, which the core still fetches from");
        assertEquals("E01", gdb.ask("m" + hex(va + 0x1000) + ",4"), "another page walks the new tables (beyond RAM)");
        String tlb = monitor("tlb");
        assertTrue(tlb.contains("STALE: the tables now say pa 0x0080000000"), tlb);
    }

    @Test
    void systemRegistersAndCpsrAreReadAndWrittenWithPAndBigP() throws Exception {
        Machine m = higherHalf();
        start(m);
        Cpu cpu = m.cpu();
        int sctlr = Registers.FIRST_SYSTEM; // 34
        assertEquals("SCTLR_EL1", Registers.name(sctlr));
        assertEquals(cpu.systemRegister(SystemRegister.SCTLR_EL1), GdbStubTest.fromLe(gdb.ask("p" + hex(sctlr))));
        assertEquals(InstructionTraceTest.TABLES, GdbStubTest.fromLe(gdb.ask("p" + hex(regnum("TTBR1_EL1")))));
        assertEquals(InstructionTraceTest.VA + 0x800, GdbStubTest.fromLe(gdb.ask("p" + hex(regnum("VBAR_EL1")))));
        assertEquals(4, GdbStubTest.fromLe(gdb.ask("p" + hex(regnum("CurrentEL")))));
        assertEquals("OK", gdb.ask("P" + hex(regnum("TPIDR_EL1")) + "=" + GdbStubTest.le64(0xABCDL)));
        assertEquals(0xABCDL, cpu.systemRegister(SystemRegister.TPIDR_EL1));
        assertEquals("E05", gdb.ask("P" + hex(regnum("CurrentEL")) + "=" + GdbStubTest.le64(0)), "read-only");
        assertEquals("E05", gdb.ask("P" + hex(regnum("MIDR_EL1")) + "=" + GdbStubTest.le64(0)), "read-only");
        assertEquals("OK", gdb.ask("P1f=" + GdbStubTest.le64(0x1000)));
        assertEquals(0x1000, GdbStubTest.fromLe(gdb.ask("p" + hex(regnum("SP_EL1")))), "at EL1h sp is SP_EL1");
        assertEquals("OK", gdb.ask("P" + hex(regnum("SP_EL0")) + "=" + GdbStubTest.le64(0x2000)));
        assertEquals("c5030000", gdb.ask("p21"), "EL1h, DAIF masked");
        assertEquals("OK", gdb.ask("P21=00000020"), "cpsr := EL0t, C set, DAIF clear");
        assertEquals(0, cpu.exceptionLevel());
        assertEquals(0x2000, GdbStubTest.fromLe(gdb.ask("p1f")), "at EL0 sp is SP_EL0");
        assertEquals(0x1000, GdbStubTest.fromLe(gdb.ask("p" + hex(regnum("SP_EL1")))), "SP_EL1 banked");
        assertEquals(0, GdbStubTest.fromLe(gdb.ask("p" + hex(regnum("CurrentEL")))));
        assertEquals("OK", gdb.ask("P21=0000001f"), "M = 0x1f (EL3h here? no: AArch32 System) is not a state of this core");
        assertEquals(0, cpu.exceptionLevel(), "EL unchanged");
        assertNotEquals(-1, regnum("CNTVCT_EL0"));
        assertEquals(cpu.timer() != null, !gdb.ask("p" + hex(regnum("CNTVCT_EL0"))).startsWith("E"));
    }

    static int regnum(String name) {
        for (int n = 0; n < Registers.COUNT; n++) {
            if (Registers.name(n).equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no register " + name);
    }

    @Test
    void monitorCommandsAnswerInOPackets() throws Exception {
        Machine m = higherHalf();
        assertEquals(dev.levitate.sim.cpu.StopKind.BUDGET, m.run(2));
        start(m);
        assertTrue(monitor("help").contains("monitor pagetable ttbr0|ttbr1"));
        String cycles = monitor("cycles");
        assertTrue(cycles.startsWith("cycles " + m.cpu().cycles() + " "), cycles);
        assertTrue(cycles.contains("instructions 2, EL1, pc 0xffff000040000008"), cycles);
        String stats = monitor("stats");
        assertTrue(stats.contains("instructions 2 ") && stats.contains("MMU on, ASID 0"), stats);
        String tlb = monitor("tlb");
        assertTrue(tlb.startsWith("TLB, 1 of "), tlb);
        assertTrue(tlb.contains("va 0xffff000040000000 -> pa 0x0040000000 global  size 1G L1"), tlb);
        String tree = monitor("pagetable ttbr1");
        assertTrue(tree.startsWith("TTBR1_EL1 0x0000000040100000 (ASID 0), T1SZ 16"), tree);
        assertTrue(tree.contains("L1[1] va 0xffff000040000000..0xffff00007fffffff block -> 0x0040000000 EL0 --x EL1 rwx AF attr 0"), tree);
        assertTrue(monitor("pagetable ttbr0").startsWith("TTBR0_EL1 0x0000000000000000"));
        assertTrue(monitor("pagetable").startsWith("usage"));
        assertTrue(monitor("frobnicate \u001b").contains("unknown monitor command 'frobnicate ?'"));
        assertEquals("E03", gdb.ask("qRcmd,zz"), "not hex");
    }

    @Test
    void aHugeTableTreeIsCutAndStillFitsInPackets() throws Exception {
        Machine m = higherHalf();
        long l3 = InstructionTraceTest.TABLES + 0x3000;
        long l2 = InstructionTraceTest.TABLES + 0x2000;
        m.ram().write64(InstructionTraceTest.TABLES + 0x1000 + 16, l2 | 3); // L1[2] -> L2, every L2 entry -> the same L3 full of pages
        for (int i = 0; i < 512; i++) {
            m.ram().write64(l2 + 8L * i, l3 | 3);
            m.ram().write64(l3 + 8L * i, (InstructionTraceTest.PA + 0x1000L * i) | 0x703);
        }
        start(m);
        String tree = monitor("pagetable ttbr1");
        assertEquals(Monitor.MAX_TABLE_LINES, tree.lines().count(), "bounded");
        assertTrue(tree.contains("... (stopped after"), tree.substring(tree.length() - 200));
    }
}
