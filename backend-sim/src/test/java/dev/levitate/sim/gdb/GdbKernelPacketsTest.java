package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.sim.isa.A64Assembler;
import dev.levitate.sim.isa.A64Assembler.Label;
import dev.levitate.sim.machine.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
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
}
