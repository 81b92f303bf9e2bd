package dev.levitate.sched.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.tlb.TlbiOp;
import dev.levitate.sched.RoundRobinPolicy;
import dev.levitate.sched.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed fields of {@link KernelEvent}: a listener reads names, TLBI operations, VAs and ASIDs without parsing text. */
class KernelEventFieldsTest {
    private static final long VA = 0x2000_0000L;

    @Test
    void eventsCarryTheTaskNameTheTlbiOperationTheVaTheAsidAndThePageCount() {
        List<KernelEvent> events = new ArrayList<>();
        try (Kernel k = Kernel.builder().ramMib(64).policy(new RoundRobinPolicy(1)).build()) {
            k.addListener(events::add);
            Task mapper = k.spawnUser(Workload.named("mapper").touchPages(VA, 2).exit(3));
            Task worker = k.spawn(Workload.named("worker").write("w").exit(0));
            assertTrue(k.run(10_000).allExited());
            int asid = events.stream()
                    .filter(e -> e.kind() == KernelEvent.Kind.MAP).mapToInt(KernelEvent::asid).findFirst().orElse(-1);
            assertTrue(asid > 0, "the mapper's MAP event names its ASID: " + events);

            for (KernelEvent e : events) {
                if (e.task() == mapper.id()) {
                    assertEquals("mapper", e.taskName(), e.toString());
                } else if (e.task() == worker.id()) {
                    assertEquals("worker", e.taskName(), e.toString());
                } else if (e.task() == -1) {
                    assertEquals("", e.taskName(), e.toString());
                }
                if (e.kind() != KernelEvent.Kind.TLBI) {
                    assertNull(e.tlbi(), e.toString());
                }
            }
            KernelEvent map = only(events, KernelEvent.Kind.MAP, mapper);
            assertEquals(VA, map.va());
            assertEquals(2, map.count());
            KernelEvent unmap = events.stream().filter(e -> e.kind() == KernelEvent.Kind.UNMAP && e.task() == mapper.id()
                    && e.va() == VA).findFirst().orElseThrow(() -> new AssertionError("no munmap event: " + events));
            assertEquals(2, unmap.count());
            assertEquals(asid, unmap.asid());

            // munmap of two pages: VALE1 for the first, VAE1 for the last as its L3 table goes (the kernel's rule)
            List<KernelEvent> tlbis = events.stream().filter(e -> e.kind() == KernelEvent.Kind.TLBI).toList();
            assertTrue(tlbis.stream().anyMatch(e -> e.tlbi() == TlbiOp.VALE1 && e.va() == VA && e.asid() == asid
                    && e.task() == mapper.id()), tlbis.toString());
            assertTrue(tlbis.stream().anyMatch(e -> e.tlbi() == TlbiOp.VAE1 && e.va() == VA + 4096 && e.asid() == asid),
                    tlbis.toString());
            // the reap ends with the whole ASID
            assertTrue(tlbis.stream().anyMatch(e -> e.tlbi() == TlbiOp.ASIDE1 && e.asid() == asid && e.va() == 0),
                    tlbis.toString());
            for (KernelEvent e : tlbis) {
                assertTrue(e.tlbi().byVa() || e.va() == 0, e.toString());
                assertTrue(e.tlbi().byAsid() || e.asid() == -1, e.toString());
                // the display text still names the operation
                assertTrue(e.detail().startsWith(e.tlbi().name().toLowerCase(java.util.Locale.ROOT)), e.toString());
            }
        }
    }

    @Test
    void onlyTlbiEventsCarryAnOperationAndNeverTheBarrier() {
        assertThrows(IllegalArgumentException.class,
                () -> new KernelEvent(KernelEvent.Kind.MAP, 0, 0, 1, "", "t", TlbiOp.VAE1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new KernelEvent(KernelEvent.Kind.TLBI, 0, 0, 1, "", "t", TlbiOp.DSB, 0, -1, 0));
        KernelEvent legacy = new KernelEvent(KernelEvent.Kind.WRITE, 3, 4, 1, "hi");
        assertEquals("", legacy.taskName());
        assertEquals(-1, legacy.asid());
        assertNull(legacy.tlbi());
    }

    private static KernelEvent only(List<KernelEvent> events, KernelEvent.Kind kind, Task t) {
        List<KernelEvent> found = events.stream().filter(e -> e.kind() == kind && e.task() == t.id()).toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }
}
