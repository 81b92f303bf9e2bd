package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.A64Assembler.Label;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stub over a real socket, driven by {@link RspClient}, against programs from the assembler. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GdbStubTest {
    static final long BASE = Machine.RAM_BASE;
    /** Where the sum is stored and where the exit block lies, set by {@link #sumAndExit()}. */
    static long store;
    static long data;

    private Machine machine;
    private GdbStub stub;
    private CompletableFuture<GdbStub.Ending> ending;
    private RspClient gdb;

    /**
     * <pre>
     *   +0x00 movz x0, #1      +0x04 movz x1, #2      +0x08 add x2, x0, x1     +0x0c adr x3, data
     *   +0x10 str x2, [x3]     +0x14 movz x0, #0x18   +0x18 adr x1, block      +0x1c hlt #0xf000 (exit 9)
     * </pre>
     */
    static byte[] sumAndExit() {
        A64Assembler a = new A64Assembler(BASE);
        Label block = a.label();
        Label dataLabel = a.label();
        a.movz(0, 1, 0).movz(1, 2, 0).add(2, 0, 1).adr(3, dataLabel);
        store = a.here();
        a.str(2, 3, 0).movz(0, 0x18, 0).adr(1, block).hlt(0xF000);
        Label self = a.label();
        a.bind(self).b(self);
        a.bind(block).word(0x20026).word(0).word(9).word(0);
        data = a.here();
        a.bind(dataLabel).word(0).word(0);
        return a.assembleBytes();
    }

    static byte[] spinForever() {
        A64Assembler a = new A64Assembler(BASE);
        Label loop = a.label();
        a.bind(loop).addImm(5, 5, 1).b(loop);
        return a.assembleBytes();
    }

    void start(byte[] code) throws IOException {
        machine = new Machine(4L << 20, b -> { }, b -> { }, b -> { });
        machine.loadRaw(BASE, code);
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

    GdbStub.Ending end() throws Exception {
        return ending.get(20, TimeUnit.SECONDS);
    }

    static String le64(long v) {
        return String.format("%016x", Long.reverseBytes(v));
    }

    static long fromLe(String hex) {
        return Long.reverseBytes(Long.parseUnsignedLong(hex, 16)) >>> (64 - 4 * hex.length());
    }

    @Test
    void theHandshakeAdvertisesPacketSizeAndTheTargetDescription() throws Exception {
        start(sumAndExit());
        String supported = gdb.ask("qSupported:multiprocess+;swbreak+;xmlRegisters=i386");
        assertTrue(supported.contains("PacketSize=4000"), supported);
        assertTrue(supported.contains("qXfer:features:read+"), supported);
        assertEquals("S05", gdb.ask("?"));
        assertEquals("1", gdb.ask("qAttached"));
        assertEquals("QC1", gdb.ask("qC"));
        assertEquals("m1", gdb.ask("qfThreadInfo"));
        assertEquals("l", gdb.ask("qsThreadInfo"));
        assertEquals("OK", gdb.ask("Hg0"));
        assertEquals("vCont;c;C;s;S", gdb.ask("vCont?"));
        StringBuilder xml = new StringBuilder();
        for (int offset = 0; ; ) {
            String part = gdb.ask("qXfer:features:read:target.xml:" + Integer.toHexString(offset) + ",80");
            xml.append(part, 1, part.length());
            offset += part.length() - 1;
            if (part.charAt(0) == 'l') {
                break;
            }
            assertEquals('m', part.charAt(0));
        }
        assertTrue(xml.toString().contains("<feature name=\"org.gnu.gdb.aarch64.core\">"), xml.toString());
        assertTrue(xml.toString().contains("<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\" regnum=\"33\"/>"), xml.toString());
        assertTrue(xml.toString().contains("<feature name=\"org.levitate.gdb.aarch64.sysregs\">"), xml.toString());
        assertTrue(xml.toString().contains("<reg name=\"SCTLR_EL1\" bitsize=\"64\" type=\"uint64\" group=\"system\" regnum=\"34\"/>"), xml.toString());
        assertTrue(!xml.toString().contains("org.gnu.gdb.aarch64.fpu"), "no FP/SIMD registers yet");
        assertTrue(gdb.ask("qXfer:features:read:other.xml:0,100").startsWith("E"));
        gdb.post("k");
        assertEquals(GdbStub.Ending.KILLED, end());
    }

    @Test
    void registersReadAndWriteInTheCoreFeatureLayout() throws Exception {
        start(sumAndExit());
        String g = gdb.ask("g");
        assertEquals(2 * (33 * 8 + 4), g.length());
        assertEquals(le64(BASE), g.substring(32 * 16, 33 * 16), "pc is register 32");
        assertEquals(le64(BASE), gdb.ask("p20"));
        assertEquals("OK", gdb.ask("P5=" + le64(0x1122_3344_5566_7788L)));
        assertEquals(0x1122_3344_5566_7788L, fromLe(gdb.ask("p5")));
        assertEquals("OK", gdb.ask("P1f=" + le64(BASE + 0x1000)));
        assertEquals(BASE + 0x1000, machine.cpu().reg(31), "register 31 is sp");
        assertEquals("c5030000", gdb.ask("p21"), "cpsr at entry: EL1h (M = 5), D A I F masked");
        assertEquals("OK", gdb.ask("P21=c5030060"));
        assertEquals("c5030060", gdb.ask("p21"), "cpsr is 32 bits: Z and C set");
        assertEquals(0x6000_0000, machine.cpu().nzcv());
        String all = gdb.ask("g");
        String changed = le64(42) + all.substring(16);
        assertEquals("OK", gdb.ask("G" + changed));
        assertEquals(42, machine.cpu().reg(0));
        assertEquals("E04", gdb.ask("p" + Integer.toHexString(Registers.COUNT)), "no register after the last system register");
        assertEquals("E03", gdb.ask("G1234"), "a short G block");
        assertEquals("E03", gdb.ask("P0=12"), "a short register value");
        assertEquals("E03", gdb.ask("pzz"));
    }

    @Test
    void memoryReadsAndWritesRamAndRefusesTheRest() throws Exception {
        start(sumAndExit());
        int first = machine.ram().read32(BASE);
        assertEquals(String.format("%08x", Integer.reverseBytes(first)), gdb.ask("m" + Long.toHexString(BASE) + ",4"));
        assertEquals("OK", gdb.ask("M" + Long.toHexString(data) + ",4:deadbeef"));
        assertEquals(0xefbeadde, machine.ram().read32(data));
        assertEquals("deadbeef", gdb.ask("m" + Long.toHexString(data) + ",4"));
        assertEquals("OK", gdb.ask("X" + Long.toHexString(data) + ",0:"), "the X probe");
        assertEquals("OK", gdb.ask("X" + Long.toHexString(data) + ",2:}\u0003A"), "binary with an escaped '#'");
        assertEquals(0x4123, machine.ram().read16(data));
        assertEquals("E01", gdb.ask("m9001000,4"), "a hole between devices");
        assertEquals(String.format("%08x", Integer.reverseBytes(machine.flash().read32(0))), gdb.ask("m0,4"), "the flash window reads");
        assertEquals("E01", gdb.ask("mffffffffffffff00,10"));
        assertEquals("E01", gdb.ask("M1000,1:00"));
        long end = BASE + (4L << 20);
        assertEquals("0000", gdb.ask("m" + Long.toHexString(end - 2) + ",4"), "the part inside RAM");
        String huge = gdb.ask("m" + Long.toHexString(BASE) + ",ffffffffffffffff");
        assertEquals(2 * GdbStub.MAX_READ, huge.length(), "a huge length is capped, as the protocol allows");
        assertEquals("E03", gdb.ask("m" + Long.toHexString(BASE) + ",1ffffffffffffffff"), "17 digits");
        assertEquals("E03", gdb.ask("M" + Long.toHexString(data) + ",4:dead"), "data shorter than its length");
        assertEquals("E03", gdb.ask("M" + Long.toHexString(data) + ",1:zz"));
        assertEquals("E03", gdb.ask("m12"));
    }

    @Test
    void aBreakpointStopsContinueAndAStepAdvancesByOneInstruction() throws Exception {
        start(sumAndExit());
        assertEquals("OK", gdb.ask("Z0," + Long.toHexString(BASE + 8) + ",4"));
        assertEquals("T05swbreak:;", gdb.ask("c"));
        assertEquals(BASE + 8, fromLe(gdb.ask("p20")));
        assertEquals("S05", gdb.ask("s"));
        assertEquals(BASE + 12, fromLe(gdb.ask("p20")));
        assertEquals(3, fromLe(gdb.ask("p2")), "the add ran");
        assertEquals("OK", gdb.ask("z0," + Long.toHexString(BASE + 8) + ",4"));
        assertEquals("W09", gdb.ask("c"), "the guest's semihosting exit code");
        assertEquals("W09", gdb.ask("?"));
        assertEquals(3, machine.ram().read64(data));
    }

    @Test
    void manyBreakpointsAreHitInTurnAndResumingFromOneRunsIt() throws Exception {
        start(sumAndExit());
        for (long off : new long[] {0x4, 0x10, 0x18}) {
            assertEquals("OK", gdb.ask("Z0," + Long.toHexString(BASE + off) + ",4"));
        }
        for (long off : new long[] {0x4, 0x10, 0x18}) {
            assertEquals("T05swbreak:;", gdb.ask("c"));
            assertEquals(BASE + off, fromLe(gdb.ask("p20")));
        }
        assertEquals("S05", gdb.ask("s" + Long.toHexString(BASE)), "s with an address starts there");
        assertEquals(BASE + 4, fromLe(gdb.ask("p20")));
    }

    @Test
    void aWriteWatchpointStopsBeforeTheStoreThatChangesIt() throws Exception {
        start(sumAndExit());
        assertEquals("E02", gdb.ask("Z2," + Long.toHexString(data) + ",0"), "an empty range");
        assertEquals("E02", gdb.ask("Z2," + Long.toHexString(data) + ",1001"), "longer than 4 KiB");
        assertEquals("OK", gdb.ask("Z2," + Long.toHexString(data) + ",8"));
        assertEquals("T05watch:" + Long.toHexString(data) + ";", gdb.ask("c"));
        assertEquals(store, fromLe(gdb.ask("p20")), "stopped at the str, before it");
        assertEquals(0, machine.ram().read64(data), "and the store is undone");
        assertEquals(data, fromLe(gdb.ask("p3")));
        assertEquals("OK", gdb.ask("z2," + Long.toHexString(data) + ",8"));
        assertEquals("S05", gdb.ask("s"));
        assertEquals(3, machine.ram().read64(data));
        assertEquals("W09", gdb.ask("c"));
    }

    @Test
    void ctrlCStopsARunningGuestWithSigint() throws Exception {
        start(spinForever());
        gdb.post("c");
        assertEquals('+', gdb.read());
        Thread.sleep(100);
        gdb.sendByte(PacketChannel.INTERRUPT);
        assertEquals("S02", gdb.reply());
        assertTrue(fromLe(gdb.ask("p5")) > 1000, "it ran a while");
        gdb.post("c");
        assertEquals('+', gdb.read());
        gdb.close(); // the debugger goes away while the guest runs: the stub notices
        assertEquals(GdbStub.Ending.DISCONNECTED, end());
    }

    @Test
    void badPacketsGetANackOrAnErrorAndTheSessionGoesOn() throws Exception {
        start(sumAndExit());
        gdb.sendRaw("$g#00");
        assertEquals('-', gdb.read(), "bad checksum");
        gdb.sendRaw("$g#zz");
        assertEquals('-', gdb.read(), "checksum not hex");
        gdb.sendRaw(RspClient.frame("x".repeat(PacketChannel.MAX_PACKET + 1)));
        assertEquals('-', gdb.read(), "oversized");
        assertEquals("", gdb.ask("qNoSuchThing"), "unknown packets get the empty reply");
        assertEquals("", gdb.ask("!"));
        assertEquals("E03", gdb.ask("Z0,zz,4"));
        assertEquals("E03", gdb.ask("Z0"));
        assertEquals("S05", gdb.ask("?"), "still serving");
    }

    @Test
    void randomPacketsAllGetAReplyAndTheSessionGoesOn() throws Exception {
        start(sumAndExit());
        java.util.Random random = new java.util.Random(42);
        String heads = "gGpPmMXZzHqQvT?!x";
        String tail = "0123456789abcdefABCDEFXYZ,:;=#$}*-+ " + (char) 3 + (char) 0x7f + (char) 0xff;
        for (int i = 0; i < 3000; i++) {
            StringBuilder p = new StringBuilder().append(heads.charAt(random.nextInt(heads.length())));
            if (random.nextBoolean()) { // something close to well-formed: address,length
                p.append(Long.toHexString(BASE + random.nextInt(64))).append(',').append(Integer.toHexString(random.nextInt(32)));
            }
            for (int n = random.nextInt(24); n > 0; n--) {
                char c = tail.charAt(random.nextInt(tail.length()));
                if (c == '#' || c == '$' || c == '}' || c == '*') {
                    p.append('}').append((char) (c ^ 0x20)); // escaped, as GDB sends binary data
                } else {
                    p.append(c);
                }
            }
            gdb.ask(p.toString()); // any reply, and the next packet is still served
        }
        assertEquals("S05", gdb.ask("?"));
        assertEquals(2 * (33 * 8 + 4), gdb.ask("g").length());
    }

    @Test
    void noAckModeDropsTheAcknowledgements() throws Exception {
        start(sumAndExit());
        assertEquals("OK", gdb.ask("QStartNoAckMode"));
        gdb.noAcks();
        assertEquals("S05", gdb.ask("?"));
        assertEquals(le64(BASE), gdb.ask("p20"));
        assertEquals("OK", gdb.ask("D"));
        assertEquals(GdbStub.Ending.DETACHED, end());
        assertTrue(gdb.closedByStub());
    }

    @Test
    void aSecondDebuggerIsRefusedAndBadPortsAreNamed() throws Exception {
        start(sumAndExit());
        assertEquals("S05", gdb.ask("?"));
        assertThrows(IOException.class, () -> new RspClient(stub.port()).ask("?"));
        assertThrows(IllegalArgumentException.class, () -> GdbStub.listen(machine, 70_000));
        gdb.close();
        assertEquals(GdbStub.Ending.DISCONNECTED, end());
    }
}
