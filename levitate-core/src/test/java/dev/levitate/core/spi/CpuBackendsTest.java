package dev.levitate.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.mem.PhysicalMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuBackendsTest {

    @Test
    void providersAreDiscoveredWithServiceLoaderAndSortedByName() {
        List<String> names = CpuBackends.providers().stream().map(CpuBackendProvider::name).toList();
        assertEquals(List.of("test-broken", "test-echo"), names);
    }

    @Test
    void unknownNameListsWhatIsAvailable() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class, () -> CpuBackends.provider("qemu"));
        assertTrue(e.getMessage().contains("'qemu'"), e.getMessage());
        assertTrue(e.getMessage().contains("test-echo"), e.getMessage());
        assertTrue(e.getMessage().contains("test-broken (unsupported: needs a unicorn"), e.getMessage());
    }

    @Test
    void unsupportedBackendSaysWhy() {
        UnsupportedBackendException e = assertThrows(UnsupportedBackendException.class,
                () -> CpuBackends.open("test-broken", BackendConfig.of(PhysicalMemory.of(0x4000_0000L, 0x1000))));
        assertTrue(e.getMessage().contains("needs a unicorn"), e.getMessage());
    }

    @Test
    void openCreatesAWorkingBackend() {
        try (CpuBackend b = CpuBackends.open("test-echo", BackendConfig.of(PhysicalMemory.of(0x4000_0000L, 0x1000)))) {
            ContextId id = b.createContext(ContextSpec.kernel("t", 0x4000_0000L, 0x4000_1000L, 7));
            StopReason r = b.resume(id, 0);
            assertEquals(StopReason.Kind.EXITED, r.kind());
            assertEquals(7, r.value());
            assertTrue(!r.resumable());
        }
    }

    @Test
    void contextSpecRejectsMisalignedStacksAndEntries() {
        assertThrows(IllegalArgumentException.class, () -> ContextSpec.kernel("t", 0x1000, 0x2008, 0));
        assertThrows(IllegalArgumentException.class, () -> ContextSpec.kernel("t", 0x1002, 0x2000, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ContextSpec("t", 0x1000, 0x2000, 0x3000, 0, ExceptionLevel.EL0, 0x5000, 70000));
    }

    @Test
    void savedContextLayoutIsTheOriginalKernels() {
        assertEquals(0, SavedContextLayout.offsetOf("x19"));
        assertEquals(72, SavedContextLayout.offsetOf("x28"));
        assertEquals(80, SavedContextLayout.offsetOf("fp"));
        assertEquals(80, SavedContextLayout.offsetOfX(29));
        assertEquals(88, SavedContextLayout.offsetOf("lr"));
        assertEquals(88, SavedContextLayout.offsetOf("X30"));
        assertEquals(96, SavedContextLayout.offsetOf("sp"));
        assertEquals(104, SavedContextLayout.SIZE);
        assertEquals(13, SavedContextLayout.NAMES.size());
        assertThrows(IllegalArgumentException.class, () -> SavedContextLayout.offsetOf("x18"));
        assertThrows(IllegalArgumentException.class, () -> SavedContextLayout.offsetOfX(31));
    }

    @Test
    void stopReasonsDescribeThemselves() {
        StopReason f = StopReason.faulted(0x4000_0010L, 0x9200_0047L, 0xdead_0000L, "data abort, translation fault level 3");
        assertTrue(f.toString().contains("ESR=0x92000047"), f.toString());
        assertTrue(f.toString().contains("FAR=0x0000_0000_dead_0000"), f.toString());
        assertTrue(StopReason.preempted(0).resumable());
        assertTrue(StopReason.syscall(4, 1, 0x5600_0000L).resumable());
    }
}
