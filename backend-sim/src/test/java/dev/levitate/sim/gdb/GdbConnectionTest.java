package dev.levitate.sim.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16 item 5: a connection reset (RST) at any stage ends the session cleanly and the stub
 * serves the next debugger on the same port, with the machine as it was; breakpoints and
 * watchpoints are bounded, and Ctrl-C is answered under the most watchpoints.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GdbConnectionTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aResetAtEachStageEndsTheSessionAndTheNextDebuggerIsServed() throws Exception {
        try (GdbScript.Harness h = new GdbScript.Harness()) {
            GdbScript[] stages = {
                new GdbScript().connect().reset(),                                                   // before any packet
                new GdbScript().connect().send(ascii("$m40000000,")).reset(),                        // inside a packet
                new GdbScript().connect().send(GdbScript.frame("g")).reset(),                        // before the reply
                new GdbScript().connect().send(GdbScript.frame("?")).await().reset(),                // awaiting the ack
                new GdbScript().connect().send(GdbScript.frame("c")).pause(200).reset(),              // while the guest runs
            };
            for (GdbScript s : stages) {
                assertNull(h.run(s), s.toString());
            }
            assertTrue(h.escaped.isEmpty(), h.escaped.toString());
            assertTrue(h.endings.stream().allMatch(e -> e == GdbStub.Ending.DISCONNECTED), h.endings.toString());
            assertTrue(h.endings.size() >= 2 * stages.length - 1, "each script and each check was a session: " + h.endings);
        }
    }

    @Test
    void aDropWhileTheGuestRunsLeavesItStoppedForTheNextDebugger() throws Exception {
        try (GdbScript.Harness h = new GdbScript.Harness()) {
            assertNull(h.run(new GdbScript().connect().send(GdbScript.frame("c")).pause(200).reset()));
            RspClient gdb = GdbScript.client(h.stub.port());
            try {
                assertEquals("S02", gdb.ask("?"), "stopped by the stub when the debugger went away");
                long counter = GdbStubTest.fromLe(gdb.ask("p5"));
                assertEquals("S05", gdb.ask("s"));
                assertTrue(counter >= 0 && h.escaped.isEmpty());
                assertTrue(h.stub.endReason().startsWith("the connection failed") || h.stub.endReason().startsWith("GDB closed"),
                        h.stub.endReason());
            } finally {
                gdb.close();
            }
        }
    }

    @Test
    void watchpointsAndBreakpointsAreBoundedWithAnErrorReply() throws Exception {
        try (GdbScript.Harness h = new GdbScript.Harness()) {
            RspClient gdb = GdbScript.client(h.stub.port());
            try {
                long base = GdbScript.DATA + 0x1000;
                for (int i = 0; i < Watchpoints.MAX_WATCHPOINTS; i++) {
                    assertEquals("OK", gdb.ask("Z2," + Long.toHexString(base + 0x2000L * i) + ",1000"), "watchpoint " + i);
                }
                assertEquals("E02", gdb.ask("Z2," + Long.toHexString(base) + ",8"), "one more than " + Watchpoints.MAX_WATCHPOINTS);
                assertEquals("OK", gdb.ask("z2," + Long.toHexString(base) + ",1000"));
                assertEquals("OK", gdb.ask("Z2," + Long.toHexString(base) + ",8"), "room again after a removal");
                for (int i = 0; i < GdbStub.MAX_BREAKPOINTS; i++) {
                    assertEquals("OK", gdb.ask("Z0," + Long.toHexString(0x5000_0000L + 4L * i) + ",4"));
                }
                assertEquals("E02", gdb.ask("Z0,40000000,4"), "one more than " + GdbStub.MAX_BREAKPOINTS);
                assertEquals("OK", gdb.ask("Z0,50000000,4"), "the same address again is no new breakpoint");
                assertEquals("OK", gdb.ask("z0,50000000,4"));
                assertEquals("OK", gdb.ask("Z0,40000000,4"), "room again after a removal");
                for (int i = 0; i < GdbStub.MAX_HARDWARE_BREAKPOINTS; i++) {
                    assertEquals("OK", gdb.ask("Z1," + Long.toHexString(0x6000_0000L + 4L * i) + ",4"), "hardware breakpoint " + i);
                }
                assertEquals("E02", gdb.ask("Z1,40000000,4"), "a Cortex-A53 has 6 breakpoint registers");
                assertEquals("OK", gdb.ask("z1,60000000,4"));
                assertEquals("OK", gdb.ask("Z1,40000000,4"), "room again after a removal");
                assertEquals("E02", gdb.ask("Z3," + Long.toHexString(base) + ",8"), "read watchpoints share the 4 registers");
                assertEquals("E02", gdb.ask("Z4," + Long.toHexString(base) + ",8"), "access watchpoints too");
            } finally {
                gdb.close();
            }
        }
    }

    @Test
    void ctrlCIsAnsweredUnderTheMostWatchpoints() throws Exception {
        try (GdbScript.Harness h = new GdbScript.Harness()) {
            RspClient gdb = GdbScript.client(h.stub.port());
            try {
                long base = GdbScript.DATA + 0x1000; // 4 x 4 KiB, none written by the guest
                for (int i = 0; i < Watchpoints.MAX_WATCHPOINTS; i++) {
                    assertEquals("OK", gdb.ask("Z2," + Long.toHexString(base + 0x1000L * i) + ",1000"));
                }
                gdb.post("c");
                assertEquals('+', gdb.read());
                Thread.sleep(100); // let it run; an interrupt before 'c' is served means nothing
                gdb.sendByte(PacketChannel.INTERRUPT);
                assertEquals("S02", gdb.reply()); // the client's read timeout turns a hang into a failure
                assertTrue(GdbStubTest.fromLe(gdb.ask("p5")) > 0, "it ran");
            } finally {
                gdb.close();
            }
        }
    }
}
