package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.sched.kernel.KernelEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyscallsAndFaultsTest {
    @Test
    void theIntruderIsKilledTheWorkersFinishAndEveryFrameComesBack() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SyscallsAndFaults.Outcome o = SyscallsAndFaults.lesson(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);

        // the system calls worked: getpid went into the line, write printed it from the mmapped page
        assertTrue(o.console().contains("worker 2: this line was built in a page I mmapped"), out);
        assertTrue(o.console().contains("worker 4: this line was built in a page I mmapped"), out);
        assertEquals("exit(2)", o.exitReasons().get("alice"), out);
        assertEquals(4L, o.exitCodes().get("bob"), out);

        // a bad pointer handed to the kernel is an error; a bad pointer dereferenced is a kill
        assertTrue(o.console().contains("returned -EFAULT"), out);
        assertTrue(o.exitReasons().get("intruder").startsWith("killed: "), out);
        assertTrue(o.exitReasons().get("intruder").contains("permission fault"), out);
        assertFalse(o.console().contains("I read kernel memory"), out);
        // and the workers went on after it died
        assertTrue(o.console().indexOf("then I load") < o.console().indexOf("worker 2:"), out);

        // munmap of two pages: one last-level invalidate, then an all-levels one as the L3 table goes
        // (read from the events' typed fields, not their text)
        assertTrue(o.tlbis().stream().anyMatch(e -> e.tlbi() == TlbiOp.VALE1 && e.va() == 0x1000_0000L && e.asid() == 1
                && e.taskName().equals("alice")), out);
        assertTrue(o.tlbis().stream().anyMatch(e -> e.tlbi() == TlbiOp.VAE1 && e.va() == 0x1000_1000L && e.asid() == 1), out);
        assertEquals(3, o.tlbis().stream().filter(e -> e.tlbi() == TlbiOp.ASIDE1).count(), out);
        // the display text is still there for people
        assertTrue(o.tlbis().stream().map(KernelEvent::detail).anyMatch(d -> d.equals("vale1 0x0000_0000_1000_0000 asid 1")), out);

        assertEquals(o.freeFramesAfterBoot(), o.freeFrames(), out);
    }
}
